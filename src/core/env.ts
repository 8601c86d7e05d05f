import type { JsonValue } from '../lib/json.js'
import { safe } from '../lib/safe.js'
import { createUuidV7, cryptoRandom } from '../lib/uuid.js'
import { readOptions, type Settings } from './options.js'
import { createReporter, type Reporter } from './report.js'
import type { ConsentState, Core, CoreOptions } from './types.js'

/** The stored identity (identity.ts): anonymousId, userId, traits. */
export type User = { a: string; u?: string; t?: Record<string, JsonValue> }
/** The session (session.ts): id (its start, ms), last activity, last activity stored, campaign. */
export type Session = { id: number; l: number; w: number; c?: Record<string, string> | undefined }

/**
 * @internal What every part of the tracker may use, made once by createTracker(): the
 * checked settings (options.ts), the options as given, the page's platform pieces, the
 * clock, ids and error reporting (report.ts), and the few values parts keep here. The
 * members a plugin gets too are named as in {@link Core}.
 */
export interface Env extends Settings, Reporter, Pick<Core, '$key' | '$now' | '$doc' | '$win' | '$loc'> {
  _o: CoreOptions
  _nav: Navigator | undefined
  _random: () => number
  /** a UUIDv7 of time `ms` (default: now); ids of one tracker sort in the order they were made */
  _id(ms?: number): string
  /** localStorage, once looked up (local.ts) */
  _ls?: Storage | null
  /** the identity, once read (identity.ts) */
  _user?: User | undefined
  /** this page load's rescue copy's key (rescue.ts) */
  _rescue?: string
  /** a rescue copy was saved and not yet cleared */
  _rescued?: boolean
  /** set by shutdown(): later calls are ignored */
  _stopped?: boolean
  /** the URL of the last page view, whoever asked for it (pageviews.ts: one per URL in a row) */
  _lastPage?: string
  /** the session, once read or started (session.ts) */
  _ses?: Session | undefined
  /** the URL of the last event (session.ts reads campaigns when it changes) */
  _href?: string
  /** consent now (consent.ts): nothing is stored or sent unless `granted` */
  _consent: ConsentState
}

/**
 * The env of a tracker with these options; throws for bad options (options.ts), and is
 * undefined without a DOM (server rendering). Platform pieces are the injected ones, else
 * the page's.
 */
export function createEnv(o: CoreOptions): Env | undefined {
  const w = o?.window ?? (typeof window == 'object' ? window : undefined)
  const doc = o?.document ?? w?.document
  const loc = o?.location ?? w?.location
  const s = /*#__NOINLINE__*/ readOptions(o, loc?.href)
  if (!doc || !loc) return
  const now = o.now || Date.now
  const random = o.random || safe(() => /*#__NOINLINE__*/ cryptoRandom(w?.crypto ?? globalThis.crypto)) || Math.random
  const uuid = /*#__NOINLINE__*/ createUuidV7(random)
  return {
    ...s,
    .../*#__NOINLINE__*/ createReporter(o),
    _o: o,
    $win: w,
    $doc: doc,
    $loc: loc,
    _nav: o.navigator ?? w?.navigator,
    $now: now,
    _random: random,
    $key: o.storageKey || 'desire-path',
    _consent: 'pending', // until the tracker reads it: nothing is stored before
    _id(ms = now()) {
      return uuid(ms)
    },
  }
}
