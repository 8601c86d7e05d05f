import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { createEngine, foldAll, type JourneyState } from '../../../src/journey/engine.js'
import type { JourneyEvent } from '../../../src/journey/rules.js'
import type { FilterOp, JourneyDefinition, Rule, StageDef } from '../../../src/journey/types.js'

const H = 36e5
const D = 24 * H
let seq = 0
/** An event at `t` ms; ids sort in creation order, like UUIDv7 within one tab. */
const ev = (name: string, t: number, properties: Record<string, unknown> = {}, type = 'track'): JourneyEvent => ({
  type,
  ...(type == 'page' ? { name } : { event: name }),
  ...(type == 'identify' ? { traits: properties as never } : { properties: properties as never }),
  messageId: 'm' + String(++seq).padStart(6, '0'),
  anonymousId: 'anon-1',
  t,
})

const def = (stages: Partial<StageDef>[], extra: Partial<JourneyDefinition> = {}): JourneyDefinition => ({
  id: 'test',
  version: '1.0',
  stages: stages.map((s, i) => ({ id: s.id || 'S' + i, entry: { all: [] }, ...s })),
  ...extra,
})

/** Folds events in order and returns the stage ids the customer went through. */
const path = (d: JourneyDefinition, events: JourneyEvent[]) => {
  const r = foldAll(createEngine(d), events)
  return r.state.history.map((h) => h.to)
}
const stageAfter = (d: JourneyDefinition, events: JourneyEvent[]) => path(d, events).at(-1) ?? null

/** A two-stage journey whose second stage is entered when `rule` holds. */
const when = (rule: Rule, extra: Partial<JourneyDefinition> = {}) => def([{ id: 'A' }, { id: 'B', entry: rule }], extra)

describe('rule kinds', () => {
  it.each<[string, Rule, JourneyEvent[], boolean]>([
    ['event by name', { event: { name: 'X' } }, [ev('X', 1)], true],
    ['event by name, other name', { event: { name: 'X' } }, [ev('Y', 1)], false],
    ['event by type', { event: { type: 'page' } }, [ev('Home', 1, {}, 'page')], true],
    ['page name matches `name`', { event: { name: 'Home', type: 'page' } }, [ev('Home', 1, { path: '/' }, 'page')], true],
    ['event count', { event: { name: 'X', count: 3 } }, [ev('X', 1), ev('X', 2)], false],
    ['event count reached', { event: { name: 'X', count: 3 } }, [ev('X', 1), ev('X', 2), ev('X', 3)], true],
    ['count within window', { event: { name: 'X', count: 2, within: 'PT1H' } }, [ev('X', 0), ev('X', 2 * H)], false],
    ['count within window, close', { event: { name: 'X', count: 2, within: 'PT1H' } }, [ev('X', 0), ev('X', H / 2)], true],
    ['sliding window keeps the latest', { event: { name: 'X', count: 2, within: 'PT1H' } }, [ev('X', 0), ev('X', 2 * H), ev('X', 2.5 * H)], true],
    ['trait', { trait: { prop: 'role', op: 'eq', value: 'admin' } }, [ev('identify', 1, { role: 'admin' }, 'identify')], true],
    ['trait missing', { trait: { prop: 'role', op: 'eq', value: 'admin' } }, [ev('X', 1)], false],
    ['page pattern :param', { page: '/projects/:id' }, [ev('P', 1, { path: '/projects/42' }, 'page')], true],
    ['page pattern *', { page: '/docs/*' }, [ev('P', 1, { path: '/docs/a/b' }, 'page')], true],
    ['page pattern miss', { page: '/projects/:id' }, [ev('P', 1, { path: '/projects/42/edit' }, 'page')], false],
    ['all', { all: [{ event: { name: 'X' } }, { event: { name: 'Y' } }] }, [ev('X', 1), ev('Y', 2)], true],
    ['all, one missing', { all: [{ event: { name: 'X' } }, { event: { name: 'Y' } }] }, [ev('X', 1)], false],
    ['any', { any: [{ event: { name: 'X' } }, { event: { name: 'Y' } }] }, [ev('Y', 1)], true],
    // (a bare `not` holds before any event, so the load tick would enter B: pair it with Y)
    ['not', { all: [{ event: { name: 'Y' } }, { not: { event: { name: 'X' } } }] }, [ev('Y', 1)], true],
    ['not, negated', { all: [{ event: { name: 'Y' } }, { not: { event: { name: 'X' } } }] }, [ev('X', 1), ev('Y', 2)], false],
    ['ref', { ref: 'hasX' }, [ev('X', 1)], true],
  ])('%s', (_name, rule, events, entered) => {
    expect(stageAfter(when(rule, { predicates: { hasX: { event: { name: 'X' } } } }), events)).toBe(entered ? 'B' : 'A')
  })

  it.each<[FilterOp, unknown, unknown, boolean]>([
    ['eq', 'pro', 'pro', true],
    ['eq', 'pro', 'free', false],
    ['eq', 3, '3', false], // no type coercion
    ['neq', 'pro', 'free', true],
    ['in', ['pro', 'team'], 'team', true],
    ['in', ['pro', 'team'], 'free', false],
    ['nin', ['pro', 'team'], 'free', true],
    ['gt', 10, 11, true],
    ['gt', 10, 10, false],
    ['gte', 10, 10, true],
    ['lt', 10, 9, true],
    ['lte', 10, 11, false],
    ['gt', 10, '11', false], // numbers compare with numbers only
    ['gt', '2026-01-01', '2026-02-01', true], // strings with strings
    ['contains', 'pro', 'enterprise pro', true],
    ['contains', 'x', ['a', 'x'], true],
    ['contains', 'y', ['a', 'x'], false],
    ['startsWith', 'https', 'https://a', true],
    ['endsWith', '.pdf', 'file.pdf', true],
    ['endsWith', '.pdf', 42, false],
    ['exists', undefined, 0, true],
    ['exists', undefined, undefined, false],
    ['notExists', undefined, undefined, true],
    ['notExists', undefined, 'x', false],
  ])('filter %s %j on %j → %s', (op, value, actual, ok) => {
    const rule: Rule = { event: { name: 'X', where: [{ prop: 'a.b', op, ...(value !== undefined && { value: value as never }) }] } }
    const props = actual === undefined ? { a: {} } : { a: { b: actual } }
    expect(stageAfter(when(rule), [ev('X', 1, props)])).toBe(ok ? 'B' : 'A')
  })

  it('filters never reach the prototype chain', () => {
    const rule: Rule = { event: { name: 'X', where: [{ prop: 'toString', op: 'exists' }] } }
    expect(stageAfter(when(rule), [ev('X', 1, {})])).toBe('A')
  })
})

describe('sequences', () => {
  const steps = [{ name: 'A' }, { name: 'B' }, { name: 'C' }]
  it.each<[string, 'ordered' | 'strict' | 'any', string[], boolean]>([
    ['ordered', 'ordered', ['A', 'B', 'C'], true],
    ['ordered, others between', 'ordered', ['A', 'x', 'B', 'y', 'C'], true],
    ['ordered, wrong order', 'ordered', ['B', 'A', 'C'], false],
    ['ordered, restart', 'ordered', ['A', 'C', 'A', 'B', 'C'], true],
    ['strict', 'strict', ['A', 'B', 'C'], true],
    ['strict, others between', 'strict', ['A', 'x', 'B', 'C'], false],
    ['strict, restart after a break', 'strict', ['A', 'x', 'A', 'B', 'C'], true],
    ['any', 'any', ['C', 'A', 'B'], true],
    ['any, one missing', 'any', ['C', 'A', 'C'], false],
  ])('%s', (_name, mode, names, ok) => {
    const events = names.map((n, i) => ev(n, i * 1000))
    expect(stageAfter(when({ sequence: { steps, mode } }), events)).toBe(ok ? 'B' : 'A')
  })

  it.each(['ordered', 'strict', 'any'] as const)('%s: `within` runs from the first step', (mode) => {
    const rule: Rule = { sequence: { steps, mode, within: 'PT1H' } }
    expect(stageAfter(when(rule), [ev('A', 0), ev('B', H / 2), ev('C', 2 * H)])).toBe('A')
    expect(stageAfter(when(rule), [ev('A', 0), ev('B', H / 4), ev('C', H / 2)])).toBe('B')
  })

  it('ordered with a window keeps the latest start: a stale A does not spoil a fresh A B C', () => {
    const rule: Rule = { sequence: { steps, within: 'PT1H' } }
    expect(stageAfter(when(rule), [ev('A', 0), ev('A', 5 * H), ev('B', 5.2 * H), ev('C', 5.4 * H)])).toBe('B')
  })
})

describe('time: absent, inStage, ticks', () => {
  it('absent becomes true on a tick once nothing matched for the duration, counted from stage entry', () => {
    const d = when({ absent: { name: 'Login', for: 'P3D' } })
    const e = createEngine(d)
    let s = foldAll(e, [ev('Start', 0)]).state
    expect(e.snapshot(s, 0).stage).toBe('A')
    s = e.tick(s, 2 * D).state
    expect(e.snapshot(s, 2 * D).stage).toBe('A')
    const r = e.tick(s, 3 * D)
    expect(e.snapshot(r.state, 3 * D).stage).toBe('B')
    expect(r.derived[0]).toMatchObject({ event: 'Journey Stage Entered', properties: { from: 'A', to: 'B', cause: 'tick' }, t: 3 * D })
  })

  it('a match restarts the absent clock', () => {
    const e = createEngine(when({ absent: { name: 'Login', for: 'P3D' } }))
    let s = foldAll(e, [ev('Start', 0), ev('Login', 2 * D)]).state
    s = e.tick(s, 4 * D).state
    expect(e.snapshot(s, 4 * D).stage).toBe('A')
    s = e.tick(s, 5 * D).state
    expect(e.snapshot(s, 5 * D).stage).toBe('B')
  })

  it('inStage measures time in the current stage', () => {
    const e = createEngine(def([{ id: 'A' }, { id: 'B', entry: { all: [{ inStage: 'P1D' }, { event: { name: 'Go' } }] } }]))
    let s = foldAll(e, [ev('Start', 0), ev('Go', H)]).state
    expect(e.snapshot(s, H).stage).toBe('A')
    s = e.tick(s, D).state
    expect(e.snapshot(s, D).stage).toBe('B')
  })

  it('a tick earlier than the last event does not move time backwards', () => {
    const e = createEngine(when({ inStage: 'PT1H' }))
    const s = foldAll(e, [ev('Start', 0), ev('Later', 2 * H)]).state
    const r = e.tick(s, 0)
    expect(r.derived).toEqual([])
    expect(e.snapshot(r.state, 2 * H).stage).toBe('B')
  })
})

describe('stages', () => {
  const funnel = def([
    { id: 'visitor' },
    { id: 'signup', entry: { event: { name: 'Signed Up' } } },
    { id: 'activated', entry: { event: { name: 'Project Created' } }, demote: { event: { name: 'Project Deleted' } } },
    { id: 'adopted', entry: { event: { name: 'Teammate Invited' } } },
    { id: 'paying', entry: { event: { name: 'Subscribed' } } },
  ])

  it('enters the first stage whose entry holds, then moves forward', () => {
    expect(path(funnel, [ev('Visit', 0), ev('Signed Up', 1), ev('Project Created', 2)])).toEqual(['visitor', 'signup', 'activated'])
  })

  it('is forward-only: an earlier stage entry does not move back', () => {
    expect(path(funnel, [ev('Visit', 0), ev('Project Created', 1), ev('Signed Up', 2)])).toEqual(['visitor', 'activated'])
  })

  it('jumps to the furthest stage whose entry holds and records the skipped ones', () => {
    const r = foldAll(createEngine(funnel), [ev('Visit', 0), ev('Subscribed', 1)])
    expect(r.state.history.at(-1)).toMatchObject({ from: 'visitor', to: 'paying', skipped: ['signup', 'activated', 'adopted'] })
  })

  it('moves back one stage only through a demote rule', () => {
    const events = [ev('Visit', 0), ev('Signed Up', 1), ev('Project Created', 2), ev('Project Deleted', 3)]
    const r = foldAll(createEngine(funnel), events)
    expect(r.state.history.map((h) => h.to)).toEqual(['visitor', 'signup', 'activated', 'signup'])
    expect(r.state.history.at(-1)!.cause).toBe('demote:' + events[3]!.messageId)
  })

  it('checks exits first, and stops after an exit', () => {
    const d = def([{ id: 'A' }, { id: 'B', entry: { event: { name: 'Go' } } }], { exits: [{ id: 'churned', when: { event: { name: 'Go', where: [{ prop: 'cancel', op: 'eq', value: true }] } } }] })
    const r = foldAll(createEngine(d), [ev('Start', 0), ev('Go', 1, { cancel: true }), ev('Go', 2)])
    expect(r.state.exited).toEqual({ id: 'churned', at: 1 })
    expect(r.state.history.map((h) => h.to)).toEqual(['A'])
    expect(r.derived.map((x) => x.event)).toEqual(['Journey Stage Entered', 'Journey Exited'])
  })

  it('the host can assert a later stage, not an earlier one', () => {
    const e = createEngine(funnel)
    const s = foldAll(e, [ev('Visit', 0), ev('Signed Up', 1)]).state
    expect(e.assert(s, 'visitor', 5).derived).toEqual([])
    const r = e.assert(s, 'adopted', 5)
    expect(r.state.history.at(-1)).toMatchObject({ from: 'signup', to: 'adopted', cause: 'host', skipped: ['activated'] })
  })

  it('reaches the goal once', () => {
    const d = when({ event: { name: 'Go' } }, { goal: { event: { name: 'Paid' } } })
    const r = foldAll(createEngine(d), [ev('Start', 0), ev('Paid', 1), ev('Paid', 2)])
    expect(r.derived.filter((x) => x.event == 'Journey Goal Reached')).toHaveLength(1)
    expect(r.state.goal).toBe(1)
  })

  it('since: "stage" counts only events after entering the current stage', () => {
    const d = def([{ id: 'A' }, { id: 'B', entry: { event: { name: 'Go' } } }, { id: 'C', entry: { event: { name: 'X', count: 2, since: 'stage' } } }])
    expect(stageAfter(d, [ev('Start', 0), ev('X', 1), ev('Go', 2), ev('X', 3)])).toBe('B')
    expect(stageAfter(d, [ev('Start', 0), ev('X', 1), ev('Go', 2), ev('X', 3), ev('X', 4)])).toBe('C')
  })
})

describe('ordering, duplicates and ids', () => {
  const d = def([{ id: 'A' }, { id: 'B', entry: { sequence: { steps: [{ name: 'X' }, { name: 'Y' }] } } }])

  it('fold refuses an event older than the last one (the caller re-folds) and a duplicate', () => {
    const e = createEngine(d)
    const [x, y] = [ev('X', 10), ev('Y', 20)]
    const s = e.fold(e.init(), y).state
    expect(e.fold(s, x).late).toBe(true)
    expect(e.fold(s, y).late).toBe(true)
  })

  it('ties on timestamp are ordered by messageId', () => {
    const x = ev('X', 5)
    const y = ev('Y', 5) // later id, same ms
    expect(stageAfter(d, [y, x])).toBe('B')
  })

  it('dedupes by messageId', () => {
    const x = ev('X', 1)
    const r = foldAll(createEngine(when({ event: { name: 'X', count: 2 } })), [ev('S', 0), x, { ...x }])
    expect(r.state.history.map((h) => h.to)).toEqual(['A'])
  })

  it('derived ids are deterministic, per customer, and independent of what found the transition', () => {
    const e = createEngine(when({ inStage: 'PT1H' }))
    const a = foldAll(e, [ev('S', 0), ev('T', 2 * H)])
    const b = foldAll(e, [ev('S', 0), ev('T', 2 * H)].map((x) => ({ ...x })))
    expect(b.derived.map((x) => x.messageId)).toEqual(a.derived.map((x) => x.messageId))
    // live: a tick found the transition before the second event did
    const live = e.tick(foldAll(e, [ev('S', 0)]).state, H)
    expect(live.derived[0]!.messageId).toBe(a.derived[1]!.messageId)
    const other = foldAll(e, [{ ...ev('S', 0), anonymousId: 'anon-2' }, ev('T', 2 * H)])
    expect(other.derived[0]!.messageId).not.toBe(a.derived[0]!.messageId)
    expect(a.derived[0]!.messageId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })

  it('marks transitions found by a re-fold under a new version as backfill, with the same ids', () => {
    const events = [ev('S', 0), ev('X', 1), ev('Y', 2)]
    const v1 = foldAll(createEngine(d), events)
    const v2 = foldAll(createEngine({ ...d, version: '1.1' }), events, true)
    expect(v2.state.history.every((h) => h.backfill)).toBe(true)
    expect(v2.derived.map((x) => x.messageId)).toEqual(v1.derived.map((x) => x.messageId))
  })

  it('never mutates the state it is given', () => {
    const e = createEngine(d)
    const s0 = e.init()
    const frozen = JSON.stringify(s0)
    e.fold(s0, ev('X', 1))
    expect(JSON.stringify(s0)).toBe(frozen)
  })
})

describe('recommended path: progress, next step, signals', () => {
  const d: JourneyDefinition = {
    id: 'saas',
    version: '1.0',
    stages: [
      { id: 'trial', entry: { all: [] } },
      {
        id: 'adoption',
        name: 'Adoption',
        entry: { event: { name: 'Project Created' } },
        stall: 'P5D',
        path: {
          basis: 1200,
          idleAfter: 'PT30M',
          steps: [
            { id: 'invite', label: 'invited a teammate', match: { name: 'Teammate Invited' }, key: true, expectedWithin: 'P2D', share: 0.78, next: { integrate: 0.6, report: 0.05 } },
            { id: 'integrate', label: 'connected an integration', match: { name: 'Integration Added' }, key: true, expectedWithin: 'P4D' },
            { id: 'report', label: 'shared a report', match: { name: 'Report Shared' } },
          ],
        },
      },
    ],
  }
  const e = createEngine(d)
  const base = [ev('Start', 0), ev('Project Created', H)]

  it('counts key steps for progress and proposes the likeliest next step', () => {
    const s = foldAll(e, [...base, ev('Teammate Invited', 2 * H)]).state
    const snap = e.snapshot(s, 2 * H)
    expect(snap).toMatchObject({ stage: 'adoption', progress: 0.5, next: { id: 'integrate', label: 'connected an integration' }, signals: [] })
  })

  it('never proposes a step under 10% likely as the next one, and none once every key step is done', () => {
    // after invite, report is 5% likely (taking it is offPath): integrate is proposed
    const s = foldAll(e, [...base, ev('Teammate Invited', 2 * H), ev('Integration Added', 3 * H)]).state
    expect(e.snapshot(s, 3 * H)).toMatchObject({ progress: 1, next: null })
  })

  it('emits Journey Step Completed once per step', () => {
    const r = foldAll(e, [...base, ev('Teammate Invited', 2 * H), ev('Teammate Invited', 3 * H)])
    expect(r.derived.filter((x) => x.event == 'Journey Step Completed').map((x) => x.properties.step)).toEqual(['invite'])
  })

  it('stepOverdue explains itself with the path figures', () => {
    const s = foldAll(e, base).state
    const sig = e.snapshot(s, H + 2 * D + 1).signals.find((x) => x.kind == 'stepOverdue')
    expect(sig).toEqual({ kind: 'stepOverdue', step: 'invite', explanation: '78% of 1200 customers who reached Adoption invited a teammate within 2 days.' })
  })

  it('stalled, idle, skippedKeyStep and offPath', () => {
    const s = foldAll(e, [...base, ev('Teammate Invited', 2 * H), ev('Report Shared', 3 * H)]).state
    const kinds = (now: number) => e.snapshot(s, now).signals.map((x) => x.kind)
    expect(kinds(3 * H)).toEqual(['skippedKeyStep', 'offPath'])
    expect(e.snapshot(s, 3 * H).signals.find((x) => x.kind == 'offPath')!.explanation).toBe('Only 5% of customers shared a report at this point of Adoption.')
    expect(kinds(3 * H + 31 * 6e4)).toContain('idle')
    expect(kinds(3 * H + 5 * D)).toContain('stalled')
  })
})

describe('properties', () => {
  const d = def(
    [
      { id: 'A' },
      { id: 'B', entry: { event: { name: 'x', count: 2 } } },
      { id: 'C', entry: { sequence: { steps: [{ name: 'y' }, { name: 'z' }], within: 'PT10S' } }, demote: { event: { name: 'w' } } },
      { id: 'D', entry: { all: [{ absent: { name: 'x', for: 'PT20S' } }, { ref: 'zz' }] } },
    ],
    { predicates: { zz: { event: { name: 'z', count: 2 } } }, exits: [{ id: 'gone', when: { event: { name: 'q', count: 3 } } }] },
  )
  const e = createEngine(d)
  const arb = fc.array(fc.record({ name: fc.constantFrom('x', 'y', 'z', 'w', 'q', 'n'), t: fc.integer({ min: 0, max: 60_000 }) }), { maxLength: 40 })
  const build = (raw: { name: string; t: number }[]) => raw.map((r, i) => ({ type: 'track', event: r.name, messageId: 'id' + String(i).padStart(3, '0'), anonymousId: 'a', t: r.t }))

  it('any permutation of a history folds to the same state and the same derived events', () => {
    fc.assert(
      fc.property(arb.chain((raw) => fc.tuple(fc.constant(build(raw)), fc.shuffledSubarray(build(raw), { minLength: raw.length, maxLength: raw.length }))), ([events, shuffled]) => {
        const a = foldAll(e, events)
        const b = foldAll(e, shuffled)
        expect(b.state).toEqual(a.state)
        expect(b.derived).toEqual(a.derived)
      }),
      { numRuns: 300 },
    )
  })

  it('folding the same history twice emits the same ids', () => {
    fc.assert(
      fc.property(arb, (raw) => {
        const events = build(raw)
        expect(foldAll(e, events).derived.map((x) => x.messageId)).toEqual(foldAll(e, events.map((x) => ({ ...x }))).derived.map((x) => x.messageId))
      }),
      { numRuns: 200 },
    )
  })

  it('state survives a JSON round trip (it is persisted) and folding goes on identically', () => {
    fc.assert(
      fc.property(arb, arb, (a, b) => {
        const first = build(a)
        const second = build(b).map((x) => ({ ...x, t: x.t + 60_001, messageId: 'z' + x.messageId }))
        const direct = foldAll(e, [...first, ...second]).state
        let s: JourneyState = JSON.parse(JSON.stringify(foldAll(e, first).state))
        for (const x of [...second].sort((p, q) => p.t - q.t || (p.messageId < q.messageId ? -1 : 1))) s = e.fold(s, x).state
        expect(s).toEqual(direct)
      }),
      { numRuns: 200 },
    )
  })
})
