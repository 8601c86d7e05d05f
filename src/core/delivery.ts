import { piece, safe } from '../lib/safe.js'
import type { MemoryQueue } from '../storage/memory.js'
import { createFlusher, MAX_RETRY_AFTER, type Backoff, type Flusher } from '../transport/flush.js'
import type { Env } from './env.js'
import { read, write } from './local.js'
import type { TrackerQueue } from './writer.js'

/** @internal */
export type Delivery = [
  flusher: Flusher,
  /** back online: the backoff is over, send now */
  online: () => void,
  /** shutdown (`_stopped` set): no more timers, the channel closes */
  close: () => void,
  /** consent withdrawn: requests in flight are aborted (`live()` is false: no new ones) */
  abort: () => void,
]

/**
 * Delivery of the queue `q`: the flusher, with its backoff shared by the origin's tabs in
 * localStorage (so tabs don't take turns storming a collector that is down, and it
 * survives reloads), and a BroadcastChannel (`BC`) on which tabs tell each other what the
 * collector acknowledged, so no tab resends it on unload. `stored()` resolves once what
 * was captured is stored.
 */
export function createDelivery(e: Env, q: TrackerQueue, mem: MemoryQueue, BC: typeof BroadcastChannel | undefined, stored: () => Promise<void>, live: () => boolean): Delivery {
  const { _o: o, _nav: nav, $win: w, $now: now } = e
  let backoff: Backoff = { u: 0, n: 0 }
  const shared = {
    _get() {
      const b = read<Backoff>(e, ':backoff') || backoff
      // a clock moved back must not pause delivery for long
      return b.u - now() > MAX_RETRY_AFTER + e.retryMax ? { u: 0, n: b.n } : b
    },
    _set(b: Backoff) {
      return write(e, ':backoff', (backoff = b).n && b)
    },
  }
  // opened a task after creation, like the rescue adoption (its first use costs ~1 ms)
  let bc: BroadcastChannel | undefined
  setTimeout(() => {
    if (e._stopped || !BC) return
    bc = safe(() => new BC(e.$key))
    if (bc) bc.onmessage = (m: MessageEvent<string[]>) => mem._del(m.data)
  })
  const f = piece(o.fetch, () => w!.fetch.bind(w))
  const beacon = piece(o.sendBeacon, () => nav!.sendBeacon.bind(nav))
  const ac = new AbortController()
  // AbortSignal.any: Chromium 116, Firefox 124, Safari 17.4; without it a request in flight ends by itself
  const any = (AbortSignal as Partial<typeof AbortSignal>).any
  const flusher = /*#__NOINLINE__*/ createFlusher({
    ...e,
    _err: (...a) => live() && e._err(...a),
    _q: q,
    // every request goes through `live()`, and can be aborted with the pipeline
    _fetch: f && ((url, i) => (live() ? f(url, { ...i, signal: any && i?.signal ? any([i.signal, ac.signal]) : i?.signal ?? null }) : Promise.reject(Error('consent withdrawn')))),
    _beacon: beacon && ((url, data) => live() && beacon(url, data)),
    _locks: piece(o.locks, () => nav!.locks),
    _shared: shared,
    _lock: e.$key + ':flush',
    _owner: e._id(),
    _gzip: o.compression == 'gzip' && typeof CompressionStream == 'function',
    _wrap(events) {
      return `{"batch":[${events}],"sentAt":"${new Date(now()).toISOString()}"${o.writeKey ? ',"writeKey":' + JSON.stringify(o.writeKey) : ''}}`
    },
    _stored: stored,
    _acked(batch) {
      const ids = batch.map((r) => r.id)
      safe(() => bc?.postMessage(ids))
      e._sent(ids)
    },
  })
  return [
    flusher,
    () => {
      shared._set({ u: 0, n: 0 })
      void flusher._flush(true)
    },
    () => {
      flusher._stop()
      bc?.close()
    },
    () => ac.abort(),
  ]
}
