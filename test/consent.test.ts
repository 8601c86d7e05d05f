import { describe, expect, it } from 'vitest'
import { HttpResponse } from 'msw'
import { IDBFactory } from 'fake-indexeddb'
import { createTracker as createJourneyTracker } from '../src/entries/journey.js'
import { collector, ENDPOINT } from './helpers/collector.js'
import { stored, tracker, until } from './helpers/fixtures.js'

// The consent state machine, seen from outside: what reaches the collector, what is in
// IndexedDB and localStorage, what inspect() says waits — at each step.

const databases = async (f: IDBFactory) => (await f.databases()).map((d) => d.name).sort()
const ours = (key = 'desire-path') => Object.keys(localStorage).filter((k) => k.startsWith(key + ':')).sort()
/**
 * Absence, asserted after the fact: a control tracker (granted, its own storage), made now,
 * gets an event through flush timers of the same length; once it arrived, the tracker under
 * test had the same chances to send.
 */
const quiet = async (c: ReturnType<typeof collector>) => {
  const ctl = tracker({ storageKey: 'control' })
  ctl.dp.track('Control')
  await until(() => c.accepted.some((e) => e.event == 'Control'), 3000, 'the control event')
  await ctl.dp.shutdown()
  for (const k of Object.keys(localStorage)) if (k.startsWith('control:')) localStorage.removeItem(k)
}
/** the requests of the tracker under test (not the control's) */
const sent = (c: ReturnType<typeof collector>) => c.requests.filter((r) => r.batch.some((e) => e.event != 'Control'))

describe("consent: 'pending'", () => {
  it('stores nothing and sends nothing: no database, no localStorage entry, no request; events wait in memory', async () => {
    const c = collector()
    const { dp, options } = tracker({ consent: 'pending' })
    for (let i = 0; i < 20; i++) dp.track('E', { i })
    dp.page()
    dp.identify('user-1', { plan: 'pro' })
    await dp.flush()
    await quiet(c)
    expect(sent(c)).toHaveLength(0)
    expect(await databases(options.indexedDB as IDBFactory)).toEqual([])
    expect(ours()).toEqual([])
    expect(document.cookie).toBe('')
    expect(dp.consent()).toBe('pending')
    const ins = await dp.inspect()
    expect(ins).toMatchObject({ consent: 'pending', waiting: 22, storage: 'memory', inFlight: 0 })
  })

  it('granted: what waited is stored and sent, in order, with the time of each call', async () => {
    const c = collector()
    let t = Date.parse('2026-12-03T10:00:00Z')
    const { dp, options } = tracker({ consent: 'pending', now: () => t })
    for (let i = 0; i < 30; i++, t += 1000) dp.track('E', { i })
    expect(dp.consent('granted')).toBe('granted')
    dp.track('After')
    await dp.flush()
    await until(() => c.accepted.length == 31)
    expect(c.accepted.map((e) => e.properties!.i ?? e.event)).toEqual([...Array.from({ length: 30 }, (_, i) => i), 'After'])
    expect(Date.parse(c.accepted[0]!.timestamp)).toBe(Date.parse('2026-12-03T10:00:00Z'))
    expect(new Set(c.accepted.map((e) => e.anonymousId)).size).toBe(1)
    expect(await databases(options.indexedDB as IDBFactory)).toContain('desire-path')
    expect(JSON.parse(localStorage.getItem('desire-path:consent')!)).toBe('granted')
    expect(JSON.parse(localStorage.getItem('desire-path:user')!).a).toBe(c.accepted[0]!.anonymousId)
  })

  it('keeps at most maxQueueEvents in memory: the oldest go, counted and reported', async () => {
    collector()
    const { dp, codes } = tracker({ consent: 'pending', maxQueueEvents: 5 })
    for (let i = 0; i < 8; i++) dp.track('E', { i })
    const ins = await dp.inspect()
    expect(ins.waiting).toBe(5)
    expect(ins.dropped.queue_full).toBe(3)
    expect(codes()).toContain('queue_full')
  })

  it('denied: what waited is dropped (counted as consent), later events too, and nothing is stored but the denial', async () => {
    const c = collector()
    const { dp, options } = tracker({ consent: 'pending' })
    for (let i = 0; i < 10; i++) dp.track('E')
    dp.consent('denied')
    dp.track('Later')
    await dp.flush()
    await quiet(c)
    expect(sent(c)).toHaveLength(0)
    expect(await databases(options.indexedDB as IDBFactory)).toEqual([])
    expect(ours()).toEqual(['desire-path:consent'])
    expect(JSON.parse(localStorage.getItem('desire-path:consent')!)).toBe('denied')
    const ins = await dp.inspect()
    expect(ins).toMatchObject({ consent: 'denied', waiting: 0 })
    expect(ins.dropped.consent).toBe(1) // the event after the denial (those waiting were let go with it)
  })

  it('holds stage() assertions with the events, and the journey starts at the grant', async () => {
    const c = collector()
    const factory = new IDBFactory()
    const journey = { id: 'j', version: '1.0', stages: [{ id: 'visitor', entry: { all: [] } }, { id: 'trial', entry: { event: { name: 'Signed Up' } } }, { id: 'paid', entry: { event: { name: 'Paid' } } }] }
    const dp = createJourneyTracker({ endpoint: ENDPOINT, indexedDB: factory, flushInterval: 20, locks: null, BroadcastChannel: null, consent: 'pending', journey })
    dp.track('Signed Up')
    dp.stage('paid')
    await dp.settled()
    expect(dp.journey()).toBeNull()
    expect(await databases(factory)).toEqual([])
    dp.consent('granted')
    await until(async () => (await dp.settled(), dp.journey()?.stage == 'paid'))
    expect(await databases(factory)).toEqual(['desire-path', 'desire-path:journey'])
    await dp.flush()
    await until(() => c.accepted.some((e) => e.event == 'Journey Stage Entered' && e.properties!.to == 'paid'))
    await dp.shutdown()
  })
})

describe('revoking consent (denied after granted)', () => {
  it('stops requests at once and deletes everything desire-path stored: queue, identity, session, journey and nudge memory', async () => {
    // the collector is down: events stay stored, then consent goes
    let down = true
    const c = collector(() => (down ? new HttpResponse(null, { status: 503 }) : HttpResponse.json({})))
    const factory = new IDBFactory()
    const journey = { id: 'j', version: '1.0', stages: [{ id: 'visitor', entry: { all: [] } }, { id: 'trial', entry: { event: { name: 'Signed Up' } } }] }
    const dp = createJourneyTracker({ endpoint: ENDPOINT, indexedDB: factory, flushInterval: 20, retryBase: 10, retryMax: 20, locks: null, BroadcastChannel: null, journey })
    dp.identify('user-1')
    for (let i = 0; i < 10; i++) dp.track('Signed Up', { i })
    await dp.settled()
    await until(async () => (await stored(factory)).length >= 10 && c.requests.length > 0)
    expect(ours().length).toBeGreaterThan(1)
    expect(dp.consent('denied')).toBe('denied')
    const before = c.requests.length
    down = false // the collector is back: a tracker still running would deliver now
    dp.track('After')
    await quiet(c)
    expect(sent(c).length).toBe(before)
    await until(async () => (await databases(factory)).length == 0)
    expect(ours()).toEqual(['desire-path:consent'])
    expect(dp.journey()).toBeNull()
    await dp.shutdown()
  })

  it('aborts a request in flight', async () => {
    let aborted = false
    const abortable = (url: RequestInfo | URL, init?: RequestInit) => {
      init?.signal?.addEventListener('abort', () => (aborted = true))
      return new Promise<Response>((_, reject) => init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))))
    }
    const { dp } = tracker({ fetch: abortable as typeof fetch })
    dp.track('E')
    void dp.flush()
    await until(async () => (await dp.inspect()).inFlight == 1)
    dp.consent('denied')
    await until(() => aborted)
  })

  it('a reload keeps the decision: denied wins over the option, granted too', async () => {
    const c = collector()
    const first = tracker()
    first.dp.consent('denied')
    await first.dp.shutdown()
    const second = tracker({ consent: 'granted' })
    expect(second.dp.consent()).toBe('denied')
    second.dp.track('E')
    await second.dp.flush()
    await quiet(c)
    expect(sent(c)).toHaveLength(0)
    second.dp.consent('granted')
    await second.dp.shutdown()
    const third = tracker({ consent: 'pending' })
    expect(third.dp.consent()).toBe('granted')
    third.dp.track('Sent')
    await third.dp.flush()
    await until(() => c.accepted.some((e) => e.event == 'Sent'))
  })

  it("another tab's decision is followed (the storage event): a grant starts this tab, a revocation stops it", async () => {
    const c = collector()
    const { dp } = tracker({ consent: 'pending' })
    dp.track('Waited')
    dp.consent() // read now
    localStorage.setItem('desire-path:consent', '"granted"')
    window.dispatchEvent(new StorageEvent('storage', { key: 'desire-path:consent', newValue: '"granted"' }))
    expect(dp.consent()).toBe('granted')
    await dp.flush()
    await until(() => c.accepted.length == 1)
    window.dispatchEvent(new StorageEvent('storage', { key: 'desire-path:consent', newValue: '"denied"' }))
    expect(dp.consent()).toBe('denied')
    dp.track('Dropped')
    await dp.flush()
    await quiet(c)
    expect(c.accepted.filter((e) => e.event != 'Control')).toHaveLength(1)
  })

  it('two tabs waiting for consent: the grant in one gives the other its identity, for what waited there too', async () => {
    const c = collector()
    const factory = new IDBFactory()
    const one = tracker({ consent: 'pending', indexedDB: factory })
    const two = tracker({ consent: 'pending', indexedDB: factory })
    one.dp.track('In One')
    two.dp.track('In Two')
    expect(one.dp.anonymousId).not.toBe(two.dp.anonymousId) // each made its own, in memory
    one.dp.consent('granted')
    // what the other tab hears, in the order the granting tab wrote it
    for (const key of ['desire-path:user', 'desire-path:session', 'desire-path:consent']) window.dispatchEvent(new StorageEvent('storage', { key, newValue: localStorage.getItem(key) }))
    expect(two.dp.consent()).toBe('granted')
    two.dp.track('Later In Two')
    await Promise.all([one.dp.flush(), two.dp.flush()])
    await until(() => c.accepted.length == 3)
    expect(new Set(c.accepted.map((e) => e.anonymousId))).toEqual(new Set([one.dp.anonymousId]))
    expect(new Set(c.accepted.map((e) => e.context.session.id)).size).toBe(1)
  })

  it('a removed consent entry (another script) changes nothing', async () => {
    const c = collector()
    const { dp } = tracker()
    dp.consent('granted')
    localStorage.removeItem('desire-path:consent')
    window.dispatchEvent(new StorageEvent('storage', { key: 'desire-path:consent', newValue: null }))
    expect(dp.consent()).toBe('granted')
    dp.track('Still')
    await dp.flush()
    await until(() => c.accepted.length == 1)
  })

  it('a grant after a revocation starts afresh: a new anonymousId, nothing of before resent', async () => {
    const c = collector()
    const { dp } = tracker()
    dp.track('One')
    await dp.flush()
    await until(() => c.accepted.length == 1)
    const was = dp.anonymousId
    dp.consent('denied')
    dp.consent('granted')
    dp.track('Two')
    await dp.flush()
    await until(() => c.accepted.length == 2)
    expect(c.accepted[1]!.anonymousId).not.toBe(was)
  })
})

describe('Global Privacy Control and Do Not Track', () => {
  const nav = (extra: object) => ({ language: 'en-GB', userAgent: 'test', ...extra }) as unknown as Navigator

  for (const [what, signal] of [
    ['globalPrivacyControl', { globalPrivacyControl: true }],
    ['doNotTrack', { doNotTrack: '1' }],
  ] as const)
    it(`${what} on: consent is denied and stays so; respectGPC: false tracks`, async () => {
      const c = collector()
      const { dp, options } = tracker({ navigator: nav(signal) })
      expect(dp.consent()).toBe('denied')
      expect(dp.consent('granted')).toBe('denied')
      dp.track('E')
      await dp.flush()
      await quiet(c)
      expect(sent(c)).toHaveLength(0)
      expect(await databases(options.indexedDB as IDBFactory)).toEqual([])
      expect(ours()).toEqual([])
      const own = tracker({ navigator: nav(signal), respectGPC: false, storageKey: 'own' })
      expect(own.dp.consent()).toBe('granted')
      own.dp.track('Mine')
      await own.dp.flush()
      await until(() => c.accepted.some((e) => e.event == 'Mine'))
    })

  it('rejects bad consent options at creation, naming the option', () => {
    expect(() => tracker({ consent: 'yes' as never })).toThrow(/option "consent"/)
    expect(() => tracker({ respectGPC: 'no' as never })).toThrow(/option "respectGPC"/)
  })
})
