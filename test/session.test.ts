import { describe, expect, it } from 'vitest'
import { IDBFactory } from 'fake-indexeddb'
import { collector } from './helpers/collector.js'
import { tracker, until } from './helpers/fixtures.js'

// Sessions on the wire: context.session.id on every event, shared by the origin's tabs,
// ended by inactivity (sessionTimeout), by local midnight (sessionMidnight) or by reset();
// the campaign of the URL a session started on, on its events (context.campaign).

const MIN = 60_000
const T0 = new Date(2026, 11, 3, 9, 0).getTime() // local time: midnight is the customer's

/** a clock the test moves */
const clock = (t = T0) => {
  const c = { t, now: () => c.t }
  return c
}

describe('sessions', () => {
  it('puts the session on every event; 30 minutes without activity end it', async () => {
    const c = collector()
    const k = clock()
    const { dp } = tracker({ now: k.now })
    dp.track('A')
    k.t += 29 * MIN
    dp.track('B') // activity: the session goes on
    k.t += 29 * MIN
    dp.track('C')
    k.t += 31 * MIN
    dp.track('D') // 31 minutes of nothing: a new session
    await dp.flush()
    await until(() => c.accepted.length == 4)
    const ids = c.accepted.map((e) => e.context.session.id)
    expect(ids[0]).toBe(T0) // a session's id is its start (ms)
    expect(ids.slice(0, 3)).toEqual([T0, T0, T0])
    expect(ids[3]).toBe(T0 + 89 * MIN)
  })

  it('is shared by the tabs of the origin: activity in one keeps it alive for the other', async () => {
    const c = collector()
    const k = clock()
    const factory = new IDBFactory()
    const a = tracker({ now: k.now, indexedDB: factory })
    const b = tracker({ now: k.now, indexedDB: factory })
    a.dp.track('A1')
    k.t += 10 * MIN
    b.dp.track('B1') // a second tab: joins the session
    k.t += 20 * MIN
    b.dp.track('B2')
    k.t += 20 * MIN
    a.dp.track('A2') // 40 minutes since A's last event, 20 since B's: the same session
    k.t += 31 * MIN
    b.dp.track('B3') // 31 minutes since anything: a new session, which A then joins
    k.t += MIN
    a.dp.track('A3')
    await Promise.all([a.dp.flush(), b.dp.flush()])
    await until(() => c.accepted.length == 6)
    const by = Object.fromEntries(c.accepted.map((e) => [e.event, e.context.session.id]))
    expect(by).toEqual({ A1: T0, B1: T0, B2: T0, A2: T0, B3: T0 + 81 * MIN, A3: T0 + 81 * MIN })
  })

  it('sessionTimeout sets the inactivity; sessionMidnight also ends a session at local midnight', async () => {
    const c = collector()
    const k = clock(new Date(2026, 11, 3, 23, 50).getTime())
    const { dp } = tracker({ now: k.now, sessionTimeout: 5 * MIN, sessionMidnight: true })
    dp.track('A')
    k.t += 4 * MIN
    dp.track('B')
    k.t += 6 * MIN // 00:00, and 6 minutes idle
    dp.track('C')
    k.t += 4 * MIN
    dp.track('D')
    await dp.flush()
    await until(() => c.accepted.length == 4)
    const ids = c.accepted.map((e) => e.context.session.id)
    expect(new Set(ids.slice(0, 2)).size).toBe(1)
    expect(ids[2]).not.toBe(ids[1])
    expect(ids[3]).toBe(ids[2])
    // midnight alone, without the idle time
    const m = clock(new Date(2026, 11, 3, 23, 59).getTime())
    const night = tracker({ now: m.now, sessionMidnight: true, storageKey: 'night' })
    night.dp.track('Before')
    m.t += 2 * MIN
    night.dp.track('After')
    await night.dp.flush()
    await until(() => c.accepted.length == 6)
    expect(c.accepted[4]!.context.session.id).not.toBe(c.accepted[5]!.context.session.id)
  })

  it('reset() (logout) starts a new session with the new anonymousId', async () => {
    const c = collector()
    const k = clock()
    const { dp } = tracker({ now: k.now })
    dp.track('Before')
    k.t += MIN
    dp.reset()
    dp.track('After')
    await dp.flush()
    await until(() => c.accepted.length == 2)
    const [before, after] = c.accepted
    expect(after!.anonymousId).not.toBe(before!.anonymousId)
    expect(after!.context.session.id).toBe(T0 + MIN)
    expect(before!.context.session.id).toBe(T0)
  })
})

describe('campaigns', () => {
  it("takes the landing URL's UTM parameters and click ids into context.campaign (Segment's names), for the session", async () => {
    const c = collector()
    const k = clock()
    const was = location.href
    history.replaceState(null, '', '/landing?utm_source=newsletter&utm_medium=email&utm_campaign=spring&utm_term=journey&utm_content=hero&gclid=Cj0KCQiA_123&ref=x')
    const { dp } = tracker({ now: k.now })
    dp.page()
    history.pushState(null, '', '/pricing')
    k.t += 5 * MIN
    dp.track('Pricing Seen')
    k.t += 31 * MIN
    dp.track('Next Visit') // a new session, on a URL without campaign parameters
    await dp.flush()
    await until(() => c.accepted.length == 3)
    const spring = { source: 'newsletter', medium: 'email', name: 'spring', term: 'journey', content: 'hero', gclid: 'Cj0KCQiA_123' }
    expect(c.accepted[0]!.context.campaign).toEqual(spring)
    expect(c.accepted[1]!.context.campaign).toEqual(spring)
    expect(c.accepted[2]!.context.campaign).toBeUndefined()
    history.replaceState(null, '', was)
  })

  it('a later URL with campaign parameters replaces the campaign for the rest of the session', async () => {
    const c = collector()
    const was = location.href
    history.replaceState(null, '', '/?utm_source=a')
    const { dp } = tracker()
    dp.track('One')
    history.pushState(null, '', '/?utm_source=b&utm_medium=cpc')
    dp.track('Two')
    history.pushState(null, '', '/other')
    dp.track('Three')
    await dp.flush()
    await until(() => c.accepted.length == 3)
    expect(c.accepted.map((e) => e.context.campaign)).toEqual([{ source: 'a' }, { source: 'b', medium: 'cpc' }, { source: 'b', medium: 'cpc' }])
    history.replaceState(null, '', was)
  })
})
