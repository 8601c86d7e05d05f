import { piece } from '../lib/safe.js'
import type { MemoryQueue } from '../storage/memory.js'
import type { StoredEvent } from '../storage/queue.js'
import type { Flusher } from '../transport/flush.js'
import type { Capture } from './capture.js'
import type { Context } from './context.js'
import { createDelivery } from './delivery.js'
import type { Env } from './env.js'
import { lifecycle } from './lifecycle.js'
import type { Plugin } from './types.js'
import { createWriter, openQueue, type TrackerQueue } from './writer.js'

/** @internal What stores and sends, while consent is granted: made at the grant, killed at a revocation. */
export interface Pipeline {
  /** a captured event (`derived`: made by the plugin, which does not fold it) */
  _add(rec: StoredEvent, derived?: string): void
  _flusher: Flusher
  _plugin: Plugin | undefined
  _q: TrackerQueue
  /** shutdown: after the last flush, timers, listeners and connections go */
  _close(): void
  /** consent withdrawn: no request, write or IndexedDB open from here on; what is in flight is aborted */
  _kill(): void
}

/**
 * The queue (writer.ts), delivery, the page's lifecycle listeners and the plugin. What
 * the page's storage and network see goes through `live`: once killed, IndexedDB opens
 * throw, requests are refused and those in flight aborted, and the plugin's reports are
 * muted, so nothing a dying pipeline still does recreates what consent withdrawal deleted.
 */
export function createPipeline(e: Env, [, , , merge]: Context, capture: Capture): Pipeline {
  const o = e._o
  let live = true
  const alive = () => live
  const [q, mem, idbf] = /*#__NOINLINE__*/ openQueue(e, alive)
  const [add, stored, hideWrites] = /*#__NOINLINE__*/ createWriter(e, q, mem, () => flusher)
  const BC = piece(o.BroadcastChannel, () => (e.$win as { BroadcastChannel?: typeof BroadcastChannel }).BroadcastChannel)
  const [flusher, online, close, abort] = /*#__NOINLINE__*/ createDelivery(e, q, mem as MemoryQueue, BC, stored, alive)
  const listen = /*#__NOINLINE__*/ lifecycle(
    e,
    () => {
      hideWrites()
      flusher._unload(mem._all())
    },
    flusher._resume,
    online,
  )
  listen(true)
  const plugin = o.$plugin?.({
    ...e,
    $derive(event, props, id, t) {
      capture('{"type":"track","event":' + JSON.stringify(event), props, 'properties', id, t)
    },
    $report: (x) => live && e.$report(x),
    $context: merge,
    $session: () => e._ses?.id,
    $idb: idbf,
    $BC: BC,
  })
  // Events left by earlier page loads go out soon after load (not on the first tick,
  // so the page's own first events still batch up).
  flusher._schedule(Math.min(e.flushInterval, 1000))
  const stop = () => {
    close()
    listen(false)
    q._close?.()
  }
  return {
    _add(rec, derived) {
      add(rec)
      if (!derived) plugin?.$event(rec)
    },
    _flusher: flusher,
    _plugin: plugin,
    _q: q,
    _close: stop,
    _kill() {
      live = false
      abort()
      stop()
      void plugin?.$stop()
    },
  }
}
