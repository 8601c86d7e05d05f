import type { CoreOptions } from './types.js'
import { DesirePathError } from '../lib/errors.js'

const DEFAULTS = {
  flushAt: 20,
  flushInterval: 5_000,
  maxBatchEvents: 1_000,
  maxBatchBytes: 500_000,
  maxEventBytes: 32_768, // Segment's 32 KB: what every compatible collector accepts
  // Caps for a collector that is down for long, on what waits. 10,000 dropped data while
  // nothing was wrong: a 20,000-event flood on a CPU 4x slower keeps more than that waiting
  // for seconds against a healthy collector. 50 MB of IndexedDB is far below any quota.
  maxQueueEvents: 100_000,
  maxQueueBytes: 50_000_000,
  maxEventAge: 7 * 864e5,
  retryBase: 1_000,
  retryMax: 60_000,
  requestTimeout: 30_000,
  storageTimeout: 3_000,
  maxStringLength: 10_000,
  sessionTimeout: 30 * 6e4,
}
const TYPES = { redact: 'function', queryParams: 'object', onError: 'function', fetch: 'function', sendBeacon: 'function', now: 'function', random: 'function', storageKey: 'string', writeKey: 'string', respectGPC: 'boolean', sessionMidnight: 'boolean' }
/** Options that take one of a few values: the values, and how the error names them. */
const ONE_OF: Record<string, [unknown[], string]> = {
  compression: [['gzip'], '"gzip"'],
  consent: [['pending', 'granted', 'denied'], '"pending", "granted" or "denied"'],
  pageviews: [['history', 'hash', false], '"history", "hash" or false'],
}
export type Settings = typeof DEFAULTS & { url: string }

const fail = (name: string, want: string, got: unknown): never => {
  throw new DesirePathError('option', `option "${name}" must be ${want}, got ${typeof got == 'string' ? `"${got}"` : String(got)}`)
}

/** Checks options once, at creation: the only place desire-path throws. */
export function readOptions(o: CoreOptions, base: string | undefined): Settings {
  if (!o || typeof o != 'object') fail('options', 'an object', o)
  const s = { ...DEFAULTS } as Settings
  for (const [k, v] of Object.entries(o)) {
    if (v == null) continue // a null platform piece means "none"
    if (k in DEFAULTS) s[k as keyof typeof DEFAULTS] = typeof v == 'number' && v > 0 && v < Infinity ? v : fail(k, 'a positive number', v)
    const type = TYPES[k as keyof typeof TYPES]
    // an empty string is no key (false is a boolean)
    if (type && (typeof v != type || v === '')) fail(k, 'a ' + type, v)
    const one = ONE_OF[k]
    if (one && !one[0].includes(v)) fail(k, one[1], v)
  }
  if (o.queryParams && !Array.isArray(o.queryParams.allow)) fail('queryParams', '{ allow: [names] }', o.queryParams)
  if (o.journey != null && !o.$plugin)
    throw new DesirePathError('option', 'option "journey" needs createTracker from "desire-path/journey"')
  // an event must fit in a batch
  s.maxEventBytes = Math.min(s.maxEventBytes, s.maxBatchBytes - 200)
  try {
    // without a page (server rendering), a relative endpoint is checked as a browser would see it
    const u = new URL(o.endpoint, base || 'http://localhost/')
    if (!/^https?:$/.test(u.protocol) || typeof o.endpoint != 'string' || !o.endpoint) throw 0
    s.url = u.href
  } catch {
    fail('endpoint', 'an http(s) URL', o.endpoint)
  }
  return s
}
