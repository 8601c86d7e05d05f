import type { Ctx } from './context.js'
import { guard, message } from './dom.js'
import { simulate } from './simulate.js'
import { asDefinition, readJourney } from './state.js'

// The action buttons. Only "Send test event" sends anything; the simulation is local.

/**
 * A JSON.stringify replacer that keeps plain data only: the inspection's options may hold
 * platform pieces (an IDBFactory, a document: cycles) that would make stringify throw.
 */
const plain = () => {
  const seen = new WeakSet()
  return (_k: string, v: unknown) =>
    !v || typeof v != 'object' ? v : seen.has(v) || ![null, Object.prototype, Array.prototype].includes(Object.getPrototypeOf(v)) ? undefined : (seen.add(v), v)
}

/** Tracks one `Devtools Test Event`: a real event, through the normal pipeline. */
export function testEvent(c: Ctx): void {
  c.t.track('Devtools Test Event', { source: 'desire-path devtools' })
  c._say('Test event queued.')
  c._refresh()
}

export function flushNow(c: Ctx): void {
  c._say('Flushing…')
  Promise.resolve(c.t.flush())
    .then(
      () => c._say('Flushed.'),
      (e) => c._say('Flush failed: ' + message(e)),
    )
    .finally(c._refresh)
}

/** `tracker.reset()`: a new anonymousId, the user forgotten; the shared journey state stays. */
export function resetLocal(c: Ctx): void {
  c._sim = null
  c.t.reset()
  c._say('Reset: a new anonymousId; the journey state is kept.')
  c._refresh()
}

/** Jumps to the selected stage in a local preview: nothing is written or sent. */
export function simulateStage(c: Ctx): void {
  const def = asDefinition(c._raw)
  if (!def) return c._say('No journey definition known.')
  const id = c._parts._select.value
  const r = simulate(def, id, Date.now(), guard(() => c._win?.location.pathname))
  if (typeof r == 'string') return c._say(r)
  c._sim = r
  c._say('')
  c._paint()
}

export function backToLive(c: Ctx): void {
  c._sim = null
  c._say('Back to live.')
  c._paint()
}

/** Copies `{ journey, inspection }` as JSON; says "Copied" or why not. */
export function copyJson(c: Ctx): void {
  const clip = c._win?.navigator?.clipboard
  if (typeof clip?.writeText != 'function') return c._say('Copy failed: no clipboard here.')
  const failed = (e: unknown) => c._say('Copy failed: ' + message(e))
  // the inspection polled last (not a fresh one): the clipboard is written within the click, while it counts as a user's
  try {
    clip.writeText(JSON.stringify({ journey: readJourney(c.t).snap, inspection: c._ins }, plain(), 2)).then(() => c._say('Copied'), failed)
  } catch (e) {
    failed(e)
  }
}
