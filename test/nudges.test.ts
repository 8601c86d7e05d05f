import { afterEach, describe, expect, it } from 'vitest'
import { IDBFactory } from 'fake-indexeddb'
import type { DesirePathError, TrackerOptions } from '../src/entries/index.js'
import { createTracker } from '../src/entries/journey.js'
import type { JourneyDefinition } from '../src/entries/journey.js'
import type { NudgeDecision, NudgeDef } from '../src/nudges/types.js'
import { collector, ENDPOINT } from './helpers/collector.js'
import { sleep, until } from './helpers/fixtures.js'

const T0 = Date.UTC(2026, 10, 1)
const journey = (nudges: Partial<NudgeDef>[], extra: Partial<JourneyDefinition> = {}): JourneyDefinition => ({
  id: 'onboarding',
  version: '1.0',
  stages: [
    { id: 'visitor', entry: { all: [] } },
    { id: 'activated', entry: { event: { name: 'Project Created' } } },
  ],
  nudges: nudges.map((n, i) => ({ id: 'n' + i, stage: 'activated', trigger: { rule: { all: [] } }, slot: 'banner', content: { title: 'Invite a teammate' }, ...n })),
  ...extra,
})

const live: { shutdown(): Promise<void> }[] = []
afterEach(async () => {
  await Promise.all(live.splice(0).map((t) => t.shutdown()))
})
/** A tab with a nudge handler that records decisions (and shows them, unless told not to). */
const tab = (def: JourneyDefinition, o: Partial<TrackerOptions> & { show?: boolean; handler?: boolean } = {}) => {
  const errors: DesirePathError[] = []
  const got: NudgeDecision[] = []
  const dp = createTracker({ endpoint: ENDPOINT, journey: def, indexedDB: new IDBFactory(), flushInterval: 20, retryBase: 10, retryMax: 40, locks: null, BroadcastChannel: null, onError: (e) => errors.push(e), ...o })
  if (o.handler !== false)
    dp.on('nudge', (d) => {
      got.push(d)
      if (o.show !== false) d.shown()
    })
  live.push(dp)
  return { dp, errors, got }
}
const named = (c: ReturnType<typeof collector>, event: string) => c.accepted.filter((e) => e.event == event)

describe('nudges in the tracker', () => {
  it('offers an eligible nudge to dp.on("nudge"); acks become events with the journey context', async () => {
    const c = collector()
    const def = journey([{ priority: 3 }])
    const { dp, got, errors } = tab(def)
    dp.track('Project Created')
    await until(() => got.length == 1)
    expect(got[0]).toMatchObject({ nudge: { id: 'n0', content: { title: 'Invite a teammate' } }, signal: 'rule', arm: 'treatment' })
    expect(got[0]!.explanation).toBe('Its trigger rule holds in activated.')
    // the host's copy: changing it changes nothing in the SDK (nor in the definition)
    got[0]!.nudge.slot = 'modal'
    ;(got[0]!.nudge.content as { title: string }).title = 'changed'
    expect(def.nudges![0]).toMatchObject({ slot: 'banner', content: { title: 'Invite a teammate' } })
    await until(() => named(c, 'Nudge Shown').length == 1)
    got[0]!.clicked('invite')
    got[0]!.completed()
    await until(() => named(c, 'Nudge Completed').length == 1)
    expect(named(c, 'Nudge Eligible')[0]!.properties).toMatchObject({ journey: 'onboarding', nudge: 'n0', arm: 'treatment', stage: 'activated' })
    expect(named(c, 'Nudge Shown')[0]!.properties).toMatchObject({ nudge: 'n0', arm: 'treatment', slot: 'banner', show: 1 })
    expect(named(c, 'Nudge Clicked')[0]!.properties).toMatchObject({ nudge: 'n0', cta: 'invite' })
    expect(named(c, 'Nudge Completed')[0]!.properties).toMatchObject({ nudge: 'n0', via: 'host' })
    expect(named(c, 'Nudge Shown')[0]!.context.journey).toEqual({ id: 'onboarding', stage: 'activated' })
    expect(dp.journey()!.nudges).toEqual([{ id: 'n0', eligible: true, arm: 'treatment', shows: 1, reason: 'exited' }])
    expect(errors).toEqual([])
  })

  it('acks are idempotent and never throw; a second shown() or a late dismiss changes nothing', async () => {
    const c = collector()
    const { dp, got } = tab(journey([{}]))
    dp.track('Project Created')
    await until(() => got.length == 1)
    const d = got[0]!
    d.shown()
    d.dismissed({ snooze: false })
    d.dismissed({ snooze: true })
    d.completed()
    expect(() => (d.clicked as (x: unknown) => void)({ weird: 1 })).not.toThrow()
    await until(() => named(c, 'Nudge Dismissed').length == 1)
    await dp.flush()
    expect(named(c, 'Nudge Shown')).toHaveLength(1)
    expect(named(c, 'Nudge Completed')).toHaveLength(0)
    expect(named(c, 'Nudge Dismissed')[0]!.properties).toMatchObject({ action: 'exit' })
  })

  it('a reload does not re-show a dismissed nudge; a snoozed one comes back when the snooze ends', async () => {
    const c = collector()
    const factory = new IDBFactory()
    let now = T0
    const def = journey([{}, { slot: 'modal', dismiss: { snooze: 'P1D' } }])
    const first = tab(def, { indexedDB: factory, now: () => now })
    first.dp.track('Project Created')
    await until(() => first.got.length == 2)
    first.got[0]!.dismissed()
    first.got[1]!.dismissed()
    await until(() => named(c, 'Nudge Dismissed').length == 2)
    await first.dp.shutdown()
    now += 3600e3
    const second = tab(def, { indexedDB: factory, now: () => now })
    second.dp.track('Page Viewed')
    await until(() => second.dp.journey()?.nudges?.filter((n) => n.reason).length == 2)
    expect(second.dp.journey()!.nudges!.map((n) => [n.id, n.reason])).toEqual([
      ['n0', 'exited'],
      ['n1', 'snoozed'],
    ])
    expect(second.got).toEqual([])
    now += 864e5
    second.dp.track('Page Viewed')
    await until(() => second.got.length == 1)
    expect(second.got[0]!.nudge.id).toBe('n1')
  })

  it('two tabs: the nudge is offered in one of them and shown once', async () => {
    const c = collector()
    const factory = new IDBFactory()
    const def = journey([{}])
    const a = tab(def, { indexedDB: factory, BroadcastChannel })
    const b = tab(def, { indexedDB: factory, BroadcastChannel })
    a.dp.track('Project Created')
    b.dp.track('Something')
    await until(() => named(c, 'Nudge Shown').length == 1)
    a.dp.track('More')
    b.dp.track('More')
    await sleep(100)
    await Promise.all([a.dp.flush(), b.dp.flush()])
    expect(a.got.length + b.got.length).toBe(1)
    expect(named(c, 'Nudge Shown')).toHaveLength(1)
    expect(named(c, 'Nudge Eligible')).toHaveLength(1)
  })

  it('an offer the host never marks shown is released and not counted', async () => {
    const c = collector()
    let now = T0
    const { dp, got } = tab(journey([{}]), { now: () => now, show: false })
    dp.track('Project Created')
    await until(() => got.length == 1)
    dp.track('Again') // still waiting for its ack: not offered twice
    await sleep(50)
    expect(got).toHaveLength(1)
    now += 6000 // past the 5 s ack window
    dp.track('Later')
    await until(() => got.length == 2)
    got[1]!.shown()
    await until(() => named(c, 'Nudge Shown').length == 1)
    expect(named(c, 'Nudge Shown')[0]!.properties!.show).toBe(1)
  })

  it('a shown() that comes after the release still counts: the exposure happened', async () => {
    const c = collector()
    const { dp, got } = tab(journey([{}]), { show: false })
    dp.track('Project Created')
    await until(() => got.length == 1)
    await sleep(5200) // past the 5 s ack window: released
    await until(() => dp.journey()?.nudges?.[0]?.reason == 'released')
    got[0]!.shown() // a slow host got there in the end
    await dp.settled() // the ack is applied: the status counts it now, not some time later
    expect(dp.journey()!.nudges![0]).toMatchObject({ shows: 1 })
    await until(() => named(c, 'Nudge Shown').length == 1)
  }, 10_000)

  it('nothing is offered without a handler; a handler added later gets it', async () => {
    const { dp, got } = tab(journey([{}]), { handler: false })
    dp.track('Project Created')
    await until(() => dp.journey()?.nudges?.[0]?.reason == 'no handler')
    expect(got).toEqual([])
    const later: NudgeDecision[] = []
    dp.on('nudge', (d) => later.push(d))
    await until(() => later.length == 1)
  })

  it('a hidden tab is offered nothing; it is when it becomes visible', async () => {
    const { dp, got } = tab(journey([{}]))
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true })
    try {
      dp.track('Project Created')
      await until(() => dp.journey()?.nudges?.[0]?.reason == 'hidden')
      expect(got).toEqual([])
    } finally {
      Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true })
    }
    document.dispatchEvent(new Event('visibilitychange'))
    await until(() => got.length == 1)
  })

  it('keeps the arm across identify and reload: nobody flips arms', async () => {
    const factory = new IDBFactory()
    const def = journey([{ experiment: { control: 50 } }, { slot: 'modal', experiment: { control: 50 } }, { slot: 'popover', experiment: { control: 50 } }])
    const first = tab(def, { indexedDB: factory })
    first.dp.track('Project Created')
    await until(() => first.dp.journey()?.nudges?.filter((n) => n.arm).length == 3)
    const arms = first.dp.journey()!.nudges!.map((n) => n.arm)
    first.dp.identify('user-42', { role: 'admin' })
    first.dp.reset()
    await first.dp.shutdown()
    const second = tab(def, { indexedDB: factory })
    second.dp.identify('someone-else')
    await until(() => second.dp.journey()?.nudges?.filter((n) => n.arm).length == 3)
    expect(second.dp.journey()!.nudges!.map((n) => n.arm)).toEqual(arms)
  })

  it('control arms see nothing; their ghost impressions are sent for measurement', async () => {
    const c = collector()
    const { dp, got } = tab(journey([{ experiment: { control: 100 }, goal: { rule: { event: { name: 'Teammate Invited' } }, within: 'P7D' } }]))
    dp.track('Project Created')
    await until(() => named(c, 'Nudge Shown').length == 1)
    dp.track('Teammate Invited')
    await until(() => named(c, 'Nudge Completed').length == 1)
    expect(got).toEqual([])
    expect(named(c, 'Nudge Shown')[0]!.properties).toMatchObject({ arm: 'control', ghost: true })
    expect(named(c, 'Nudge Completed')[0]!.properties).toMatchObject({ arm: 'control', via: 'goal' })
  })

  it('a broken nudge memory (an older or corrupted record) is reported; journeys and storage carry on', async () => {
    const factory = new IDBFactory()
    const def = journey([{}])
    const first = tab(def, { indexedDB: factory })
    first.dp.track('Hello')
    await until(() => first.dp.journey()?.stage == 'visitor')
    await first.dp.shutdown()
    // what a future or damaged version could leave: memory fields of the wrong shape
    await new Promise<void>((resolve, reject) => {
      const req = factory.open('desire-path:journey')
      req.onsuccess = () => {
        const st = req.result.transaction('state', 'readwrite').objectStore('state')
        const get = st.get('onboarding')
        get.onsuccess = () => {
          const put = st.put({ ...get.result, m: { c: null, live: 'x' } }, 'onboarding')
          put.onsuccess = () => (req.result.close(), resolve())
          put.onerror = () => reject(put.error)
        }
      }
      req.onerror = () => reject(req.error)
    })
    const second = tab(def, { indexedDB: factory })
    const stages: string[] = []
    second.dp.on('stage', (c) => stages.push(c.to))
    second.dp.track('Project Created')
    await until(() => stages.includes('activated'))
    expect(second.errors.map((e) => e.code)).toContain('internal')
    expect(second.errors.map((e) => e.code)).not.toContain('storage_fallback')
    expect(second.got).toEqual([])
  })

  it('works without IndexedDB (memory only), and a throwing handler is isolated', async () => {
    const c = collector()
    const { dp, errors } = tab(journey([{}]), { indexedDB: null, handler: false })
    const got: NudgeDecision[] = []
    dp.on('nudge', () => {
      throw new Error('host bug')
    })
    dp.on('nudge', (d) => {
      got.push(d)
      d.shown()
    })
    dp.track('Project Created')
    await until(() => named(c, 'Nudge Shown').length == 1)
    expect(got).toHaveLength(1)
    expect(errors.map((e) => e.code)).toContain('listener_threw')
  })
})
