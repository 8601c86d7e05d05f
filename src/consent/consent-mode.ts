import type { ConsentTracker, StopConsent } from './tcf.js'
import { guarded } from './guard.js'

/** Options of `consentModeConsent`. */
export interface ConsentModeOptions {
  /** The Consent Mode signal that decides (default `'analytics_storage'`). @example signal: 'ad_storage' */
  signal?: string | undefined
  /** The name of the dataLayer global, when Tag Manager loads with another (`&l=`; default `'dataLayer'`). @example dataLayer: 'tagLayer' */
  dataLayer?: string | undefined
}

type Push = (...items: unknown[]) => number

/**
 * Follows Google Consent Mode v2 as a consent manager gives it to Google's tags: the
 * `gtag('consent', 'default' | 'update', { analytics_storage, ... })` commands in
 * `window.dataLayer`, those already there and those pushed later. The last `update` of the
 * signal decides: `'granted'` → `dp.consent('granted')`, `'denied'` → `dp.consent('denied')`.
 * Before any update, a `default` of `'granted'` grants a tracker that is still pending,
 * unless a regional default (`region: [...]`) denies: which region the visitor is in, only
 * Google's servers know. A `default` of `'denied'` changes nothing: it means "not decided
 * yet", and a denial would delete what the tracker stored on every page load, before the
 * CMP's update of a visitor who had granted. So create the tracker with `consent: 'pending'`.
 * `dataLayer.push` is wrapped (its return value and behaviour kept), and so is every push
 * assigned after it (Tag Manager's own, when it loads). Never throws; without a DOM
 * (server rendering) it does nothing.
 * @param tracker from `createTracker`, with `consent: 'pending'`
 * @param options signal, dataLayer
 * @returns `stop`: puts `dataLayer.push` back (the latest one assigned, if one was)
 * @example
 * import { consentModeConsent } from 'desire-path/consent'
 * const dp = createTracker({ endpoint, consent: 'pending' })
 * consentModeConsent(dp)
 */
export function consentModeConsent(tracker: ConsentTracker, options: ConsentModeOptions = {}): StopConsent {
  const { signal = 'analytics_storage', dataLayer = 'dataLayer' } = options
  let on = true
  const guard = guarded('consentModeConsent')
  let stop: StopConsent = () => void (on = false)
  if (typeof window != 'object') return stop
  guard(() => {
    if (typeof tracker?.consent != 'function') throw 'the first argument is not a tracker (from createTracker)'
    const w = window as unknown as Record<string, unknown>
    const dl = (w[dataLayer] ||= []) as unknown[]
    if (!Array.isArray(dl)) throw `window.${dataLayer} is not an array`
    /** entries read so far: each is read once, however many wrappers a push goes through */
    let seen = 0
    let def: unknown
    let regional = false
    let update: unknown
    const read = () =>
      guard(() => {
        if (!on) return
        let changed = false
        // gtag() pushes its `arguments`: ['consent', 'update', { analytics_storage: 'granted', ... }]
        for (seen = Math.min(seen, dl.length); seen < dl.length; ) {
          const c = dl[seen++] as ArrayLike<unknown> | null | undefined
          const s = c?.[0] == 'consent' ? (c[2] as Record<string, unknown> | null | undefined) : undefined
          const v = s?.[signal]
          if (v != 'granted' && v != 'denied') continue
          changed = true
          if (c![1] == 'update') update = v
          else if (c![1] == 'default' && s!.region == null) def = v
          else if (c![1] == 'default') regional ||= v == 'denied'
        }
        if (!changed) return
        if (update) tracker.consent(update as 'granted' | 'denied')
        // after the task: a page's defaults come in one script, the regional ones in any order
        else if (def == 'granted')
          queueMicrotask(() => guard(() => on && !update && !regional && tracker.consent() == 'pending' && tracker.consent('granted')))
      })
    read()
    // push as an accessor: whatever push is assigned later (Tag Manager wraps the one it
    // finds and assigns its own) is kept, and read through, in a wrapper of ours
    const own = Object.getOwnPropertyDescriptor(dl, 'push')
    let inner = dl.push as Push
    let last: [Push, Push] | undefined
    const get = () => {
      const f = inner
      if (last?.[0] != f)
        last = [
          f,
          function (this: unknown, ...items: unknown[]) {
            try {
              return f.apply(this, items)
            } finally {
              read()
            }
          },
        ]
      return last[1]
    }
    Object.defineProperty(dl, 'push', { configurable: true, get, set: (f: Push) => void (inner = f) })
    stop = () =>
      guard(() => {
        if (!on) return
        on = false
        // redefined over ours by someone else: theirs stays (our wrappers now only pass calls on)
        if (Object.getOwnPropertyDescriptor(dl, 'push')?.get != get) return
        delete (dl as { push?: Push }).push
        if (own) Object.defineProperty(dl, 'push', own)
        if (dl.push != inner) dl.push = inner
      })
  })
  return stop
}
