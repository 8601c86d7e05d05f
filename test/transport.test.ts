import { describe, expect, it } from 'vitest'
import { HttpResponse } from 'msw'
import { collector, server } from './helpers/collector.js'
import { sleep, stored, tracker, until } from './helpers/fixtures.js'
import type { DesirePathError } from '../src/entries/index.js'

const status = (s: number, headers?: Record<string, string>) => new HttpResponse(null, { status: s, ...(headers && { headers }) })

describe('retries', () => {
  it('retries a failed batch with the same messageIds and deletes it once acknowledged', async () => {
    const c = collector((n) => (n < 3 ? status(500) : HttpResponse.json({})))
    const { dp, codes } = tracker()
    dp.track('E')
    await until(() => c.accepted.length == 1)
    expect(c.requests).toHaveLength(3)
    expect(new Set(c.requests.map((r) => r.batch[0]!.messageId)).size).toBe(1)
    expect(codes()).toEqual(['delivery_failed', 'delivery_failed'])
  })

  it('treats a network error like a 5xx: kept and retried', async () => {
    let n = 0
    const c = collector(() => (++n == 1 ? HttpResponse.error() : HttpResponse.json({})))
    const { dp, errors } = tracker()
    dp.track('E')
    await until(() => c.accepted.length == 1)
    expect(errors[0]).toMatchObject({ code: 'delivery_failed', status: 0 })
  })

  it('backs off exponentially with jitter up to retryMax', async () => {
    collector(() => status(500))
    let t = 1_000_000
    const { dp, errors } = tracker({ now: () => t, random: () => 0.5, retryBase: 1000, retryMax: 60_000 })
    dp.track('E')
    for (let i = 0; i < 9; i++) {
      await dp.flush()
      t += 61_000 // past any pause
    }
    const waits = errors.filter((e) => e.code == 'delivery_failed').map((e) => e.retryIn)
    // base * 2^(n-1), capped, times a jitter factor in [0.5, 1] (0.75 with random 0.5)
    expect(waits).toEqual([750, 1500, 3000, 6000, 12_000, 24_000, 45_000, 45_000, 45_000])
  })

  it('a collector that always fails (ad blocker, CSP) gets at most a couple of requests a minute', async () => {
    const c = collector(() => HttpResponse.error())
    let t = 1_000_000
    const { dp, errors } = tracker({ now: () => t, retryBase: 1000, retryMax: 60_000 })
    dp.track('E')
    for (let i = 0; i < 12; i++) {
      await dp.flush()
      t += 61_000
    }
    const last = errors.slice(-4).map((e) => e.retryIn!)
    for (const w of last) expect(w).toBeGreaterThanOrEqual(30_000)
    // and while paused, flush() sends nothing
    t -= 61_000
    const before = c.requests.length
    await dp.flush()
    expect(c.requests.length).toBe(before)
  })

  it('honours Retry-After in seconds', async () => {
    const c = collector((n) => (n == 1 ? status(429, { 'Retry-After': '7' }) : HttpResponse.json({})))
    let t = 1_000_000
    const { dp, errors } = tracker({ now: () => t })
    dp.track('E')
    await dp.flush()
    expect(errors[0]).toMatchObject({ code: 'delivery_failed', status: 429, retryIn: 7000 })
    t += 6000
    await dp.flush()
    expect(c.requests).toHaveLength(1) // still paused
    t += 1001
    await dp.flush()
    expect(c.accepted).toHaveLength(1)
  })

  it('honours Retry-After as an HTTP-date', async () => {
    const t = Date.UTC(2026, 10, 22, 12, 0, 0)
    collector(() => status(503, { 'Retry-After': new Date(t + 120_000).toUTCString() }))
    const { dp, errors } = tracker({ now: () => t })
    dp.track('E')
    await dp.flush()
    expect(errors[0]!.retryIn).toBe(120_000)
  })

  it('pauses every tab of the origin on 429, so tabs do not take turns hammering the collector', async () => {
    const c = collector(() => status(429, { 'Retry-After': '30' }))
    const t = 1_000_000
    const a = tracker({ now: () => t })
    const b = tracker({ now: () => t }) // same localStorage: another tab
    a.dp.track('A')
    await a.dp.flush()
    expect(c.requests).toHaveLength(1)
    b.dp.track('B')
    await b.dp.flush()
    expect(c.requests).toHaveLength(1)
  })

  it('resumes at once when the browser comes back online', async () => {
    let up = false
    const c = collector(() => (up ? HttpResponse.json({}) : HttpResponse.error()))
    const { dp } = tracker({ retryBase: 60_000, retryMax: 60_000 })
    dp.track('E')
    await dp.flush()
    up = true
    await sleep(30)
    expect(c.accepted).toHaveLength(0)
    window.dispatchEvent(new Event('online'))
    await until(() => c.accepted.length == 1)
  })

  it('aborts a request that never answers and retries it', async () => {
    let n = 0
    const c = collector(async () => {
      if (++n == 1) await new Promise(() => {}) // hangs forever
      return HttpResponse.json({})
    })
    const { dp, errors } = tracker({ requestTimeout: 50 })
    dp.track('E')
    await until(() => c.accepted.length == 1)
    expect(errors[0]).toMatchObject({ code: 'delivery_failed', status: 0 })
  })
})

describe('events the collector will never take', () => {
  const poison = (body: { batch: { event?: string }[] }) => body.batch.some((e) => e.event == 'Poison')

  for (const code of [400, 422])
    it(`HTTP ${code}: bisects the batch and drops only the offending event`, async () => {
      const c = collector((_n, body) => (poison(body) ? status(code) : HttpResponse.json({})))
      const dropped: string[] = []
      const { dp, errors } = tracker({ flushAt: 1000 })
      dp.on('dropped', (d) => dropped.push(d.reason))
      for (let i = 0; i < 7; i++) dp.track(i == 4 ? 'Poison' : 'Fine', { i })
      await dp.flush()
      expect(c.accepted.map((e) => e.properties!.i)).toEqual([0, 1, 2, 3, 5, 6])
      expect(dropped).toEqual(['rejected'])
      expect(errors.filter((e) => e.code == 'delivery_rejected').map((e: DesirePathError) => e.status)).toEqual([code])
      // not retried forever
      const n = c.requests.length
      await dp.flush()
      expect(c.requests.length).toBe(n)
    })

  it('HTTP 413: splits until batches fit, dropping only a single event that is still too large', async () => {
    const c = collector((_n, body) => (body.batch.length > 3 || poison(body) ? status(413) : HttpResponse.json({})))
    const { dp, codes } = tracker({ flushAt: 1000 })
    for (let i = 0; i < 10; i++) dp.track(i == 9 ? 'Poison' : 'Fine', { i })
    await dp.flush()
    expect(c.accepted.map((e) => e.properties!.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8])
    expect(codes()).toEqual(['delivery_rejected'])
  })

  it('other 4xx (e.g. 401 from a misconfigured collector) are kept and retried, not dropped', async () => {
    const factory = (await import('fake-indexeddb')).IDBFactory
    const idb = new factory()
    collector(() => status(401))
    const { dp, codes } = tracker({ indexedDB: idb, retryBase: 60_000, retryMax: 60_000 })
    dp.track('E')
    await dp.flush()
    expect(codes()).toEqual(['delivery_failed'])
    expect(await stored(idb)).toHaveLength(1)
  })
})

describe('no collector at all', () => {
  it('flush() resolves and nothing throws when fetch itself throws', async () => {
    server.resetHandlers()
    const { dp, codes } = tracker({ fetch: () => { throw new TypeError('blocked') }, retryBase: 60_000, retryMax: 60_000 })
    dp.track('E')
    await expect(dp.flush()).resolves.toBeUndefined()
    expect(codes()).toEqual(['delivery_failed'])
  })
})
