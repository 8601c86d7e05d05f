import { onCLS, onFCP, onINP, onLCP, onTTFB, type MetricType } from 'web-vitals'
import { cleanPath } from '../core/redact.js'
import type { CoreTracker } from '../core/types.js'
import { DesirePathError } from '../lib/errors.js'
import { vitalProperties, type VitalName } from './metric.js'

/** Options of `captureVitals`. */
export interface VitalsOptions {
  /** Which metrics to capture (default all five). @example metrics: ['INP', 'LCP', 'CLS'] */
  metrics?: readonly VitalName[] | undefined
  /** The track event's name (default `'Web Vitals'`). @example event: 'Performance Metric' */
  event?: string | undefined
}

/**
 * What `captureVitals` uses of a tracker: `Tracker` from `createTracker` (desire-path/journey,
 * or desire-path), or anything with these three calls.
 */
export type VitalsTracker = Pick<CoreTracker, 'track' | 'journey' | 'settled'>

/** Stops sending: reports that come later are ignored (web-vitals has no unsubscribe). Calling it again does nothing. */
export type StopVitals = () => void

const WATCH = { CLS: onCLS, FCP: onFCP, INP: onINP, LCP: onLCP, TTFB: onTTFB }
/** One capture per tracker: a second call while one runs returns its `stop` (no double events). */
const running = new WeakMap<object, StopVitals>()
let warned = false
const warn = (msg: string) => {
  if (!warned) console.warn(new DesirePathError('option', 'captureVitals: ' + msg).message)
  warned = true
}

/**
 * Sends the page's Core Web Vitals (LCP, INP, CLS) and FCP, TTFB as `Web Vitals` track
 * events, one per metric and page view, each when web-vitals reports it final: TTFB and
 * FCP after load, LCP at the first input (or hide), CLS and INP when the page hides. Each
 * carries the journey stage the customer was in at that moment and the route. Metrics
 * final before the tracker's stored journey state has loaded wait for it (`dp.settled()`),
 * unless the page hides first. Never throws; without a DOM (server rendering) it does nothing.
 * @param tracker from `createTracker` (desire-path/journey for stages; desire-path sends `stage: null`)
 * @param options which metrics, the event's name
 * @returns `stop`
 * @example
 * import { captureVitals } from 'desire-path/vitals'
 * const stop = captureVitals(dp)
 */
export function captureVitals(tracker: VitalsTracker, options: VitalsOptions = {}): StopVitals {
  let on = true
  const hidden = () => document.visibilityState == 'hidden' && release()
  const listen = (add: boolean) => {
    if (typeof window != 'object') return
    const m = add ? 'addEventListener' : 'removeEventListener'
    // capture phase on window: before the tracker's own hide listener, so these go in its unload send
    window[m]('visibilitychange', hidden, true)
    window[m]('pagehide', release, true)
  }
  const stop = () => {
    if (on && running.get(tracker) == stop) running.delete(tracker)
    on = false
    listen(false)
  }
  /** metrics final before the journey state loaded; `undefined` once it has */
  let held: MetricType[] | undefined = []
  const sent = new Set<string>()
  const event = options.event || 'Web Vitals'
  const send = (m: MetricType) => {
    if (!on) return
    try {
      const j = tracker.journey?.() as { stage?: unknown } | null | undefined
      const stage = typeof j?.stage == 'string' ? j.stage : null
      tracker.track(event, vitalProperties(m, stage, cleanPath(location.pathname)))
    } catch (e) {
      warn('the tracker threw: ' + e)
    }
  }
  function release() {
    const h = held
    held = undefined
    listen(false)
    h?.forEach(send)
  }
  try {
    if (typeof window != 'object' || typeof document != 'object') return stop
    if (typeof tracker?.track != 'function') {
      warn('the first argument is not a tracker (from createTracker); no web vitals are sent')
      return stop
    }
    const before = running.get(tracker)
    if (before) return before
    running.set(tracker, stop)
    const all = Object.keys(WATCH) as VitalName[]
    const names = options.metrics || all
    const known = Array.isArray(names) ? all.filter((n) => names.includes(n)) : []
    if (known.length != (names as unknown[]).length) warn(`metrics must be some of ${all}, got ${JSON.stringify(names)}`)
    // web-vitals reports a metric again with the same id when its value changed since the
    // page last hid (CLS, INP after a tab switch): once per page view, the first final value wins
    const report = (m: MetricType) => {
      if (!on || sent.has(m.id)) return
      sent.add(m.id)
      if (held && document.visibilityState != 'hidden') held.push(m)
      else {
        release()
        send(m)
      }
    }
    listen(true)
    // (a tracker without settled(), or one that throws there: nothing to wait for)
    new Promise<void>((r) => r(tracker.settled?.())).then(release, release)
    for (const n of known) WATCH[n](report)
  } catch (e) {
    warn('unexpected: ' + e)
  }
  return stop
}
