import { afterEach, describe, expect, it, vi } from 'vitest'
import { IDBFactory } from 'fake-indexeddb'
import { createTracker as createCore, type DesirePathError, type StageChange, type TrackerOptions } from '../src/entries/index.js'
import { createTracker } from '../src/entries/journey.js'
import type { JourneyDefinition } from '../src/entries/journey.js'
import { collector, ENDPOINT } from './helpers/collector.js'
import { sleep, until } from './helpers/fixtures.js'

const definition: JourneyDefinition = {
  id: 'onboarding',
  version: '1.0',
  stages: [
    { id: 'visitor', entry: { all: [] } },
    { id: 'signup', entry: { event: { name: 'Signed Up' } } },
    {
      id: 'activated',
      entry: { event: { name: 'Project Created' } },
      path: { steps: [{ id: 'invite', label: 'invited a teammate', match: { name: 'Teammate Invited' }, key: true }] },
    },
    { id: 'dormant', entry: { all: [{ inStage: 'P7D' }, { absent: { name: 'Session Started', for: 'P7D' } }] } },
  ],
}

const live: { shutdown(): Promise<void> }[] = []
afterEach(async () => {
  await Promise.all(live.splice(0).map((t) => t.shutdown()))
  Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true })
})
const tab = (o: Partial<TrackerOptions> = {}) => {
  const errors: DesirePathError[] = []
  const stages: StageChange[] = []
  const dp = createTracker({ endpoint: ENDPOINT, journey: definition, indexedDB: new IDBFactory(), flushInterval: 20, retryBase: 10, retryMax: 40, locks: null, BroadcastChannel: null, onError: (e) => errors.push(e), ...o })
  dp.on('stage', (c) => stages.push(c))
  live.push(dp)
  return { dp, errors, stages }
}

describe('journeys in the tracker (desire-path/journey)', () => {
  it('settled() resolves once journey() reflects the calls made before it', async () => {
    const { dp } = tab()
    dp.track('Pricing Viewed')
    await dp.settled()
    expect(dp.journey()!.stage).toBe('visitor')
    dp.track('Signed Up')
    dp.track('Project Created')
    // folding is an IndexedDB transaction away: right after track() the old stage shows
    expect(dp.journey()!.stage).toBe('visitor')
    await dp.settled()
    expect(dp.journey()!.stage).toBe('activated')
    dp.stage('dormant')
    await dp.settled()
    expect(dp.journey()!.stage).toBe('dormant')
  })

  it('settled() resolves at once without a journey, and never rejects', async () => {
    const dp = createCore({ endpoint: ENDPOINT, indexedDB: new IDBFactory() })
    live.push(dp)
    await expect(dp.settled()).resolves.toBeUndefined()
  })

  it('reports stage changes, keeps a snapshot, and sends derived events through the pipeline', async () => {
    const c = collector()
    const { dp, stages } = tab()
    dp.track('Signed Up')
    dp.track('Project Created')
    await until(() => stages.length == 3)
    expect(stages.map((s) => [s.from, s.to])).toEqual([
      [null, 'visitor'],
      ['visitor', 'signup'],
      ['signup', 'activated'],
    ])
    expect(dp.journey()).toMatchObject({ stage: 'activated', progress: 0, next: { id: 'invite', label: 'invited a teammate' } })
    await until(() => c.accepted.filter((e) => e.event == 'Journey Stage Entered').length == 3)
    const entered = c.accepted.filter((e) => e.event == 'Journey Stage Entered')
    expect(entered.map((e) => e.properties!.to)).toEqual(['visitor', 'signup', 'activated'])
    expect(entered[2]!.properties).toMatchObject({ journey: 'onboarding', version: '1.0', from: 'signup', cause: c.accepted.find((e) => e.event == 'Project Created')!.messageId })
    // later events carry the stage in their context
    dp.track('Teammate Invited')
    await until(() => c.accepted.some((e) => e.event == 'Journey Step Completed'))
    expect(c.accepted.find((e) => e.event == 'Teammate Invited')!.context.journey).toEqual({ id: 'onboarding', stage: 'activated' })
    expect(dp.journey()!.progress).toBe(1)
  })

  it('keeps the stage across a reload and never re-sends derived events', async () => {
    const c = collector()
    const factory = new IDBFactory()
    const first = tab({ indexedDB: factory })
    first.dp.track('Signed Up')
    await until(() => first.stages.length == 2)
    await first.dp.flush()
    await first.dp.shutdown()
    const second = tab({ indexedDB: factory })
    await until(() => second.dp.journey()!.stage == 'signup')
    second.dp.track('Project Created')
    await until(() => second.stages.some((s) => s.to == 'activated'))
    await second.dp.flush()
    await sleep(30)
    await second.dp.flush()
    expect(c.dupes()).toBe(0)
    expect(c.accepted.filter((e) => e.event == 'Journey Stage Entered').map((e) => e.properties!.to)).toEqual(['visitor', 'signup', 'activated'])
  })

  it('two tabs agree on the stage; each transition is sent once and heard in both', async () => {
    const c = collector()
    const factory = new IDBFactory()
    const a = tab({ indexedDB: factory, BroadcastChannel })
    const b = tab({ indexedDB: factory, BroadcastChannel })
    await sleep(30)
    a.dp.track('Signed Up')
    await until(() => b.stages.some((s) => s.to == 'signup'))
    expect(b.dp.journey()!.stage).toBe('signup')
    b.dp.track('Project Created')
    await until(() => a.stages.some((s) => s.to == 'activated'))
    await Promise.all([a.dp.flush(), b.dp.flush()])
    await sleep(30)
    await Promise.all([a.dp.flush(), b.dp.flush()])
    const entered = c.accepted.filter((e) => e.event == 'Journey Stage Entered').map((e) => e.properties!.to)
    expect(entered.sort()).toEqual(['activated', 'signup', 'visitor'])
    expect(c.dupes()).toBe(0)
  })

  it('dp.stage() moves forward only; an unknown stage is reported', async () => {
    collector()
    const { dp, stages, errors } = tab()
    dp.page()
    await until(() => stages.length == 1)
    dp.stage('activated')
    await until(() => stages.length == 2)
    expect(stages[1]).toMatchObject({ from: 'visitor', to: 'activated', cause: 'host', skipped: ['signup'] })
    dp.stage('signup')
    dp.stage('nope')
    await sleep(30)
    expect(dp.journey()!.stage).toBe('activated')
    expect(errors.map((e) => e.code)).toEqual(['event_invalid'])
  })

  it('re-evaluates time-based rules when the page becomes visible', async () => {
    collector()
    let now = Date.UTC(2026, 0, 1)
    const { dp, stages } = tab({ now: () => now })
    dp.track('Signed Up')
    await until(() => stages.length == 2)
    now += 8 * 864e5 // a week later, nothing happened
    Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true })
    document.dispatchEvent(new Event('visibilitychange'))
    await until(() => stages.length == 3)
    expect(stages[2]).toMatchObject({ from: 'signup', to: 'dormant', cause: 'tick' })
  })

  it('carries the anonymous journey over on identify, and trait rules see the traits', async () => {
    collector()
    const withTrait: JourneyDefinition = {
      ...definition,
      stages: [...definition.stages.slice(0, 2), { id: 'admin', entry: { trait: { prop: 'role', op: 'eq', value: 'admin' } } }],
    }
    const { dp, stages } = tab({ journey: withTrait })
    dp.track('Signed Up')
    await until(() => stages.length == 2)
    dp.identify('user-42', { role: 'admin' })
    await until(() => stages.length == 3)
    expect(stages.map((s) => s.to)).toEqual(['visitor', 'signup', 'admin'])
    expect(dp.journey()!.history.map((h) => h.to)).toEqual(['visitor', 'signup', 'admin'])
  })

  it('a new definition version re-folds the kept history; what it finds is marked backfill', async () => {
    const c = collector()
    const factory = new IDBFactory()
    const v1 = tab({ indexedDB: factory })
    v1.dp.track('Project Created') // v1: straight to activated
    await until(() => v1.dp.journey()!.stage == 'activated')
    await v1.dp.shutdown()
    // v1.1: a project alone now makes an "explorer"; "activated" also needs a sign-up
    const v2def: JourneyDefinition = {
      ...definition,
      version: '1.1',
      stages: [
        ...definition.stages.slice(0, 2),
        { id: 'explorer', entry: { event: { name: 'Project Created' } } },
        { id: 'activated', entry: { all: [{ event: { name: 'Project Created' } }, { event: { name: 'Signed Up' } }] } },
      ],
    }
    const v2 = tab({ indexedDB: factory, journey: v2def })
    await until(() => v2.stages.length > 0)
    expect(v2.dp.journey()!.stage).toBe('explorer')
    // the transition that changed is reported and sent, marked backfill; the one that did
    // not (null → visitor) has the same id as before and is not sent again
    expect(v2.stages).toEqual([expect.objectContaining({ from: 'visitor', to: 'explorer', skipped: ['signup'], backfill: true })])
    await v2.dp.flush()
    const entered = c.accepted.filter((e) => e.event == 'Journey Stage Entered')
    expect(entered.map((e) => [e.properties!.to, e.properties!.version, !!e.properties!.backfill])).toEqual([
      ['visitor', '1.0', false],
      ['activated', '1.0', false],
      ['explorer', '1.1', true],
    ])
    expect(c.dupes()).toBe(0)
  })

  it('works without IndexedDB (memory only)', async () => {
    collector()
    const { dp, stages } = tab({ indexedDB: null })
    dp.track('Signed Up')
    await until(() => stages.length == 2)
    expect(dp.journey()!.stage).toBe('signup')
  })

  it('a bad definition is reported once (journey_invalid); tracking goes on without journeys', async () => {
    const c = collector()
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const bad = { ...definition, stages: [{ id: 'a', entry: { evnt: {} } }] } as unknown as JourneyDefinition
    const { dp, errors, stages } = tab({ journey: bad })
    dp.track('Signed Up')
    dp.page()
    await until(() => c.accepted.length == 2)
    await dp.settled()
    expect(errors.map((e) => e.code)).toEqual(['journey_invalid'])
    expect(errors[0]!.message).toMatch(/stages\[0\]\.entry: not a rule .*npx desire-path validate/)
    expect(warn.mock.calls.filter(([m]) => /journey ignored: /.test(String(m)))).toHaveLength(1)
    warn.mockRestore()
    // the events, and no journey: no stage, no derived event, no journey context
    expect(c.accepted.map((e) => e.event ?? e.type)).toEqual(['Signed Up', 'page'])
    expect(c.accepted.every((e) => !e.context.journey)).toBe(true)
    expect(dp.journey()).toBeNull()
    expect(stages).toEqual([])
    dp.stage('a')
    expect(errors.map((e) => e.code)).toEqual(['journey_invalid', 'event_invalid'])
  })

  it('createTracker never throws for a definition, only for bad options; the core refuses `journey` without the engine', () => {
    let deep: unknown = { event: {} }
    for (let i = 0; i < 100_000; i++) deep = { not: deep }
    const bads: unknown[] = ['journey.json', 5, [], {}, { id: 'j' }, { id: 'j', stages: [{ id: 'a', entry: deep }] }, { id: 'j', stages: [{ id: 'a', entry: { ref: 'p' } }], predicates: { p: { ref: 'p' } } }]
    for (const journey of bads) {
      const codes: string[] = []
      let dp: ReturnType<typeof createTracker> | undefined
      expect(() => (dp = createTracker({ endpoint: ENDPOINT, journey: journey as JourneyDefinition, indexedDB: null, onError: (e) => codes.push(e.code) }))).not.toThrow()
      live.push(dp!)
      // (the plugin starts at the first use, or a task after creation)
      expect(dp!.journey()).toBeNull()
      // (storage_fallback too: no IndexedDB here)
      expect(codes.filter((c) => c != 'storage_fallback')).toEqual(['journey_invalid'])
    }
    expect(() => createTracker({ endpoint: 'ftp://collector.test/v1/batch', journey: definition })).toThrow(/option "endpoint"/)
    expect(() => createCore({ endpoint: ENDPOINT, journey: definition })).toThrow(/"journey" needs createTracker from "desire-path\/journey"/)
  })

  it('without a journey, journey() is null and stage() is reported', () => {
    const errors: string[] = []
    const dp = createCore({ endpoint: ENDPOINT, indexedDB: null, onError: (e) => errors.push(e.code) })
    live.push(dp)
    expect(dp.journey()).toBeNull()
    dp.stage('x')
    expect(errors).toContain('event_invalid')
  })
})
