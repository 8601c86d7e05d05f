import { describe, expect, it } from 'vitest'
import { createEngine, foldAll, type JourneyState } from '../../../src/journey/engine.js'
import type { JourneyEvent } from '../../../src/journey/rules.js'
import { validateDefinition } from '../../../src/journey/validate.js'
import { OFFER_TIMEOUT, bucket, createPolicy, type Decided, type NudgeMemory } from '../../../src/nudges/policy.js'
import type { NudgeDef, NudgePolicy } from '../../../src/nudges/types.js'

const H = 3600e3
const D = 24 * H
const T0 = Date.UTC(2026, 10, 1)
const always = { rule: { all: [] } }

/** A journey (stage `a`, then `b` on "go" with a path whose `invite` step is due in a day) with these nudges. */
function setup(nudges: Partial<NudgeDef>[], policy?: NudgePolicy) {
  const def = validateDefinition({
    id: 'j',
    version: '1.0',
    stages: [
      { id: 'a', entry: { all: [] } },
      {
        id: 'b',
        entry: { event: { name: 'go' } },
        stall: 'P3D',
        path: { basis: 200, steps: [{ id: 'invite', label: 'invite a teammate', match: { name: 'Invited' }, key: true, expectedWithin: 'P1D', share: 0.78 }] },
      },
    ],
    nudges: nudges.map((n, i) => ({ id: 'n' + i, trigger: always, slot: 'banner', ...n })),
    ...(policy && { policy }),
  })
  const engine = createEngine(def)
  const p = createPolicy(def, engine)
  let n = 0
  const ev = (name: string, t: number, extra: Partial<JourneyEvent> = {}): JourneyEvent => ({ type: 'track', event: name, messageId: 'm' + String(n++).padStart(4, '0'), anonymousId: 'anon-1', t, ...extra })
  let s: JourneyState = foldAll(engine, [ev('hello', T0)]).state
  let m: NudgeMemory | undefined
  const w = {
    def,
    p,
    get state() {
      return s
    },
    get memory() {
      return m
    },
    /** folds more events into the journey */
    fold(...events: [string, number, Partial<JourneyEvent>?][]) {
      s = foldAll(engine, events.map(([name, t, x]) => ev(name, t, x)), false, s).state
    },
    /** evaluates at `now` in `tab`, keeping the memory */
    run(now: number, o: { tab?: string; page?: string; cant?: 'no handler' | 'hidden'; session?: number } = {}): Decided {
      const r = p.evaluate(m, s, engine.snapshot(s, now), now, o.tab ?? 'tab1', o.page ?? '/', o.cant ?? '', o.session)
      m = r.memory
      return r
    },
    ack(kind: Parameters<typeof p.ack>[2], id: string, now: number, arg?: Parameters<typeof p.ack>[6], tab = 'tab1') {
      const r = p.ack(m, s, kind, id, now, tab, arg)
      m = r.m
      return r.derived
    },
    offered: (r: Decided) => r.offers.map((o) => o.nudge.id),
    why: (r: Decided) => Object.fromEntries(r.status.filter((x) => x.eligible && !x.showing).map((x) => [x.id, x.reason])),
  }
  return w
}

describe('nudge eligibility', () => {
  it('offers a nudge only in its stage, on its pages, to its audience, before it expires', () => {
    const w = setup([
      { stage: 'b' },
      { where: '/projects/:id', slot: 'modal' },
      { audience: { trait: { prop: 'role', op: 'eq', value: 'admin' } }, slot: 'popover' },
      { expiresAt: new Date(T0 + D).toISOString(), slot: 'tooltip' },
    ])
    const first = w.run(T0 + 1)
    expect(w.offered(first)).toEqual(['n3'])
    // why the others are not eligible (for the overlay): the first condition that fails
    expect(first.status.map((x) => [x.id, x.eligible, x.reason])).toEqual([
      ['n0', false, 'stage'],
      ['n1', false, 'page'],
      ['n2', false, 'audience'],
      ['n3', true, undefined],
    ])
    w.ack('dismissed', 'n3', T0 + 2, false)
    w.fold(['go', T0 + 10], ['x', T0 + 11, { type: 'identify', traits: { role: 'admin' } }])
    expect(w.offered(w.run(T0 + 20, { page: '/projects/42' })).sort()).toEqual(['n0', 'n1', 'n2'])
    const late = setup([{ expiresAt: new Date(T0 + D).toISOString() }])
    const r = late.run(T0 + D)
    expect(r.offers).toEqual([])
    expect(r.status[0]).toMatchObject({ eligible: false, reason: 'expired' })
  })

  it('fires on a path signal, with the explanation built from the path', () => {
    const w = setup([{ stage: 'b', trigger: { signal: 'stepOverdue', step: 'invite' } }])
    w.fold(['go', T0 + 1])
    const early = w.run(T0 + H)
    expect(early.offers).toEqual([])
    expect(early.status[0]!.reason).toBe('trigger')
    const [o] = w.run(T0 + 2 * D).offers
    expect(o).toMatchObject({ signal: 'stepOverdue', arm: 'treatment' })
    expect(o!.explanation).toBe('78% of 200 customers who reached b invite a teammate within 1 day.')
  })

  it('decides nothing before the first event: there is no customer yet to assign an arm to', () => {
    const w = setup([{ experiment: { control: 50 } }])
    const engine = createEngine(w.def)
    const fresh = engine.init()
    const r = w.p.evaluate(undefined, fresh, engine.snapshot(fresh, T0), T0, 'tab1', '/', '')
    expect(r.offers).toEqual([])
    expect(r.status[0]).toMatchObject({ eligible: false, reason: 'journey' })
    expect(r.derived).toEqual([])
    expect(r.memory.arm).toEqual({})
  })

  it('holds a nudge back while no handler listens in the tab or the tab is hidden, and offers it when it can be seen', () => {
    const w = setup([{}])
    const r = w.run(T0, { cant: 'no handler' })
    expect(r.offers).toEqual([])
    expect(w.why(r)).toEqual({ n0: 'no handler' })
    expect(w.why(w.run(T0 + 1, { cant: 'hidden' }))).toEqual({ n0: 'hidden' })
    expect(w.offered(w.run(T0 + 2))).toEqual(['n0'])
  })
})

describe('nudge policy', () => {
  it('ranks by priority, then signal urgency, then id; the loser is deferred, not lost', () => {
    const w = setup([{ id: 'zeta' }, { id: 'alpha' }, { id: 'vip', priority: 5 }, { id: 'idle', trigger: { signal: 'idle' } }, { id: 'late', trigger: { signal: 'stalled' } }])
    w.fold(['go', T0 + 1])
    // at +4 days: stalled (P3D) and idle hold; one banner slot
    let r = w.run(T0 + 4 * D)
    expect(w.offered(r)).toEqual(['vip'])
    expect(w.why(r)).toEqual({ zeta: 'outranked', alpha: 'outranked', idle: 'outranked', late: 'outranked' })
    const order: string[] = []
    for (let t = T0 + 4 * D + 1; order.length < 5; t++) {
      const [id] = w.offered(r)
      order.push(id!)
      w.ack('shown', id!, t)
      w.ack('dismissed', id!, t, false)
      r = w.run(t)
    }
    // stalled is more urgent than idle, signals before rules, then ids
    expect(order).toEqual(['vip', 'late', 'idle', 'alpha', 'zeta'])
  })

  it('one nudge per slot in a tab; other slots and other tabs are free, the same nudge shows in one tab', () => {
    const w = setup([{ id: 'a1' }, { id: 'a2' }, { id: 'm', slot: 'modal' }])
    expect(w.offered(w.run(T0, { tab: 'A' }))).toEqual(['a1', 'm'])
    w.ack('shown', 'a1', T0, undefined, 'A')
    const b = w.run(T0 + 1, { tab: 'B' })
    // a1 and m are on screen (or offered) in A; a2 may go to B's own banner slot
    expect(w.offered(b)).toEqual(['a2'])
    expect(b.status.filter((x) => x.showing).map((x) => x.id)).toEqual(['a1', 'a2', 'm'])
    // A's banner is busy with a1: a2 can't also show there
    w.ack('release', 'a2', T0 + 2, undefined, 'B')
    expect(w.why(w.run(T0 + 3, { tab: 'A' }))).toEqual({ a2: 'slot busy' })
  })

  it('keeps the minimum gap between any two shows', () => {
    const w = setup([{ id: 'x' }, { id: 'y', slot: 'modal' }], { minGap: 'PT10M' })
    let r = w.run(T0)
    expect(w.offered(r)).toEqual(['x'])
    expect(w.why(r)).toEqual({ y: 'outranked' })
    w.ack('shown', 'x', T0)
    w.ack('dismissed', 'x', T0 + 1, false)
    r = w.run(T0 + 10 * 6e4 - 1)
    expect(w.why(r)).toEqual({ y: 'gap', x: 'exited' })
    expect(w.offered(w.run(T0 + 10 * 6e4))).toEqual(['y'])
  })

  it('caps shows per scope (all, tag, slot) per period, and per session', () => {
    const w = setup(
      [
        { id: 'a', tags: ['growth'], frequency: { minInterval: 'PT1M' } },
        { id: 'b', tags: ['growth'], slot: 'modal', frequency: { minInterval: 'PT1M' } },
        { id: 'c', slot: 'popover', frequency: { minInterval: 'PT1M' } },
      ],
      { caps: [{ scope: 'tag:growth', max: 1, per: 'session' }, { scope: 'slot:popover', max: 1, per: 'P1D' }, { scope: 'all', max: 3, per: 'P7D' }] },
    )
    const show = (t: number) => {
      const r = w.run(t)
      for (const id of w.offered(r)) {
        w.ack('shown', id, t)
        w.ack('dismissed', id, t, 'PT1S')
      }
      return r
    }
    expect(w.offered(show(T0))).toEqual(['a', 'c'])
    // the session (30 minutes of activity) allows one growth nudge; the popover, one a day
    expect(w.why(show(T0 + 10 * 6e4))).toEqual({ a: 'cap', b: 'cap', c: 'cap' })
    // an hour of silence ends the session: a growth nudge again; the popover's day isn't over
    const r = show(T0 + 2 * H)
    expect(w.offered(r)).toEqual(['a'])
    expect(w.why(r)).toEqual({ b: 'outranked', c: 'cap' })
    // three shows in the week: everything is capped, in every session, until the week is over
    expect(w.why(show(T0 + 2 * D))).toEqual({ a: 'cap', b: 'cap', c: 'cap' })
    expect(w.offered(show(T0 + 7 * D + 1)).sort()).toEqual(['a', 'c'])
  })

  it("per-session limits count in the tracker's session (context.session.id) when there is one, not in 30 minutes of evaluations", () => {
    const w = setup([{ frequency: { perSession: 1 }, dismiss: { snooze: 'PT1S', maxSnoozes: 99 } }])
    const cycle = (t: number, session: number) => {
      const r = w.run(t, { session })
      if (r.offers[0]) {
        w.ack('shown', 'n0', t)
        w.ack('dismissed', 'n0', t)
      }
      return r
    }
    expect(w.offered(cycle(T0, 1))).toEqual(['n0'])
    // hours later, still the tracker's session 1 (another tab kept it alive): capped
    expect(w.why(cycle(T0 + 3 * H, 1))).toEqual({ n0: 'cap' })
    // a minute later, a new session (a reset, midnight, a shorter sessionTimeout): shown again
    expect(w.offered(cycle(T0 + 3 * H + 6e4, 2))).toEqual(['n0'])
  })

  it("frequency: a nudge's own max shows, shows per session and interval", () => {
    const w = setup([{ frequency: { maxShows: 2, perSession: 1, minInterval: 'PT10M' }, dismiss: { snooze: 'PT1S', maxSnoozes: 99 } }])
    const cycle = (t: number) => {
      const r = w.run(t)
      if (r.offers[0]) {
        w.ack('shown', 'n0', t)
        w.ack('dismissed', 'n0', t)
      }
      return r
    }
    expect(w.offered(cycle(T0))).toEqual(['n0'])
    expect(w.why(cycle(T0 + 6e4))).toEqual({ n0: 'cap' }) // one per session
    expect(w.offered(cycle(T0 + 2 * H))).toEqual(['n0']) // a new session
    expect(w.why(cycle(T0 + 5 * H))).toEqual({ n0: 'cap' }) // two ever
    expect(w.why(cycle(T0 + 50 * D))).toEqual({ n0: 'cap' })
    const g = setup([{ frequency: { minInterval: 'PT10M', perSession: 9 }, dismiss: { snooze: 'PT1S' } }])
    g.run(T0)
    g.ack('shown', 'n0', T0)
    g.ack('dismissed', 'n0', T0)
    expect(g.why(g.run(T0 + 5 * 6e4))).toEqual({ n0: 'gap' })
  })
})

describe('dismissal memory', () => {
  it('snoozes for the duration, then offers again; repeated snoozes become an exit', () => {
    const w = setup([{ dismiss: { snooze: 'P1D', maxSnoozes: 2 } }])
    let t = T0
    for (const expected of ['snooze', 'snooze', 'exit']) {
      expect(w.offered(w.run(t))).toEqual(['n0'])
      w.ack('shown', 'n0', t)
      const [d] = w.ack('dismissed', 'n0', t + 1)
      expect(d!.properties).toMatchObject({ action: expected })
      if (expected == 'snooze') {
        expect(d!.properties.until).toBe(new Date(t + 1 + D).toISOString())
        expect(w.why(w.run(t + D))).toEqual({ n0: 'snoozed' })
      }
      t += D + 2
    }
    expect(w.why(w.run(t + 100 * D))).toEqual({ n0: 'exited' })
  })

  it('the host chooses: snooze: true, a duration, or false (for good); a nudge without snooze ends', () => {
    const w = setup([{ id: 'x' }, { id: 'y', slot: 'modal', dismiss: { snooze: 'PT1H' } }, { id: 'z', slot: 'popover' }])
    w.run(T0)
    w.ack('dismissed', 'x', T0, true) // the default snooze: a day
    w.ack('dismissed', 'y', T0, false)
    w.ack('dismissed', 'z', T0, 'PT5M')
    expect(w.why(w.run(T0 + 6 * 6e4))).toEqual({ x: 'snoozed', y: 'exited' })
    expect(w.offered(w.run(T0 + D))).toEqual(['x', 'z'])
    const v = setup([{}])
    v.run(T0)
    expect(v.ack('dismissed', 'n0', T0)[0]!.properties.action).toBe('exit')
  })

  it('a click frees the slot (the nudge keeps to its frequency: once a session by default); completed ends it', () => {
    const w = setup([{ id: 'x', priority: 1 }, { id: 'y' }, { id: 'z', frequency: { perSession: 2 } }])
    expect(w.offered(w.run(T0))).toEqual(['x'])
    w.ack('shown', 'x', T0)
    const [c] = w.ack('clicked', 'x', T0 + 1, 'go')
    expect(c).toMatchObject({ event: 'Nudge Clicked', properties: { nudge: 'x', cta: 'go', show: 1 } })
    let r = w.run(T0 + 2)
    expect(w.offered(r)).toEqual(['y'])
    expect(w.why(r)).toEqual({ x: 'cap', z: 'outranked' })
    w.ack('shown', 'y', T0 + 2)
    w.ack('completed', 'y', T0 + 3)
    for (let i = 0; i < 2; i++) {
      expect(w.offered(w.run(T0 + 4 + i))).toEqual(['z'])
      w.ack('shown', 'z', T0 + 4 + i)
      w.ack('clicked', 'z', T0 + 4 + i)
    }
    r = w.run(T0 + 10)
    expect(r.offers).toEqual([])
    expect(w.why(r)).toEqual({ x: 'cap', y: 'exited', z: 'cap' })
    // a new session: x and z may show again (x first: priority); y is done for good
    r = w.run(T0 + 3600e3)
    expect(w.offered(r)).toEqual(['x'])
    expect(w.why(r)).toEqual({ y: 'exited', z: 'outranked' })
  })

  it('an offer never marked shown is released, not counted, and offered again', () => {
    const w = setup([{}], { caps: [{ scope: 'all', max: 1, per: 'P1D' }] })
    expect(w.offered(w.run(T0))).toEqual(['n0'])
    // still waiting for its ack: not offered twice
    expect(w.run(T0 + OFFER_TIMEOUT - 1).offers).toEqual([])
    const again = w.run(T0 + OFFER_TIMEOUT + 1)
    expect(w.offered(again)).toEqual(['n0'])
    expect(again.status[0]!.shows).toBe(0)
    // the tab releases it itself (the host's target was missing): free at once, still 0 shows,
    // and not offered again on that page of that tab; another page or tab may show it
    w.ack('release', 'n0', T0 + OFFER_TIMEOUT + 2)
    const here = w.run(T0 + OFFER_TIMEOUT + 3)
    expect(here.offers).toEqual([])
    expect(w.why(here)).toEqual({ n0: 'released' })
    expect(w.offered(w.run(T0 + OFFER_TIMEOUT + 4, { tab: 'tab2' }))).toEqual(['n0'])
    w.ack('release', 'n0', T0 + OFFER_TIMEOUT + 5, undefined, 'tab2')
    expect(w.offered(w.run(T0 + OFFER_TIMEOUT + 6, { page: '/projects' }))).toEqual(['n0'])
    w.ack('shown', 'n0', T0 + OFFER_TIMEOUT + 7)
    expect(w.memory!.c.n0![0]).toBe(1)
    expect(w.memory!.rel).toEqual({})
  })

  it('a tab that goes away frees what it showed', () => {
    const w = setup([{ frequency: { perSession: 9 } }])
    w.run(T0, { tab: 'A' })
    w.ack('shown', 'n0', T0, undefined, 'A')
    expect(w.run(T0 + 1, { tab: 'B' }).offers).toEqual([])
    w.ack('leave', '', T0 + 2, undefined, 'A')
    expect(w.offered(w.run(T0 + 3, { tab: 'B' }))).toEqual(['n0'])
  })
})

describe('holdouts and arms', () => {
  it('a control arm is shown nothing but charged like a show (a ghost impression)', () => {
    const w = setup([{ id: 'ctl', priority: 1, experiment: { control: 100 } }, { id: 'other', slot: 'modal' }], { caps: [{ scope: 'all', max: 1, per: 'P1D' }] })
    const r = w.run(T0)
    expect(r.offers).toEqual([])
    expect(w.why(r)).toEqual({ ctl: 'control', other: 'outranked' })
    expect(r.derived.map((d) => [d.event, d.properties.nudge, d.properties.arm, d.properties.ghost ?? false])).toEqual([
      ['Nudge Eligible', 'ctl', 'control', false],
      ['Nudge Eligible', 'other', 'treatment', false],
      ['Nudge Shown', 'ctl', 'control', true],
    ])
    // the ghost took the day's only show: the treatment nudge is capped as it would be
    expect(w.why(w.run(T0 + H))).toEqual({ ctl: 'cap', other: 'cap' })
  })

  it('a global holdout sees no nudge at all, and its exposures are recorded', () => {
    const w = setup([{ id: 'x' }, { id: 'y', slot: 'modal' }], { holdout: 100 })
    const r = w.run(T0)
    expect(r.offers).toEqual([])
    expect(r.derived.filter((d) => d.event == 'Nudge Shown').map((d) => [d.properties.nudge, d.properties.arm])).toEqual([
      ['x', 'holdout'],
      ['y', 'holdout'],
    ])
  })

  it('assigns the arm at first eligibility and keeps it, even if the experiment changes', () => {
    const w = setup([{ stage: 'b', experiment: { control: 50 } }])
    expect(w.run(T0).derived).toEqual([]) // not eligible in stage a: no arm yet
    expect(w.memory!.arm).toEqual({})
    w.fold(['go', T0 + 1])
    const first = w.run(T0 + 2).derived.filter((d) => d.event == 'Nudge Eligible')
    expect(first).toHaveLength(1)
    const arm = first[0]!.properties.arm
    expect(arm).toBe(bucket('anon-1|j|n0') < 50 ? 'control' : 'treatment')
    // Eligible is sent once per assignment, not per evaluation
    expect(w.run(T0 + 3).derived.filter((d) => d.event == 'Nudge Eligible')).toEqual([])
    // a new definition with a 0% or 100% control keeps the stored arm
    for (const control of [0, 100]) {
      const v = setup([{ stage: 'b', experiment: { control } }])
      v.fold(['go', T0 + 1])
      const r = v.p.evaluate(w.memory, w.state, createEngine(v.def).snapshot(w.state, T0 + 4), T0 + 4, 'tab1', '/', '')
      expect(r.status[0]!.arm).toBe(arm)
    }
  })

  it('buckets are uniform: a 20% control gets about 20% of 10,000 customers', () => {
    let control = 0
    for (let i = 0; i < 10000; i++) if (bucket(`anon-${i}|j|n0`) < 20) control++
    expect(control).toBeGreaterThan(1850)
    expect(control).toBeLessThan(2150)
  })
})

describe('nudge events', () => {
  it('have deterministic ids: the same history and acks give the same ids', () => {
    const play = () => {
      const w = setup([{ goal: { rule: { event: { name: 'Invited' } }, within: 'P1D' } }])
      const out = [...w.run(T0).derived]
      out.push(...w.ack('shown', 'n0', T0 + 1), ...w.ack('clicked', 'n0', T0 + 2, 'cta'))
      w.fold(['Invited', T0 + 3])
      out.push(...w.run(T0 + 4).derived)
      return out
    }
    const a = play()
    expect(a.map((d) => d.event)).toEqual(['Nudge Eligible', 'Nudge Shown', 'Nudge Clicked', 'Nudge Completed'])
    expect(a.at(-1)!.properties).toMatchObject({ via: 'goal', arm: 'treatment', show: 1 })
    expect(play().map((d) => d.messageId)).toEqual(a.map((d) => d.messageId))
    expect(new Set(a.map((d) => d.messageId)).size).toBe(4)
  })

  it('a goal counts only if it comes to hold within the window after the show', () => {
    const w = setup([{ goal: { rule: { event: { name: 'Invited' } }, within: 'PT1H' } }])
    w.run(T0)
    w.ack('shown', 'n0', T0)
    w.fold(['Invited', T0 + 2 * H])
    expect(w.run(T0 + 2 * H).derived).toEqual([])
    // already true when shown: the nudge did not cause it
    const v = setup([{ goal: { rule: { event: { name: 'Invited' } }, within: 'PT1H' } }])
    v.fold(['Invited', T0])
    v.run(T0 + 1)
    v.ack('shown', 'n0', T0 + 1)
    expect(v.run(T0 + 2).derived).toEqual([])
  })

  it('never mutates the memory it is given', () => {
    const w = setup([{}])
    w.run(T0)
    const before = JSON.stringify(w.memory)
    const m = w.memory
    w.p.evaluate(m, w.state, createEngine(w.def).snapshot(w.state, T0 + 1), T0 + 1, 'tab1', '/', '')
    w.p.ack(m, w.state, 'shown', 'n0', T0 + 1, 'tab1')
    expect(JSON.stringify(m)).toBe(before)
  })
})
