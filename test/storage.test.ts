import { describe, expect, it, vi } from 'vitest'
import { HttpResponse } from 'msw'
import { IDBFactory } from 'fake-indexeddb'
import { collector } from './helpers/collector.js'
import { sleep, stored, tracker, until } from './helpers/fixtures.js'

const fail503 = () => new HttpResponse(null, { status: 503 })

describe('durable queue', () => {
  it('stores each event in IndexedDB before it is sent', async () => {
    const factory = new IDBFactory()
    const inDbWhenSent: number[] = []
    const c = collector(async (_n, body) => {
      const rows = await stored(factory)
      inDbWhenSent.push(body.batch.filter((e) => rows.some((r) => r.id == e.messageId)).length)
      return HttpResponse.json({})
    })
    const { dp } = tracker({ indexedDB: factory })
    for (let i = 0; i < 10; i++) dp.track('E', { i })
    await dp.flush()
    expect(c.accepted).toHaveLength(10)
    expect(inDbWhenSent).toEqual([10])
    // acknowledged: gone
    expect(await stored(factory)).toEqual([])
  })

  it('deletes nothing the collector did not acknowledge', async () => {
    const factory = new IDBFactory()
    collector(fail503)
    const { dp } = tracker({ indexedDB: factory, retryBase: 60_000, retryMax: 60_000 })
    dp.track('E')
    await dp.flush()
    const rows = await stored(factory)
    expect(rows).toHaveLength(1)
    expect(JSON.parse(rows[0]!.s).event).toBe('E')
  })

  it('survives a reload: the next page load delivers stored events with the same messageIds', async () => {
    const factory = new IDBFactory()
    const down = collector(fail503)
    const first = tracker({ indexedDB: factory, retryBase: 60_000, retryMax: 60_000 })
    for (let i = 0; i < 5; i++) first.dp.track('E', { i })
    await first.dp.flush()
    const ids = down.requests[0]!.batch.map((e) => e.messageId)
    await first.dp.shutdown()
    localStorage.removeItem('desire-path:backoff') // the collector recovered in the meantime
    const up = collector()
    tracker({ indexedDB: factory, flushInterval: 10 })
    await until(() => up.accepted.length == 5)
    expect(up.accepted.map((e) => e.messageId)).toEqual(ids)
    expect(up.dupes()).toBe(0)
  })

  it('writes a burst in one transaction per tick, not one per event', async () => {
    collector()
    const factory = new IDBFactory()
    const { dp } = tracker({ indexedDB: factory, flushAt: 10_000, flushInterval: 60_000 })
    await sleep(20) // let the database open
    const proto = Object.getPrototypeOf((await new Promise<IDBDatabase>((r) => {
      const q = factory.open('probe')
      q.onsuccess = () => r(q.result)
    })))
    const spy = vi.spyOn(proto, 'transaction')
    for (let i = 0; i < 300; i++) dp.track('E', { i })
    await until(async () => (await stored(factory)).length == 300)
    const writes = spy.mock.calls.filter((c) => c[1] == 'readwrite')
    expect(writes).toHaveLength(1)
    spy.mockRestore()
  })

  it('caps the queue by count, dropping the oldest, and counts what it dropped', async () => {
    const factory = new IDBFactory()
    collector(fail503)
    const dropped: { reason: string; count: number; total: number }[] = []
    const { dp } = tracker({ indexedDB: factory, maxQueueEvents: 5, flushAt: 1000, flushInterval: 60_000 })
    dp.on('dropped', (d) => dropped.push(d))
    for (let i = 0; i < 8; i++) dp.track('E', { i })
    await until(() => dropped.length == 1)
    const rows = await stored(factory)
    expect(rows.map((r) => JSON.parse(r.s).properties.i)).toEqual([3, 4, 5, 6, 7])
    expect(dropped).toEqual([{ reason: 'queue_full', count: 3, total: 3 }])
  })

  it('reports losing data once through onError and a console warning, and again after the collector is back', async () => {
    let up = false
    collector(() => (up ? HttpResponse.json({}) : fail503()))
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const lost: number[] = []
    const { dp, errors } = tracker({ maxQueueEvents: 5, flushAt: 1000, flushInterval: 60_000, retryBase: 60_000, retryMax: 60_000 })
    dp.on('dropped', (d) => lost.push(d.total))
    const burst = async (total: number) => {
      for (let i = 0; i < 8; i++) dp.track('E', { i })
      await until(() => lost.at(-1) == total)
    }
    await burst(3)
    await burst(11) // the same outage: counted, not reported again
    const full = () => errors.filter((e) => e.code == 'queue_full')
    expect(full()).toHaveLength(1)
    expect(full()[0]).toMatchObject({ count: 3, total: 3 })
    expect(full()[0]!.message).toMatch(/3 events dropped unsent: queue full/)
    expect(warn.mock.calls.filter((a) => String(a[0]).includes('queue full'))).toHaveLength(1)
    warn.mockRestore()
    up = true
    localStorage.removeItem('desire-path:backoff')
    await dp.flush()
    up = false
    await burst(14) // a new outage after an ack: the host hears of it again
    expect(full().map((e) => e.total)).toEqual([3, 14])
  })

  it('caps the queue by bytes', async () => {
    const factory = new IDBFactory()
    collector(fail503)
    const dropped: number[] = []
    const { dp } = tracker({ indexedDB: factory, maxQueueBytes: 5_000, flushAt: 1000, flushInterval: 60_000 })
    dp.on('dropped', (d) => dropped.push(d.count))
    for (let i = 0; i < 20; i++) dp.track('E', { i, pad: 'x'.repeat(500) })
    await until(() => dropped.length > 0)
    const rows = await stored(factory)
    expect(rows.reduce((n, r) => n + r.b, 0)).toBeLessThanOrEqual(5_000)
    expect(rows.at(-1)!.s).toContain('"i":19')
    expect(rows.length + dropped.reduce((a, b) => a + b)).toBe(20)
  })

  it('drops events older than maxEventAge instead of sending them', async () => {
    const factory = new IDBFactory()
    const down = collector(fail503)
    let t = Date.UTC(2026, 0, 1)
    const first = tracker({ indexedDB: factory, now: () => t, retryBase: 60_000, retryMax: 60_000 })
    first.dp.track('Old')
    await first.dp.flush()
    expect(down.requests).toHaveLength(1)
    await first.dp.shutdown()
    localStorage.clear()
    t += 8 * 864e5 // 8 days later, past the 7-day default
    const up = collector()
    const dropped: string[] = []
    const second = tracker({ indexedDB: factory, now: () => t })
    second.dp.on('dropped', (d) => dropped.push(d.reason))
    second.dp.track('New')
    await second.dp.flush()
    expect(up.accepted.map((e) => e.event)).toEqual(['New'])
    expect(dropped).toEqual(['expired'])
    expect(second.errors.filter((e) => e.code == 'event_expired')).toMatchObject([{ count: 1, total: 1 }])
  })

  it('keeps queued events through a schema upgrade (v1 database → current)', async () => {
    const factory = new IDBFactory()
    const old = { id: '0190a000-0000-7000-8000-000000000001', b: 0, s: '' }
    const evt = { type: 'track', event: 'From v1', messageId: old.id, anonymousId: 'a', timestamp: new Date().toISOString(), context: {} }
    // A v1 database (only the `events` store) with an event in it.
    await new Promise<void>((resolve) => {
      const req = factory.open('desire-path', 1)
      req.onupgradeneeded = () => req.result.createObjectStore('events', { keyPath: 'id' })
      req.onsuccess = () => {
        const db = req.result
        const tx = db.transaction('events', 'readwrite')
        const hex = Date.now().toString(16).padStart(12, '0')
        old.id = evt.messageId = `${hex.slice(0, 8)}-${hex.slice(8)}-7000-8000-000000000001`
        old.s = JSON.stringify(evt)
        old.b = old.s.length
        tx.objectStore('events').put(old)
        tx.oncomplete = () => (db.close(), resolve())
      }
    })
    const c = collector()
    tracker({ indexedDB: factory, flushInterval: 10 })
    await until(() => c.accepted.length == 1)
    expect(c.accepted[0]).toMatchObject({ event: 'From v1', messageId: old.id })
  })
})

describe('persist: false', () => {
  it('keeps the queue in memory: IndexedDB is never opened, events are still delivered', async () => {
    const c = collector()
    const opened: string[] = []
    const factory = new IDBFactory()
    const spy = { open: (name: string, v?: number) => (opened.push(name), factory.open(name, v)) } as unknown as IDBFactory
    const { dp, codes } = tracker({ indexedDB: spy, persist: false })
    dp.track('E')
    await dp.flush()
    expect(c.accepted.map((e) => e.event)).toEqual(['E'])
    expect(opened).toEqual([])
    expect(codes()).not.toContain('storage_fallback') // asked for, not a failure
  })
})

describe('IndexedDB fallbacks: events still delivered, nothing thrown', () => {
  const cases: [string, () => IDBFactory | null][] = [
    ['missing', () => null],
    ['open() throws (e.g. Firefox private mode)', () => ({ open: () => { throw new DOMException('denied', 'SecurityError') } }) as unknown as IDBFactory],
    ['open() errors', () => ({ open: () => {
      const req = { error: new DOMException('broken', 'UnknownError') } as unknown as IDBOpenDBRequest
      setTimeout(() => req.onerror?.(new Event('error')))
      return req
    } }) as unknown as IDBFactory],
    ['open() hangs (WebKit bug)', () => ({ open: () => ({}) }) as unknown as IDBFactory],
  ]
  for (const [name, make] of cases)
    it(name, async () => {
      const c = collector()
      const { dp, codes } = tracker({ indexedDB: make(), storageTimeout: 50 })
      dp.track('Still here')
      await dp.flush()
      expect(c.accepted.map((e) => e.event)).toEqual(['Still here'])
      expect(codes()).toContain('storage_fallback')
    })

  it('blocked by another tab holding an old version open', async () => {
    const factory = new IDBFactory()
    // another tab with an older schema that never closes on versionchange
    const other = await new Promise<IDBDatabase>((r) => {
      const q = factory.open('desire-path', 1)
      q.onupgradeneeded = () => q.result.createObjectStore('events', { keyPath: 'id' })
      q.onsuccess = () => r(q.result)
    })
    other.onversionchange = () => {}
    const c = collector()
    const { dp, codes } = tracker({ indexedDB: factory, storageTimeout: 50 })
    dp.track('Blocked')
    await dp.flush()
    expect(c.accepted.map((e) => e.event)).toEqual(['Blocked'])
    expect(codes()).toContain('storage_fallback')
    other.close()
  })

  it('over quota: writes move to memory and are still delivered', async () => {
    const factory = new IDBFactory()
    const c = collector(fail503)
    const { dp, codes } = tracker({ indexedDB: factory, flushAt: 1000, flushInterval: 60_000 })
    dp.track('Stored')
    await until(async () => (await stored(factory)).length == 1)
    const store = Object.getPrototypeOf((await new Promise<IDBDatabase>((r) => {
      const q = factory.open('probe2')
      q.onupgradeneeded = () => q.result.createObjectStore('s')
      q.onsuccess = () => r(q.result)
    })).transaction('s').objectStore('s'))
    const put = vi.spyOn(store, 'put').mockImplementation(() => {
      throw new DOMException('quota', 'QuotaExceededError')
    })
    dp.track('Over quota')
    await until(() => codes().includes('storage_fallback'))
    put.mockRestore()
    localStorage.clear()
    c.requests.length = 0
    collector()
    const up = collector()
    await dp.flush()
    await dp.flush()
    expect(up.accepted.map((e) => e.event).sort()).toEqual(['Over quota', 'Stored'])
  })

  it('steps aside when site data is cleared, then reopens and keeps storing in IndexedDB', async () => {
    const factory = new IDBFactory()
    collector(fail503)
    const { dp, codes } = tracker({ indexedDB: factory, flushAt: 1000, flushInterval: 60_000 })
    dp.track('One')
    await until(async () => (await stored(factory)).length == 1)
    // another tab (or the user) deletes the database: our open connection must not block it
    await new Promise<void>((resolve, reject) => {
      const del = factory.deleteDatabase('desire-path')
      del.onsuccess = () => resolve()
      del.onerror = () => reject(del.error)
      del.onblocked = () => reject(new Error('blocked by our connection'))
    })
    dp.track('Two')
    await until(async () => (await stored(factory)).length == 1)
    expect(JSON.parse((await stored(factory))[0]!.s).event).toBe('Two')
    expect(codes()).not.toContain('storage_fallback')
  })

  it('a newer schema opened by another tab sends this tab to memory, without losing events', async () => {
    const factory = new IDBFactory()
    const c = collector()
    const { dp, codes } = tracker({ indexedDB: factory, flushAt: 1000, flushInterval: 60_000 })
    dp.track('One')
    await until(async () => (await stored(factory)).length == 1)
    await new Promise<void>((r) => {
      const q = factory.open('desire-path', 99)
      q.onsuccess = () => (q.result.close(), r())
    })
    dp.track('Two')
    await dp.flush()
    expect(c.accepted.map((e) => e.event)).toContain('Two')
    expect(codes()).toContain('storage_fallback')
  })
})
