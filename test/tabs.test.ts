import { describe, expect, it } from 'vitest'
import { HttpResponse } from 'msw'
import { IDBFactory } from 'fake-indexeddb'
import { collector } from './helpers/collector.js'
import { fakeLocks, sleep, tracker, until } from './helpers/fixtures.js'

/** A collector that also records how many requests were in flight at once. */
function concurrencyCollector() {
  let now = 0
  const stats = { max: 0 }
  const c = collector(async () => {
    stats.max = Math.max(stats.max, ++now)
    await sleep(5)
    now--
    return HttpResponse.json({})
  })
  return { ...c, stats }
}

describe('several tabs of one origin', () => {
  for (const mode of ['Web Locks', 'IndexedDB lease (no Web Locks)'] as const)
    it(`one tab flushes at a time and no event is sent twice (${mode})`, async () => {
      const factory = new IDBFactory()
      const c = concurrencyCollector()
      const locks = mode == 'Web Locks' ? fakeLocks() : null
      const tabs = [0, 1, 2].map(() => tracker({ indexedDB: factory, locks, flushAt: 10, flushInterval: 10 }))
      for (let i = 0; i < 100; i++) tabs.forEach((t, n) => t.dp.track('E', { tab: n, i }))
      await Promise.all(tabs.map((t) => t.dp.flush()))
      await until(() => c.accepted.length == 300, 5000)
      await sleep(50)
      expect(c.accepted).toHaveLength(300)
      expect(c.dupes()).toBe(0)
      expect(c.stats.max).toBe(1)
      if (locks) expect((locks as unknown as { maxHeld: number }).maxHeld).toBe(1)
    })

  it('tabs agree on the identity: one that another tab wrote (a load race, identify, reset) is taken', async () => {
    const c = collector()
    localStorage.clear()
    const a = tracker()
    const first = a.dp.anonymousId
    // a second tab of this fresh profile loaded at the same moment and stored its own id
    // last; the browser tells this tab with a storage event
    const other = { a: '0193c0de-0000-7000-8000-000000000001' }
    localStorage.setItem('desire-path:user', JSON.stringify(other))
    window.dispatchEvent(new StorageEvent('storage', { key: 'desire-path:user' }))
    expect(a.dp.anonymousId).toBe(other.a)
    expect(a.dp.anonymousId).not.toBe(first)
    // an identify there
    localStorage.setItem('desire-path:user', JSON.stringify({ ...other, u: 'user-42' }))
    window.dispatchEvent(new StorageEvent('storage', { key: 'desire-path:user' }))
    a.dp.track('After')
    await until(() => c.accepted.length == 1)
    expect(c.accepted[0]).toMatchObject({ anonymousId: other.a, userId: 'user-42' })
    // other keys are ignored; a clear() elsewhere does not lose the identity
    window.dispatchEvent(new StorageEvent('storage', { key: 'desire-path:backoff' }))
    localStorage.clear()
    window.dispatchEvent(new StorageEvent('storage', { key: null }))
    expect(a.dp.anonymousId).toBe(other.a)
    expect(JSON.parse(localStorage.getItem('desire-path:user')!).a).toBe(other.a)
  })

  it('a tab does not resend on unload what another tab already delivered', async () => {
    const factory = new IDBFactory()
    const c = collector()
    const a = tracker({ indexedDB: factory, locks: fakeLocks(), BroadcastChannel, flushAt: 1000, flushInterval: 60_000 })
    const b = tracker({ indexedDB: factory, locks: fakeLocks(), BroadcastChannel, flushAt: 1000, flushInterval: 60_000 })
    for (let i = 0; i < 10; i++) b.dp.track('From B', { i })
    await b.dp.flush().then(() => 0) // make sure B stored them... and delivered
    c.requests.length = 0
    for (let i = 0; i < 5; i++) b.dp.track('Later B', { i })
    await sleep(20) // stored by B, not sent (flushAt high)
    await a.dp.flush() // tab A delivers B's events from the shared queue
    await until(() => c.accepted.length == 15)
    await sleep(20) // the broadcast reaches B
    window.dispatchEvent(new Event('pagehide')) // both trackers listen: nothing left to send
    await sleep(30)
    expect(c.dupes()).toBe(0)
  })
})
