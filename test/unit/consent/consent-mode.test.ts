import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { consentModeConsent } from '../../../src/entries/consent.js'

// Google's gtag snippet, as pages paste it: gtag() pushes its `arguments` object.
const w = window as unknown as { dataLayer?: any[]; tagLayer?: any[] }
const layer = () => w.dataLayer!
function gtag(..._args: unknown[]) {
  // eslint-disable-next-line prefer-rest-params
  layer().push(arguments)
}
const fakeTracker = (state: 'pending' | 'granted' | 'denied' = 'pending') => {
  const t = { state, consent: vi.fn((c?: 'granted' | 'denied') => (c ? (t.state = c) : t.state)) }
  return t
}
/** the decisions handed to the tracker (not its reads) */
const decisions = (t: ReturnType<typeof fakeTracker>) => t.consent.mock.calls.filter((c) => c.length).map((c) => c[0])
const stops: (() => void)[] = []
const follow = (...a: Parameters<typeof consentModeConsent>) => {
  const stop = consentModeConsent(...a)
  stops.push(stop)
  return stop
}
/** the end of the task that pushed the defaults */
const task = () => Promise.resolve()

let warn: ReturnType<typeof vi.spyOn>
beforeEach(() => {
  delete w.dataLayer
  delete w.tagLayer
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
})
afterEach(() => {
  stops.splice(0).forEach((s) => s())
  vi.restoreAllMocks()
})

describe('consentModeConsent', () => {
  it('replays the commands already in the dataLayer: the last update of analytics_storage decides, at once', () => {
    w.dataLayer = []
    gtag('consent', 'default', { analytics_storage: 'denied', ad_storage: 'denied', wait_for_update: 500 })
    gtag('js', new Date())
    layer().push({ event: 'gtm.js' })
    gtag('consent', 'update', { analytics_storage: 'denied' })
    gtag('consent', 'update', { ad_storage: 'granted' }) // not our signal
    gtag('consent', 'update', { analytics_storage: 'granted', ad_storage: 'granted' })
    const dp = fakeTracker()
    follow(dp)
    expect(decisions(dp)).toEqual(['granted'])
  })

  it("follows later gtag('consent', 'update', …) calls, in order; other entries and signals change nothing", () => {
    const dp = fakeTracker()
    follow(dp)
    gtag('consent', 'update', { analytics_storage: 'granted' })
    layer().push({ event: 'page_view' }, ['consent', 'update', { analytics_storage: 'denied' }])
    gtag('consent', 'update', { ad_storage: 'granted' })
    gtag('consent', 'update', { analytics_storage: 'maybe' })
    gtag('consent', 'update', null)
    gtag('config', 'G-XXXX')
    layer().push(null, 42, 'consent')
    expect(decisions(dp)).toEqual(['granted', 'denied'])
  })

  it("a default of 'denied' leaves a pending tracker pending; the update that follows decides", async () => {
    const dp = fakeTracker()
    follow(dp)
    gtag('consent', 'default', { analytics_storage: 'denied', ad_storage: 'denied' })
    await task()
    expect(decisions(dp)).toEqual([])
    expect(dp.state).toBe('pending')
    gtag('consent', 'update', { analytics_storage: 'granted' })
    expect(decisions(dp)).toEqual(['granted'])
    gtag('consent', 'default', { analytics_storage: 'denied' }) // a late default never undoes an update
    gtag('consent', 'update', { analytics_storage: 'denied' })
    expect(decisions(dp)).toEqual(['granted', 'granted', 'denied'])
  })

  it("a default of 'granted' grants a pending tracker after the task, unless a regional default denies", async () => {
    const dp = fakeTracker()
    follow(dp)
    gtag('consent', 'default', { analytics_storage: 'granted' })
    expect(decisions(dp)).toEqual([])
    await task()
    expect(decisions(dp)).toEqual(['granted'])

    // the EEA denied by region, the rest of the world granted: the visitor's region is unknown here
    delete w.dataLayer
    const eu = fakeTracker()
    follow(eu)
    gtag('consent', 'default', { analytics_storage: 'granted' })
    gtag('consent', 'default', { analytics_storage: 'denied', region: ['AT', 'DE', 'FR'] })
    await task()
    expect(decisions(eu)).toEqual([])
    gtag('consent', 'update', { analytics_storage: 'granted' })
    expect(decisions(eu)).toEqual(['granted'])

    // a decision the tracker already has (stored from an earlier visit) is not overridden by a default
    delete w.dataLayer
    const no = fakeTracker('denied')
    follow(no)
    gtag('consent', 'default', { analytics_storage: 'granted', region: ['US'] })
    gtag('consent', 'default', { analytics_storage: 'granted' })
    await task()
    expect(decisions(no)).toEqual([])
  })

  it('push keeps its behaviour: the new length, every entry kept as pushed, several at once', () => {
    const before = [{ event: 'early' }]
    w.dataLayer = before
    follow(fakeTracker())
    expect(w.dataLayer).toBe(before)
    const args = (function (..._a: unknown[]) {
      // eslint-disable-next-line prefer-rest-params
      return arguments
    })('consent', 'update', { analytics_storage: 'granted' })
    expect(layer().push({ event: 'a' })).toBe(2)
    expect(layer().push(args, { event: 'b' }, ['x'])).toBe(5)
    expect(layer()).toEqual([{ event: 'early' }, { event: 'a' }, args, { event: 'b' }, ['x']])
    expect(layer()[2]).toBe(args)
    expect(Object.keys(layer())).toEqual(['0', '1', '2', '3', '4'])
    expect(JSON.stringify(layer())).toBe(JSON.stringify([{ event: 'early' }, { event: 'a' }, args, { event: 'b' }, ['x']]))
  })

  it('creates window.dataLayer when the page has none yet, for gtag to use later', () => {
    const dp = fakeTracker()
    follow(dp)
    expect(Array.isArray(w.dataLayer)).toBe(true)
    gtag('consent', 'update', { analytics_storage: 'granted' })
    expect(decisions(dp)).toEqual(['granted'])
  })

  it('stop() puts push back and stops following', () => {
    w.dataLayer = []
    const dp = fakeTracker()
    const stop = follow(dp)
    expect(layer().push).not.toBe(Array.prototype.push)
    stop()
    stop()
    expect(layer().push).toBe(Array.prototype.push)
    expect(Object.prototype.hasOwnProperty.call(layer(), 'push')).toBe(false)
    gtag('consent', 'update', { analytics_storage: 'granted' })
    expect(decisions(dp)).toEqual([])

    // a push of Tag Manager's, there before us, comes back as it was
    const gtm = vi.fn(function (this: unknown[], ...a: unknown[]) {
      return Array.prototype.push.apply(this, a)
    })
    layer().push = gtm
    const again = fakeTracker()
    const stop2 = follow(again)
    expect(decisions(again)).toEqual(['granted']) // the update pushed above, replayed
    gtag('consent', 'update', { analytics_storage: 'denied' })
    expect(gtm).toHaveBeenCalledTimes(1)
    expect(decisions(again)).toEqual(['granted', 'denied'])
    stop2()
    expect(layer().push).toBe(gtm)
    expect(Object.getOwnPropertyDescriptor(layer(), 'push')).toMatchObject({ value: gtm, writable: true, enumerable: true })
    expect(decisions(dp)).toEqual([])
  })

  it('Tag Manager replacing push later (wrapping ours, as it does): still followed, each command read once', () => {
    const dp = fakeTracker()
    const stop = follow(dp)
    // data-layer-helper, the code in gtm.js: keep the push found, assign one that calls it, then processes
    const processed: unknown[] = []
    const found = layer().push
    const gtm = function (...states: unknown[]) {
      const r = found.apply(layer(), states)
      processed.push(...states)
      return r
    }
    layer().push = gtm
    expect(gtag('consent', 'update', { analytics_storage: 'granted' })).toBeUndefined()
    expect(layer().push({ event: 'x' })).toBe(2)
    expect(processed).toHaveLength(2)
    gtag('consent', 'update', { analytics_storage: 'denied' })
    expect(decisions(dp)).toEqual(['granted', 'denied'])
    // stop(): Tag Manager's push stays, and works; ours only passes calls on
    stop()
    expect(layer().push).toBe(gtm)
    expect(layer().push({ event: 'y' })).toBe(4)
    expect(processed).toHaveLength(4)
    gtag('consent', 'update', { analytics_storage: 'granted' })
    expect(decisions(dp)).toEqual(['granted', 'denied'])
  })

  it('a push replaced by one that does not call ours (nor Array push through it) is followed too', () => {
    const dp = fakeTracker()
    follow(dp)
    layer().push = function (this: unknown[], ...a: unknown[]) {
      return Array.prototype.push.apply(this, a)
    }
    gtag('consent', 'update', { analytics_storage: 'granted' })
    expect(decisions(dp)).toEqual(['granted'])
    // entries put in without push are read at the next push
    layer()[layer().length] = ['consent', 'update', { analytics_storage: 'denied' }]
    expect(decisions(dp)).toEqual(['granted'])
    layer().push({ event: 'next' })
    expect(decisions(dp)).toEqual(['granted', 'denied'])
  })

  it('signal and dataLayer options: another signal, another global', () => {
    w.tagLayer = [['consent', 'update', { analytics_storage: 'granted', ad_storage: 'denied' }]]
    w.dataLayer = []
    const dp = fakeTracker()
    follow(dp, { signal: 'ad_storage', dataLayer: 'tagLayer' })
    expect(decisions(dp)).toEqual(['denied'])
    w.tagLayer.push(['consent', 'update', { ad_storage: 'granted' }])
    layer().push(['consent', 'update', { ad_storage: 'denied' }]) // window.dataLayer is someone else's here
    expect(decisions(dp)).toEqual(['denied', 'granted'])
  })

  it('never throws: a tracker that throws, a dataLayer that is not an array, a bad tracker (one warning each); a push that throws still throws', () => {
    const dp = { consent: vi.fn((): never => { throw new Error('tracker broke') }) }
    follow(dp)
    expect(() => gtag('consent', 'update', { analytics_storage: 'granted' })).not.toThrow()
    expect(() => gtag('consent', 'update', { analytics_storage: 'denied' })).not.toThrow()
    expect(dp.consent).toHaveBeenCalledTimes(2)
    expect(warn).toHaveBeenCalledTimes(1)
    expect(String(warn.mock.calls[0]![0])).toMatch(/^\[desire-path\] consentModeConsent: .*tracker broke/)

    w.tagLayer = {} as never
    expect(() => follow(fakeTracker(), { dataLayer: 'tagLayer' })()).not.toThrow()
    expect(String(warn.mock.calls[1]![0])).toMatch(/window\.tagLayer is not an array/)
    expect(() => follow(null as never)()).not.toThrow()
    expect(String(warn.mock.calls[2]![0])).toMatch(/not a tracker/)

    delete w.dataLayer
    w.dataLayer = []
    layer().push = () => {
      throw new Error('push broke')
    }
    const t = fakeTracker()
    follow(t)
    expect(() => layer().push({})).toThrow('push broke')
    expect(warn).toHaveBeenCalledTimes(3)
  })
})
