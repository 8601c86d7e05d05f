import { add, note, row } from './dom.js'
import { prop, type View } from './state.js'
import { ago } from './words.js'

// The Queue panel (what `inspect()` says about the pipeline) and the Identity & consent panel.


/** Fills `into` with the Queue panel for `v`. */
export function queuePanel(into: HTMLElement, v: View): void {
  if (v._insErr) return void note(into, v._insErr, 'e', 'queue-error')
  const i = v._ins
  if (!i) return void note(into, 'Reading the queue…')
  const dl = add(into, 'dl')
  row(dl, 'Storage', i.storage == 'indexeddb' ? 'IndexedDB' : 'memory', 'q-storage')
  row(dl, 'Waiting', i.waiting > 10_000 ? 'more than 10,000' : String(i.waiting), 'q-waiting')
  row(dl, 'In flight', String(i.inFlight), 'q-in-flight')
  row(dl, 'Sent', String(i.sent) + ' from this tab', 'q-sent')
  const dropped = Object.entries(i.dropped || {}).filter(([, n]) => n)
  row(dl, 'Dropped', dropped.length ? dropped.map(([r, n]) => `${n} ${r.replace('_', ' ')}`).join(', ') : 'none', 'q-dropped')
  // undefined: no Web Locks to ask whether another tab sends
  row(dl, 'Flushing', v._flusher === undefined ? (i.flushing ? 'this tab' : 'not this tab') : v._flusher || 'no tab', 'q-flusher')
  const e = i.lastError
  const err = row(dl, 'Last error', e ? `${e.code}: ${e.message} (${ago(v._now - e.at)})` : 'none', 'q-last-error')
  if (e) err.className = 'e'
}

/** Fills `into` with the Identity & consent panel for `v`. */
export function identityPanel(into: HTMLElement, v: View): void {
  const dl = add(into, 'dl')
  row(dl, 'anonymousId', prop(v.t, 'anonymousId') || 'unknown', 'anonymous-id')
  row(dl, 'userId', prop(v.t, 'userId') || 'none (not identified)', 'user-id')
  row(dl, 'Consent', v._ins?.consent || 'unknown', 'consent')
}
