import { describe, expect, it, vi } from 'vitest'
import { HttpResponse } from 'msw'
import { collector } from './helpers/collector.js'
import { tracker, until } from './helpers/fixtures.js'

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

describe('ready fast: the time zone is read at the first event, not at creation', () => {
  it('createTracker() does not start Intl; the first event carries the zone', async () => {
    const c = collector()
    const spy = vi.spyOn(Intl, 'DateTimeFormat')
    const { dp } = tracker()
    expect(spy).not.toHaveBeenCalled()
    dp.track('E')
    dp.track('F')
    await dp.flush()
    expect(spy).toHaveBeenCalledTimes(1)
    expect(c.accepted.map((e) => e.context.timezone)).toEqual([Intl.DateTimeFormat().resolvedOptions().timeZone, Intl.DateTimeFormat().resolvedOptions().timeZone])
    spy.mockRestore()
  })

  it('createTracker() does not touch localStorage (its first access loads the storage synchronously)', async () => {
    const c = collector()
    const get = vi.spyOn(Storage.prototype, 'getItem')
    const len = vi.spyOn(Storage.prototype, 'key')
    const { dp } = tracker()
    expect(get).not.toHaveBeenCalled()
    expect(len).not.toHaveBeenCalled()
    expect(dp.anonymousId).toMatch(UUID_V7) // read on first use
    dp.track('E')
    await dp.flush()
    expect(c.accepted[0]!.anonymousId).toBe(dp.anonymousId)
    get.mockRestore()
    len.mockRestore()
  })

  it('a host that passes context.timezone never pays for Intl', async () => {
    const c = collector()
    const spy = vi.spyOn(Intl, 'DateTimeFormat')
    const { dp } = tracker({ context: { timezone: 'Europe/Paris' } })
    dp.track('E')
    await dp.flush()
    expect(spy).not.toHaveBeenCalled()
    expect(c.accepted[0]!.context.timezone).toBe('Europe/Paris')
    spy.mockRestore()
  })
})

describe("compression: 'gzip'", () => {
  it('gzips batches with Content-Encoding: gzip, the same events arriving, in a fraction of the bytes', async () => {
    const plain = collector()
    const a = tracker({ storageKey: 'plain' })
    for (let i = 0; i < 200; i++) a.dp.track('Plan Selected', { plan: 'pro', step: i })
    await a.dp.flush()
    const zipped = collector()
    const b = tracker({ storageKey: 'gzip', compression: 'gzip' })
    for (let i = 0; i < 200; i++) b.dp.track('Plan Selected', { plan: 'pro', step: i })
    await b.dp.flush()
    expect(zipped.requests.map((r) => r.contentEncoding)).toEqual(zipped.requests.map(() => 'gzip'))
    expect(plain.requests.every((r) => r.contentEncoding == null)).toBe(true)
    expect(zipped.accepted.map((e) => e.properties!.step)).toEqual(plain.accepted.map((e) => e.properties!.step))
    const per = (c: typeof plain) => c.requests.reduce((n, r) => n + r.bytes, 0) / c.accepted.length
    expect(per(zipped)).toBeLessThan(per(plain) / 5)
  })

  it('rejects any other value at creation, naming the option', () => {
    expect(() => tracker({ compression: 'br' as 'gzip' })).toThrow(/"compression"/)
  })
})

describe('context.page leaves out empty fields', () => {
  it('no referrer or query string: no empty strings repeated in every event', async () => {
    const c = collector()
    history.replaceState(null, '', '/plain')
    document.title = 'Plain'
    const { dp } = tracker()
    dp.track('E')
    dp.page()
    await dp.flush()
    expect(Object.keys(c.accepted[0]!.context.page)).toEqual(['path', 'title', 'url'])
    // page events keep the Segment page properties whole
    expect(c.accepted[1]!.properties).toMatchObject({ path: '/plain', referrer: '', search: '' })
  })
})

describe('events on the wire (Segment spec)', () => {
  it('POSTs { batch, sentAt } as text/plain with the full envelope', async () => {
    const c = collector()
    const { dp } = tracker({ writeKey: 'wk_1', context: { app: { name: 'web' } } })
    history.replaceState(null, '', '/pricing?plan=pro')
    document.title = 'Pricing'
    dp.track('Project Created', { plan: 'pro', seats: 3 })
    await dp.flush()
    expect(c.requests).toHaveLength(1)
    const req = c.requests[0]!
    // text/plain is a CORS simple request: no preflight per batch
    expect(req.contentType).toMatch(/^text\/plain/)
    expect(req.writeKey).toBe('wk_1')
    expect(new Date(req.sentAt).toISOString()).toBe(req.sentAt)
    const e = req.batch[0]!
    expect(e).toMatchObject({ type: 'track', event: 'Project Created', properties: { plan: 'pro', seats: 3 } })
    expect(e.messageId).toMatch(UUID_V7)
    expect(e.anonymousId).toMatch(UUID_V7)
    expect(new Date(e.timestamp).toISOString()).toBe(e.timestamp)
    expect(e.context).toMatchObject({
      library: { name: 'desire-path', version: expect.any(String) },
      locale: navigator.language,
      userAgent: navigator.userAgent,
      timezone: expect.any(String),
      app: { name: 'web' },
      page: { path: '/pricing', search: '?plan=pro', title: 'Pricing', url: location.href },
    })
    expect(e.userId).toBeUndefined()
  })

  it('timestamps the capture, not the send', async () => {
    const c = collector()
    let t = Date.UTC(2026, 0, 1)
    const { dp } = tracker({ now: () => t })
    dp.track('A')
    t += 60_000
    await dp.flush()
    expect(c.accepted[0]!.timestamp).toBe('2026-01-01T00:00:00.000Z')
    expect(c.requests[0]!.sentAt).toBe('2026-01-01T00:01:00.000Z')
  })

  it('gives every event a unique messageId that sorts in capture order, even within one millisecond', async () => {
    const c = collector()
    const { dp } = tracker({ now: () => 1_700_000_000_000 })
    for (let i = 0; i < 300; i++) dp.track('E', { i })
    await dp.flush()
    const ids = c.accepted.map((e) => e.messageId)
    expect(new Set(ids).size).toBe(300)
    expect([...ids].sort()).toEqual(ids)
    expect(c.accepted.map((e) => e.properties!.i)).toEqual([...Array(300).keys()])
  })

  it('page() records the current location; SPA routes get the previous route as referrer', async () => {
    const c = collector()
    const { dp } = tracker()
    history.replaceState(null, '', '/a')
    dp.page()
    history.pushState(null, '', '/b?x=1')
    dp.page({ name: 'B', section: 'docs' })
    await dp.flush()
    const [a, b] = c.accepted
    expect(a).toMatchObject({ type: 'page', properties: { path: '/a', url: location.origin + '/a' } })
    expect(b).toMatchObject({ type: 'page', name: 'B', properties: { path: '/b', search: '?x=1', section: 'docs', referrer: location.origin + '/a' } })
    expect(b!.context.page.referrer).toBe(location.origin + '/a')
  })

  it('keeps credentials and emails in page URLs out of the payload', async () => {
    const c = collector()
    const { dp } = tracker()
    history.replaceState(null, '', '/reset?email=ann%40example.com&step=2#access_token=not-hex-secret')
    dp.page()
    await dp.flush()
    const text = JSON.stringify(c.accepted)
    expect(text).not.toContain('ann%40example.com')
    expect(text).not.toContain('not-hex-secret') // (not hex: can't appear in an id by chance)
    expect(c.accepted[0]!.context.page.url).toBe(location.origin + '/reset?step=2') // secret names go, name and value
  })
})

describe('identity', () => {
  it('keeps anonymousId across reloads, adds userId after identify, and keeps both after reload', async () => {
    const c = collector()
    const first = tracker()
    first.dp.track('Before')
    first.dp.identify('user-42', { role: 'admin' })
    first.dp.track('After')
    await first.dp.flush()
    await first.dp.shutdown()
    const second = tracker({ indexedDB: first.options.indexedDB! })
    second.dp.track('Reloaded')
    await second.dp.flush()
    const [before, ident, after, reloaded] = c.accepted
    expect(new Set(c.accepted.map((e) => e.anonymousId)).size).toBe(1)
    expect(before!.userId).toBeUndefined()
    expect(ident).toMatchObject({ type: 'identify', userId: 'user-42', traits: { role: 'admin' } })
    expect(after!.userId).toBe('user-42')
    expect(reloaded!.userId).toBe('user-42')
    expect(second.dp.userId).toBe('user-42')
  })

  it('merges traits for the same user and resets on reset()', async () => {
    const c = collector()
    const { dp } = tracker()
    dp.identify('u1', { a: 1 })
    dp.identify('u1', { b: 2 })
    const anon = dp.anonymousId
    dp.reset()
    dp.track('Logged out')
    await dp.flush()
    expect(c.accepted[1]!.traits).toEqual({ a: 1, b: 2 })
    expect(c.accepted[2]!.userId).toBeUndefined()
    expect(c.accepted[2]!.anonymousId).not.toBe(anon)
  })

  it('rejects identify without a userId through onError', async () => {
    collector()
    const { dp, codes } = tracker()
    expect(() => dp.identify('' as string)).not.toThrow()
    expect(() => dp.identify(undefined as unknown as string)).not.toThrow()
    expect(codes()).toEqual(['event_invalid', 'event_invalid'])
  })
})

describe('batching', () => {
  it('sends once flushAt events are stored, without waiting for the interval', async () => {
    const c = collector()
    const { dp } = tracker({ flushAt: 5, flushInterval: 60_000 })
    for (let i = 0; i < 4; i++) dp.track('E')
    await new Promise((r) => setTimeout(r, 50))
    expect(c.requests).toHaveLength(0)
    dp.track('E')
    await until(() => c.accepted.length == 5)
    expect(c.requests).toHaveLength(1)
  })

  it('sends below flushAt once flushInterval has passed', async () => {
    const c = collector()
    const { dp } = tracker({ flushAt: 100, flushInterval: 30 })
    dp.track('E')
    await until(() => c.accepted.length == 1)
  })

  it('splits a backlog into requests under maxBatchBytes and maxBatchEvents', async () => {
    const c = collector()
    const { dp } = tracker({ flushAt: 1000, flushInterval: 60_000, maxBatchEvents: 30 })
    for (let i = 0; i < 100; i++) dp.track('E', { pad: 'x'.repeat(400), i })
    await dp.flush()
    expect(c.accepted).toHaveLength(100)
    expect(c.requests.every((r) => r.batch.length <= 30)).toBe(true)
  })

  it('keeps every request body within maxBatchBytes, separators included', async () => {
    const c = collector()
    const bodies: number[] = []
    const { dp } = tracker({
      flushAt: 10_000,
      flushInterval: 60_000,
      maxBatchBytes: 20_000,
      fetch: (url, init) => (bodies.push(new TextEncoder().encode(String(init!.body)).length), fetch(url, init)),
    })
    // many small events: bytes, not count, are the binding limit
    for (let i = 0; i < 2000; i++) dp.track('S', { i })
    await dp.flush()
    expect(c.accepted).toHaveLength(2000)
    expect(Math.max(...bodies)).toBeLessThanOrEqual(20_000)
    expect(Math.max(...bodies)).toBeGreaterThan(19_000)
    expect(c.accepted.map((e) => e.properties!.i)).toEqual([...Array(2000).keys()])
  })

  it('delivers a 2,000-event burst in a handful of requests', async () => {
    const c = collector()
    const { dp } = tracker()
    for (let i = 0; i < 2000; i++) dp.track('Burst', { i, plan: 'pro', source: 'bench' })
    await until(() => c.accepted.length == 2000, 5000)
    expect(c.requests.length).toBeLessThanOrEqual(5)
    expect(c.dupes()).toBe(0)
  })

  it('flush() resolves only after the collector acknowledged', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const c = collector(async () => {
      await gate
      return HttpResponse.json({})
    })
    const { dp } = tracker()
    dp.track('E')
    let done = false
    const f = dp.flush().then(() => (done = true))
    await until(() => c.requests.length == 1)
    expect(done).toBe(false)
    release()
    await f
    expect(c.accepted).toHaveLength(1)
  })
})
