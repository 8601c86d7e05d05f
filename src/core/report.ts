import { DesirePathError } from '../lib/errors.js'
import { safe } from '../lib/safe.js'
import type { DropReason, OnError } from '../storage/queue.js'
import { createEmitter, type Emitter } from './emitter.js'
import type { Core, CoreEvents, CoreOptions, Inspection } from './types.js'

// two fixed parameters, not ...rest: no array allocated per call in hot paths
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Guardable = (a?: any, b?: any) => void

/** @internal How the tracker's parts tell the host what went wrong: never by throwing. */
export interface Reporter extends Pick<Core, '$emit' | '$has' | '$report'> {
  /** `dp.on()`: `error`, `sent`, `dropped`, and a plugin's events */
  _on: Emitter<CoreEvents & Record<string, unknown>>['_on']
  _err: OnError
  /** events lost: a `dropped` event; a cap's drops also an error, once per outage */
  _dropped(reason: DropReason, count: number): void
  /** a call the tracker could not use: one event dropped */
  _invalid(msg: string): void
  /** the collector acknowledged these: a `sent` event, and the next loss is reported again */
  _sent(ids: string[]): void
  /** what `dp.inspect()` tells of this tab's sends, drops and errors */
  _stats: Pick<Inspection, 'sent' | 'dropped' | 'lastError'>
  /** `fn` that never throws to the page: what it throws is reported as `internal` */
  _guard<F extends Guardable>(fn: F): F
}

export function createReporter(o: CoreOptions): Reporter {
  const warned = new Set<string>()
  const stats: Reporter['_stats'] = { sent: 0, dropped: {}, lastError: null }
  const report = (e: DesirePathError) => {
    if (!warned.has(e.code)) console.warn(e.message)
    warned.add(e.code)
    stats.lastError = { code: e.code, message: e.message, at: (o.now || Date.now)() }
    safe(() => o.onError?.(e))
    emitter._emit('error', e)
  }
  const err: OnError = (code, msg, cause, extra) => report(new DesirePathError(code, msg, cause, extra))
  const emitter = /*#__NOINLINE__*/ createEmitter<CoreEvents & Record<string, unknown>>((e, type) => type != 'error' && err('listener_threw', `${type} listener threw: ${e}`, e))
  let total = 0
  // a cap that drops events is data lost: reported once per outage (until the next ack)
  let lossReported = false
  const dropped = (reason: DropReason, count: number) => {
    emitter._emit('dropped', { reason, count, total: (total += count) })
    stats.dropped[reason] = (stats.dropped[reason] || 0) + count
    if ((reason == 'queue_full' || reason == 'expired') && !lossReported) {
      lossReported = true
      const why = reason == 'expired' ? 'older than maxEventAge' : 'queue full (maxQueueEvents / maxQueueBytes)'
      err(reason == 'expired' ? 'event_expired' : 'queue_full', `${count} events dropped unsent: ${why}; ${total} dropped in all`, 0, { count, total })
    }
  }
  return {
    _on: emitter._on,
    $emit: emitter._emit,
    $has: emitter._has,
    $report: report,
    _err: err,
    _dropped: dropped,
    _invalid(msg) {
      dropped('invalid', 1)
      err('event_invalid', msg)
    },
    _sent(ids) {
      lossReported = false
      stats.sent += ids.length
      emitter._emit('sent', { count: ids.length, ids })
    },
    _stats: stats,
    _guard<F extends Guardable>(fn: F): F {
      return ((a?: unknown, b?: unknown) => {
        try {
          fn(a, b)
        } catch (e) {
          err('internal', 'unexpected: ' + e, e)
        }
      }) as F
    },
  }
}
