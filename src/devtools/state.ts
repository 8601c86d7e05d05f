import type { Inspection } from '../core/types.js'
import type { JourneySnapshot, Tracker } from '../compose/types.js'
import type { JourneyDefinition } from '../journey/types.js'
import { guard, message } from './dom.js'
import type { Ctx, Flusher } from './context.js'

// Reading the tracker, through its public API only, without ever throwing: a broken
// tracker or a missing method becomes a message in the overlay.

/**
 * What the panels render from, read once per frame: the overlay's own fields (the
 * tracker, the definition as `inspect()` gave it, the last inspection, the preview) and
 * what was read for this frame.
 */
export interface View extends Pick<Ctx, 't' | '_raw' | '_ins' | '_insErr' | '_flusher' | '_sim' | '_paint'> {
  /** the journey now: live, or the simulated preview */
  _snap: JourneySnapshot | null
  /** why `journey()` could not be read ('' if it could) */
  _snapErr: string
  /** `_raw` when it looks like a definition (an object with stages) */
  _def: JourneyDefinition | undefined
  _now: number
}

/** `tracker.journey()`, or why it could not be read. */
export function readJourney(t: Tracker): { snap: JourneySnapshot | null; err: string } {
  let snap: unknown = null
  let err = ''
  try {
    if (typeof t?.journey != 'function') err = 'Not a desire-path tracker: no journey().'
    else snap = t.journey()
  } catch (e) {
    err = 'journey() threw: ' + message(e)
  }
  return { snap: snap && typeof snap == 'object' ? (snap as JourneySnapshot) : null, err }
}

export interface Read {
  ins: Inspection | null
  err: string
  /** absent when `inspect()` could not be read */
  flusher?: Flusher
}

/** `tracker.inspect()` and who flushes; resolves with why it could not be read instead of rejecting. */
export async function readInspection(t: Tracker, win: Window | null): Promise<Read> {
  try {
    if (typeof t?.inspect != 'function') return { ins: null, err: 'This tracker has no inspect().' }
    const ins = await t.inspect()
    if (!ins || typeof ins != 'object') throw ins
    return { ins, err: '', flusher: await whoFlushes(ins, win) }
  } catch (e) {
    return { ins: null, err: 'inspect() failed: ' + message(e) }
  }
}

/**
 * Which tab holds the origin's flush lock: this one (`flushing`), another one (a held Web
 * Lock named `<storageKey>:flush`), none; undefined without Web Locks.
 */
async function whoFlushes(ins: Inspection, win: Window | null): Promise<Flusher> {
  if (ins.flushing) return 'this tab'
  const o = ins.options || {}
  const locks = o.locks === null ? undefined : o.locks || win?.navigator?.locks
  if (typeof locks?.query != 'function') return undefined
  const name = (o.storageKey || 'desire-path') + ':flush'
  try {
    return (await locks.query()).held?.some((l) => l.name == name) ? 'another tab' : null
  } catch {
    return undefined
  }
}

/** The journey definition the tracker was given (`options.journey`); null without one. */
export const definitionOf = (ins: Inspection): unknown => ins.options?.journey ?? null

/** `raw` typed as a definition when it has a stages array; the engine and the validator do the rest. */
export const asDefinition = (raw: unknown): JourneyDefinition | undefined =>
  raw && typeof raw == 'object' && Array.isArray((raw as JourneyDefinition).stages) ? (raw as JourneyDefinition) : undefined

/** A property of the tracker (`anonymousId`, `userId`), or undefined when reading it throws. */
export function prop(t: Tracker, k: 'anonymousId' | 'userId'): string | undefined {
  const v: unknown = guard(() => t[k])
  return typeof v == 'string' ? v : undefined
}
