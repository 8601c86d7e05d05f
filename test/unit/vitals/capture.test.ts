import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { MetricType } from 'web-vitals'
import { IDBFactory } from 'fake-indexeddb'
import { cleanPath } from '../../../src/core/redact.js'
import { collector, ENDPOINT } from '../../helpers/collector.js'

// web-vitals is driven by hand: each on*() keeps its callback, a test calls it with a metric
// as web-vitals would when it reports the metric final.
const wv = vi.hoisted(() => ({ subs: {} as Record<string, ((m: unknown) => void)[]> }))
vi.mock('web-vitals', () => {
  const on = (name: string) => (cb: (m: unknown) => void) => void (wv.subs[name] ||= []).push(cb)
  return { onCLS: on('CLS'), onFCP: on('FCP'), onINP: on('INP'), onLCP: on('LCP'), onTTFB: on('TTFB') }
})

type Name = MetricType['name']
let n = 0
const metric = (name: Name, value: number, more: Partial<MetricType> = {}) =>
  ({ name, value, delta: value, rating: 'good', id: `v5-${name}-${++n}`, entries: [], navigationType: 'navigate', ...more }) as MetricType
/** web-vitals reports `m` to every capture subscribed to its metric */
const report = (m: MetricType) => (wv.subs[m.name] || []).forEach((cb) => cb(m))

/** A stand-in tracker: the public calls captureVitals uses, with a stage the test moves. */
function fakeTracker(o: { settled?: Promise<void> } = {}) {
  const t = {
    stage: 'visitor' as string | null,
    sent: [] as { event: string; properties: Record<string, unknown> }[],
    track: vi.fn((event: string, properties: Record<string, unknown>) => void t.sent.push({ event, properties })),
    journey: vi.fn(() => (t.stage == null ? null : { stage: t.stage })),
    settled: vi.fn(() => o.settled ?? Promise.resolve()),
  }
  return t
}
const tick = () => new Promise((r) => setTimeout(r))

let visibility: DocumentVisibilityState = 'visible'
const hide = () => {
  visibility = 'hidden'
  document.dispatchEvent(new Event('visibilitychange', { bubbles: true }))
}

/** a fresh module each test: the once-only warning starts over */
const load = async () => (await import('../../../src/entries/vitals.js')).captureVitals

beforeEach(() => {
  vi.resetModules()
  wv.subs = {}
  visibility = 'visible'
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => visibility })
  history.replaceState(null, '', '/app/projects')
})
afterEach(() => vi.restoreAllMocks())

describe('captureVitals', () => {
  it('sends one Web Vitals event per metric, with the stage the customer was in when each was reported', async () => {
    const captureVitals = await load()
    const dp = fakeTracker()
    captureVitals(dp)
    await tick()
    report(metric('TTFB', 212.4000000001))
    report(metric('FCP', 804.6))
    dp.stage = 'signup'
    history.replaceState(null, '', '/app/settings')
    report(metric('LCP', 1290.5))
    dp.stage = 'activated'
    report(metric('CLS', 0.123456789, { rating: 'needs-improvement' }))
    report(metric('INP', 96, { navigationType: 'reload' }))
    expect(dp.sent.map((s) => s.event)).toEqual(Array(5).fill('Web Vitals'))
    expect(dp.sent.map((s) => [s.properties.metric, s.properties.value, s.properties.stage, s.properties.route])).toEqual([
      ['TTFB', 212, 'visitor', '/app/projects'],
      ['FCP', 805, 'visitor', '/app/projects'],
      ['LCP', 1291, 'signup', '/app/settings'],
      ['CLS', 0.1235, 'activated', '/app/settings'],
      ['INP', 96, 'activated', '/app/settings'],
    ])
    expect(dp.sent[3]!.properties).toEqual({ metric: 'CLS', value: 0.1235, rating: 'needs-improvement', id: expect.stringMatching(/^v5-CLS-/), navigationType: 'navigate', stage: 'activated', route: '/app/settings' })
    expect(dp.sent[4]!.properties.navigationType).toBe('reload')
  })

  it('sends stage null with a tracker that has no journey, and masks secrets in the route', async () => {
    const captureVitals = await load()
    const dp = fakeTracker()
    dp.stage = null
    history.replaceState(null, '', '/invite/ann@example.com/accept')
    captureVitals(dp)
    await tick()
    report(metric('FCP', 500))
    expect(dp.sent[0]!.properties).toMatchObject({ metric: 'FCP', stage: null, route: cleanPath('/invite/ann@example.com/accept') })
    expect(dp.sent[0]!.properties.route).not.toContain('ann@example.com')
  })

  it('ignores a second report of a metric already sent for this page view; a back/forward-cache restore is a new one', async () => {
    const captureVitals = await load()
    const dp = fakeTracker()
    captureVitals(dp)
    await tick()
    const inp = metric('INP', 64)
    report(inp)
    // the tab came back and hid again with a slower interaction: same instance, new value
    report({ ...inp, value: 180, delta: 116 })
    report({ ...inp, value: 240, delta: 60 })
    const cls = metric('CLS', 0.02)
    report(cls)
    report({ ...cls, value: 0.3 })
    expect(dp.sent.map((s) => `${s.properties.metric} ${s.properties.value}`)).toEqual(['INP 64', 'CLS 0.02'])
    // restored from the bfcache: web-vitals starts new instances (new ids)
    report(metric('INP', 32, { navigationType: 'back-forward-cache' }))
    expect(dp.sent.map((s) => `${s.properties.metric} ${s.properties.value} ${s.properties.navigationType}`)).toEqual(['INP 64 navigate', 'CLS 0.02 navigate', 'INP 32 back-forward-cache'])
  })

  it('holds metrics reported before the journey state has loaded, and sends them with the loaded stage', async () => {
    const captureVitals = await load()
    let loaded!: () => void
    const dp = fakeTracker({ settled: new Promise<void>((r) => (loaded = r)) })
    dp.stage = null // the stored state is still being read
    captureVitals(dp)
    report(metric('TTFB', 90))
    report(metric('FCP', 400))
    await tick()
    expect(dp.sent).toEqual([])
    dp.stage = 'signup'
    loaded()
    await tick()
    expect(dp.sent.map((s) => `${s.properties.metric} ${s.properties.stage}`)).toEqual(['TTFB signup', 'FCP signup'])
    report(metric('LCP', 900))
    expect(dp.sent).toHaveLength(3)
  })

  it('does not wait for the journey state once the page hides: the page may never come back', async () => {
    const captureVitals = await load()
    const dp = fakeTracker({ settled: new Promise<void>(() => {}) })
    dp.stage = null
    captureVitals(dp)
    report(metric('FCP', 400))
    await tick()
    expect(dp.sent).toEqual([])
    hide() // before the tracker's own hide listener: in its unload send
    expect(dp.sent.map((s) => s.properties.metric)).toEqual(['FCP'])
    report(metric('CLS', 0))
    expect(dp.sent.map((s) => s.properties.metric)).toEqual(['FCP', 'CLS'])
  })

  it('stop() ignores later reports, held ones included; it can be called twice', async () => {
    const captureVitals = await load()
    let loaded!: () => void
    const dp = fakeTracker({ settled: new Promise<void>((r) => (loaded = r)) })
    const stop = captureVitals(dp)
    report(metric('TTFB', 90))
    stop()
    stop()
    loaded()
    await tick()
    report(metric('LCP', 900))
    hide()
    report(metric('INP', 40))
    expect(dp.track).not.toHaveBeenCalled()
  })

  it('captures once per tracker: a second call while one runs returns its stop and sends nothing twice', async () => {
    const captureVitals = await load()
    const dp = fakeTracker()
    const stop = captureVitals(dp)
    expect(captureVitals(dp)).toBe(stop)
    expect(wv.subs.LCP).toHaveLength(1)
    await tick()
    report(metric('LCP', 700))
    expect(dp.track).toHaveBeenCalledTimes(1)
    // another tracker on the page gets its own events
    const other = fakeTracker()
    captureVitals(other)
    await tick()
    report(metric('LCP', 710))
    expect([dp.track.mock.calls.length, other.track.mock.calls.length]).toEqual([2, 1])
  })

  it('captures only the metrics asked for, under the event name given', async () => {
    const captureVitals = await load()
    const dp = fakeTracker()
    captureVitals(dp, { metrics: ['INP', 'LCP'], event: 'Performance Metric' })
    expect(Object.keys(wv.subs).sort()).toEqual(['INP', 'LCP'])
    await tick()
    report(metric('INP', 50))
    report(metric('FCP', 50))
    expect(dp.sent).toEqual([{ event: 'Performance Metric', properties: expect.objectContaining({ metric: 'INP' }) }])
  })

  it('warns once about unknown metric names and captures the known ones', async () => {
    const captureVitals = await load()
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    captureVitals(fakeTracker(), { metrics: ['LCP', 'FID' as Name, 'toString' as Name] })
    captureVitals(fakeTracker(), { metrics: 'LCP' as unknown as Name[] })
    expect(Object.keys(wv.subs)).toEqual(['LCP'])
    expect(warn).toHaveBeenCalledTimes(1)
    expect(warn.mock.calls[0]![0]).toMatch(/^\[desire-path\] captureVitals: metrics must be some of CLS,FCP,INP,LCP,TTFB, got \["LCP","FID","toString"\]/)
  })

  it('never throws: a bad tracker is reported once through console.warn, a throwing one is survived', async () => {
    const captureVitals = await load()
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    for (const bad of [null, undefined, {}, { track: 'no' }, 42])
      expect(() => (captureVitals as (t: unknown) => () => void)(bad)()).not.toThrow()
    expect(Object.keys(wv.subs)).toEqual([])
    expect(warn).toHaveBeenCalledTimes(1)
    expect(warn.mock.calls[0]![0]).toMatch(/^\[desire-path\] captureVitals: the first argument is not a tracker/)

    // a tracker whose every call throws: the page never sees it
    const boom = () => {
      throw new Error('boom')
    }
    const broken = { track: vi.fn(boom), journey: boom, settled: boom } as unknown as Parameters<typeof captureVitals>[0]
    expect(() => captureVitals(broken)).not.toThrow()
    await tick()
    expect(() => report(metric('LCP', 1))).not.toThrow()
    expect(() => hide()).not.toThrow()
    expect(warn).toHaveBeenCalledTimes(1) // once per page
  })

  it('a tracker whose track() throws is reported once, and the page goes on', async () => {
    const captureVitals = await load()
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const dp = fakeTracker()
    dp.track.mockImplementation(() => {
      throw new TypeError('tracker gone')
    })
    captureVitals(dp)
    await tick()
    report(metric('LCP', 1))
    report(metric('FCP', 1))
    expect(warn).toHaveBeenCalledTimes(1)
    expect(warn.mock.calls[0]![0]).toMatch(/^\[desire-path\] captureVitals: the tracker threw: TypeError: tracker gone/)
  })

  it('with the real tracker and a journey, the wire carries each metric once with the stage of its moment', async () => {
    const captureVitals = await load()
    const { createTracker } = await import('../../../src/entries/journey.js')
    const c = collector()
    const journey = { id: 'j', version: '1.0', stages: [{ id: 'visitor', entry: { all: [] } }, { id: 'signup', entry: { event: { name: 'Signed Up' } } }] }
    const dp = createTracker({ endpoint: ENDPOINT, journey, indexedDB: new IDBFactory(), flushInterval: 20, locks: null, BroadcastChannel: null })
    try {
      dp.track('Pricing Viewed')
      captureVitals(dp)
      await dp.settled()
      await tick()
      report(metric('TTFB', 120.7))
      dp.track('Signed Up')
      await dp.settled()
      const inp = metric('INP', 88)
      report(inp)
      report({ ...inp, value: 200 })
      await dp.flush()
      const vitals = c.accepted.filter((e) => e.event == 'Web Vitals')
      expect(vitals.map((e) => [e.properties!.metric, e.properties!.value, e.properties!.stage, e.properties!.route])).toEqual([
        ['TTFB', 121, 'visitor', '/app/projects'],
        ['INP', 88, 'signup', '/app/projects'],
      ])
    } finally {
      await dp.shutdown()
    }
  })
})
