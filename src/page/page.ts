import type { Tracker, TrackerOptions } from '../compose/types.js'
import { DesirePathError } from '../lib/errors.js'
import { safe } from '../lib/safe.js'
import { keep } from './stub.js'
import { METHODS, type Call, type PageApi } from './types.js'

/** `desirePath.init(options)`: createTracker's options; `journey` may also be the URL of a definition to fetch. */
export interface InitOptions extends Omit<TrackerOptions, 'journey'> {
  journey?: TrackerOptions['journey'] | string | undefined
}

/** A definition fetched from a URL must arrive within this (ms); without it, tracking starts without journeys. */
const JOURNEY_TIMEOUT = 5000

type Methods = Record<string, (...a: unknown[]) => unknown>

/**
 * Makes `api` (window.desirePath) the page's one tracker: `init(options)` creates it (a
 * second init is reported and ignored), the other methods go to it, and until it exists
 * they are kept with their time. The calls the snippet's stub kept are replayed first, in
 * order, each with the time it was made (events carry that timestamp). Without an init
 * there, the data attributes of the build's own script tag (`me`) configure it:
 * `data-endpoint`, `data-write-key`, `data-journey` (a URL), and page views are sent (the
 * first and those of route changes, as with `pageviews: 'history'`, the default here)
 * unless `data-page="false"`. Clicks in `[data-dp-event]` elements are tracked.
 * `ready(tracker)`: it exists. `load(file)` loads a file from beside the build: with nudges
 * in the definition, desire-path-nudges.iife.js (their policy) before the tracker starts.
 */
export function installPage(api: PageApi, doc: Document, me: HTMLOrSVGScriptElement | null, ready: (t: Tracker) => void, load: (file: string) => Promise<unknown>) {
  const createTracker = api.createTracker as (o: TrackerOptions) => Tracker
  const early = api.$q || []
  const q: Call[] = []
  let lost = api.$lost || 0
  let tracker: Tracker | undefined
  let given: InitOptions | undefined
  let again = 0
  /**
   * the time of the call being replayed: the tracker's clock while it runs. A property, not
   * a variable: terser (passes: 3) dropped the read of a variable set around the call.
   */
  const replay: { at?: number | undefined } = {}
  const report = (e: DesirePathError) => {
    console.warn(e.message)
    safe(() => given?.onError?.(e))
  }
  // tracker methods never throw: no try/finally around the clock
  const apply = (c: Call) => {
    replay.at = c[2]
    const r = (tracker as unknown as Methods)[c[0]]!(...c[1])
    replay.at = undefined
    if (c[0] == 'on') {
      if (c[4]) (r as () => void)()
      else c[4] = r as () => void
    }
    c[3]?.(r)
  }
  let policyAsked = false
  const start = (o: InitOptions, journey: unknown, why?: unknown): void => {
    // nudges in the definition: their policy comes with desire-path-nudges.iife.js, once
    if ((journey as { nudges?: unknown[] })?.nudges?.[0] && !api.$policy && !policyAsked) {
      policyAsked = true
      const go = () => start(o, journey, why)
      return void load('desire-path-nudges.iife.js').then(go, go)
    }
    try {
      // a script-tag page is often a single-page app: its route changes are page views
      tracker = createTracker({ ...o, pageviews: o.pageviews ?? 'history', journey: journey as TrackerOptions['journey'], now: () => replay.at ?? (o.now || Date.now)() })
    } catch (e) {
      return report(e as DesirePathError)
    }
    api.tracker = tracker
    if (why) report(new DesirePathError('journey_invalid', `journey not loaded (${why}): tracking without it`, why))
    if (lost) report(new DesirePathError('queue_full', `${lost} calls before the build loaded were dropped`, 0, { count: lost, total: lost }))
    ready(tracker)
    q.splice(0).forEach(apply)
  }
  const init = (o: InitOptions): void => {
    if (given) return void (again++ || report(new DesirePathError('event_invalid', 'init() again: ignored (one tracker per page)')))
    const j = (given = o)?.journey
    if (typeof j != 'string') return start(o, j)
    fetch(j, { credentials: 'same-origin', signal: AbortSignal.timeout?.(JOURNEY_TIMEOUT) })
      .then((r) => (r.ok ? r.json() : Promise.reject('HTTP ' + r.status)))
      .then(
        (d) => start(o, d),
        (e) => start(o, 0, e),
      )
  }
  const call = (c: Call) => (c[0] == 'init' ? init(c[1][0] as InitOptions) : c[0] == 'devtools' ? (api as Methods).devtools!(...c[1]) : tracker ? apply(c) : q.push(c))
  for (const m of METHODS)
    if (m != 'devtools') api[m] = (...args: unknown[]) => (m == 'init' ? init(args[0] as InitOptions) : tracker ? (tracker as unknown as Methods)[m]!(...args) : keep(q, m, args, () => lost++))
  api.journey = () => tracker?.journey() ?? null
  delete api.$q
  early.forEach(call)
  const d = me?.dataset
  // the page view (and those of route changes) unless data-page="false"
  if (!given && d?.endpoint) init({ endpoint: d.endpoint, writeKey: d.writeKey, journey: d.journey, pageviews: d.page != 'false' && 'history' })
  // tagged touchpoints: a click in an element with data-dp-event="CTA Clicked" tracks that
  // event, with its other data-dp-* attributes as properties (data-dp-cta="pricing": cta)
  doc.addEventListener(
    'click',
    (e) => {
      const el = (e.target as Element).closest?.<HTMLElement>('[data-dp-event]')
      const props: Record<string, string> = {}
      if (el) {
        for (const k in el.dataset) if (k != 'dpEvent' && !k.indexOf('dp')) props[k[2]!.toLowerCase() + k.slice(3)] = el.dataset[k]!
        ;(api as Methods).track!(el.dataset.dpEvent, props)
      }
    },
    true,
  )
}
