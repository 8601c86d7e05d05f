import { afterEach, describe, expect, it, vi } from 'vitest'
import { HttpResponse } from 'msw'
import { IDBFactory } from 'fake-indexeddb'
import { collector } from './helpers/collector.js'
import { sleep, stored, tracker, until } from './helpers/fixtures.js'

const hide = () => {
  Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true })
  document.dispatchEvent(new Event('visibilitychange'))
}
afterEach(() => {
  Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true })
})
const bytes = (r: unknown) => new TextEncoder().encode(JSON.stringify(r)).length

describe('page hidden or unloading', () => {
  it('sends unsent events at once with fetch keepalive, and forgets them once acknowledged', async () => {
    const factory = new IDBFactory()
    const c = collector()
    const { dp } = tracker({ indexedDB: factory, flushAt: 1000, flushInterval: 60_000 })
    for (let i = 0; i < 10; i++) dp.track('E', { i })
    hide() // same tick as the calls: nothing was written yet
    expect(c.requests).toHaveLength(0)
    await until(() => c.accepted.length == 10)
    expect(c.requests[0]!.keepalive).toBe(true)
    expect(c.requests[0]!.contentType).toMatch(/^text\/plain/)
    await until(async () => (await stored(factory)).length == 0)
    await dp.flush()
    expect(c.dupes()).toBe(0)
  })

  it('sends each event at most once per unload, even when the keepalive promise rejects while the request goes out', async () => {
    // pagehide and visibilitychange both fire while a page unloads; a keepalive fetch's
    // promise can reject then although the collector gets the request
    const sent: string[][] = []
    const unloadFetch: typeof fetch = async (_url, init) => {
      sent.push(JSON.parse(String(init!.body)).batch.map((e: { messageId: string }) => e.messageId))
      throw new TypeError('Failed to fetch')
    }
    const { dp } = tracker({ fetch: unloadFetch, flushAt: 1000, flushInterval: 60_000 })
    for (let i = 0; i < 50; i++) dp.track('E', { i })
    window.dispatchEvent(new Event('pagehide'))
    await sleep(10)
    hide()
    await sleep(10)
    window.dispatchEvent(new Event('pagehide'))
    const ids = sent.flat()
    expect(ids).toHaveLength(50)
    expect(new Set(ids).size).toBe(50)
    // the page lived on after all (back from the bfcache): unconfirmed sends may go again
    Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true })
    window.dispatchEvent(new Event('pageshow'))
    hide()
    expect(sent).toHaveLength(2)
    expect(sent[1]).toEqual(sent[0])
  })

  it('a tab shown again does not resend an unload send that is still on its way; once it failed, it may', async () => {
    const sent: string[][] = []
    let answer: (r: Response) => void = () => {}
    const slow: typeof fetch = (_url, init) => {
      sent.push(JSON.parse(String(init!.body)).batch.map((e: { messageId: string }) => e.messageId))
      return new Promise<Response>((r) => (answer = r))
    }
    const { dp } = tracker({ fetch: slow, flushAt: 1000, flushInterval: 60_000 })
    for (let i = 0; i < 5; i++) dp.track('E', { i })
    hide()
    Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true })
    document.dispatchEvent(new Event('visibilitychange'))
    hide()
    expect(sent).toHaveLength(1) // still on its way: not sent again
    answer(new Response(null, { status: 503 }))
    await sleep(10)
    Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true })
    document.dispatchEvent(new Event('visibilitychange'))
    hide()
    expect(sent).toHaveLength(2) // it failed: a retry is fair
    expect(sent[1]).toEqual(sent[0])
  })

  it('does not resend on unload what an unanswered request just carried (a navigation cancels fetches that went out)', async () => {
    for (const persist of [true, false]) {
      const sent: string[][] = []
      const cancelled: typeof fetch = async (_url, init) => {
        sent.push(JSON.parse(String(init!.body)).batch.map((e: { messageId: string }) => e.messageId))
        throw new TypeError('Failed to fetch')
      }
      const { dp } = tracker({ fetch: cancelled, persist, flushAt: 5, retryBase: 60_000, retryMax: 60_000, storageKey: 'held-' + persist })
      for (let i = 0; i < 10; i++) dp.track('E', { i })
      await until(() => sent.length == 1)
      window.dispatchEvent(new Event('pagehide'))
      // stored: it goes on the next load; in memory only, the unload is its last chance
      expect(sent.length).toBe(persist ? 1 : 2)
      if (!persist) expect(sent[1]).toEqual(expect.arrayContaining(sent[0]!))
    }
  })

  it('keeps unload sends under 64 KB; the rest stays stored and goes later', async () => {
    const factory = new IDBFactory()
    const c = collector()
    const { dp } = tracker({ indexedDB: factory, flushAt: 1000, flushInterval: 60_000 })
    for (let i = 0; i < 300; i++) dp.track('E', { i, pad: 'x'.repeat(500) })
    hide()
    await until(() => c.requests.length >= 1)
    await sleep(20)
    const unloadBytes = c.requests.filter((r) => r.keepalive).reduce((n, r) => n + bytes(r), 0)
    expect(unloadBytes).toBeLessThanOrEqual(64_000)
    expect(c.accepted.length).toBeLessThan(300)
    // the newest events went first: they are the ones least likely to be stored yet
    expect(c.accepted.at(-1)!.properties!.i).toBe(299)
    await dp.flush()
    expect(c.accepted).toHaveLength(300)
    expect(c.dupes()).toBe(0)
  })

  it('on pagehide without a reply, events stay stored and go again on the next load with the same messageId', async () => {
    const factory = new IDBFactory()
    const hang = collector(async () => {
      await new Promise(() => {})
      return HttpResponse.json({})
    })
    const first = tracker({ indexedDB: factory, flushAt: 1000, flushInterval: 60_000 })
    for (let i = 0; i < 50; i++) first.dp.track('E', { i })
    window.dispatchEvent(new Event('pagehide'))
    await until(() => hang.requests.length == 1)
    const sentOnUnload = hang.requests[0]!.batch.map((e) => e.messageId)
    expect(sentOnUnload).toHaveLength(50)
    await until(async () => (await stored(factory)).length == 50) // written despite the unload
    // next load
    const up = collector()
    tracker({ indexedDB: factory, flushInterval: 10 })
    await until(() => up.accepted.length == 50)
    expect(up.accepted.map((e) => e.messageId)).toEqual(sentOnUnload)
  })

  it('falls back to sendBeacon (text/plain, under 64 KB) when keepalive fetch is unavailable', async () => {
    const factory = new IDBFactory()
    const beacons: { url: string; size: number; type: string }[] = []
    const { dp } = tracker({
      indexedDB: factory,
      flushAt: 1000,
      flushInterval: 60_000,
      fetch: () => {
        throw new TypeError('keepalive unsupported')
      },
      sendBeacon: (url, data) => (beacons.push({ url, size: data.size, type: data.type }), true),
    })
    for (let i = 0; i < 20; i++) dp.track('E', { i })
    window.dispatchEvent(new Event('pagehide'))
    expect(beacons).toHaveLength(1)
    expect(beacons[0]!.type).toBe('text/plain')
    expect(beacons[0]!.size).toBeLessThanOrEqual(64_000)
    // a beacon can't be confirmed: the events stay stored for the next load
    await until(async () => (await stored(factory)).length == 20)
  })

  it('does not resend on hide what is already in flight', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const c = collector(async (n) => {
      if (n == 1) await gate
      return HttpResponse.json({})
    })
    const { dp } = tracker({ flushAt: 5 })
    for (let i = 0; i < 5; i++) dp.track('E', { i })
    await until(() => c.requests.length == 1)
    hide()
    await sleep(20)
    expect(c.requests).toHaveLength(1)
    release()
    await until(() => c.accepted.length == 5)
    expect(c.dupes()).toBe(0)
  })

  it('shows no unhandled rejection when the unload request fails', async () => {
    const onUnhandled = vi.fn()
    process.on('unhandledRejection', onUnhandled)
    collector(() => HttpResponse.error())
    const { dp } = tracker({ flushAt: 1000, flushInterval: 60_000 })
    dp.track('E')
    hide()
    await sleep(50)
    process.off('unhandledRejection', onUnhandled)
    expect(onUnhandled).not.toHaveBeenCalled()
  })
})

describe('a page that dies before its IndexedDB writes commit', () => {
  const rescueKeys = () => Object.keys(localStorage).filter((k) => k.includes(':rescue:'))

  it('keeps a synchronous copy on hide that the next load adopts: nothing lost even when the unload send fails', async () => {
    // IndexedDB that never opens within the page's life (its writes never commit), and a
    // network that fails every send: the page as it dies
    const stuck = { open: () => ({}) } as unknown as IDBFactory
    const sent: string[][] = []
    const first = tracker({
      indexedDB: stuck,
      storageTimeout: 200,
      flushAt: 1000,
      flushInterval: 60_000,
      fetch: async (_u, init) => {
        sent.push(JSON.parse(String(init!.body)).batch.map((e: { messageId: string }) => e.messageId))
        throw new TypeError('network down')
      },
    })
    for (let i = 0; i < 30; i++) first.dp.track('E', { i })
    window.dispatchEvent(new Event('pagehide'))
    expect(sent).toHaveLength(1) // the unload send went, and failed
    expect(rescueKeys()).toHaveLength(1)
    // the page is gone; the next load has working storage
    const up = collector()
    const factory = new IDBFactory()
    tracker({ indexedDB: factory, flushInterval: 10 })
    await until(() => up.accepted.length == 30)
    expect(up.accepted.map((e) => e.properties!.i)).toEqual([...Array(30).keys()])
    expect(up.accepted.map((e) => e.messageId)).toEqual(sent[0])
    await until(() => rescueKeys().length == 0)
  })

  it('adopts only what is missing: a copy whose write did commit adds no second stored copy', async () => {
    const factory = new IDBFactory()
    const down = collector(() => new HttpResponse(null, { status: 503 }))
    const first = tracker({ indexedDB: factory, flushAt: 1000, flushInterval: 60_000, retryBase: 60_000, retryMax: 60_000 })
    for (let i = 0; i < 20; i++) first.dp.track('E', { i })
    await until(async () => (await stored(factory)).length == 20)
    // the page died after its write committed but before it dropped its copy
    const copy = (await stored(factory)).slice(5, 15)
    localStorage.setItem('desire-path:rescue:left-over', JSON.stringify(copy))
    await first.dp.shutdown()
    expect(down.requests.length).toBeLessThanOrEqual(1)
    localStorage.removeItem('desire-path:backoff')
    const up = collector()
    tracker({ indexedDB: factory, flushInterval: 10 })
    await until(() => rescueKeys().length == 0)
    await until(() => up.accepted.length >= 20)
    await sleep(50)
    expect(up.accepted.map((e) => e.properties!.i).sort((a, b) => Number(a) - Number(b))).toEqual([...Array(20).keys()])
    expect(up.dupes()).toBe(0)
  })

  it('drops its copy once the writes commit, so a later load resends nothing', async () => {
    const factory = new IDBFactory()
    const c = collector()
    const { dp } = tracker({ indexedDB: factory, flushAt: 1000, flushInterval: 60_000 })
    for (let i = 0; i < 5; i++) dp.track('E', { i })
    hide()
    expect(rescueKeys()).toHaveLength(1)
    await until(() => c.accepted.length == 5)
    await until(() => rescueKeys().length == 0)
    await dp.shutdown()
    tracker({ indexedDB: factory, flushInterval: 10 })
    await sleep(100)
    expect(c.dupes()).toBe(0)
  })
})
