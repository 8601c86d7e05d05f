// @vitest-environment node
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { checkDefinition } from '../../../src/journey/check.js'
import { createEngine, type JourneyState } from '../../../src/journey/engine.js'
import type { JourneyEvent } from '../../../src/journey/rules.js'
import type { JourneyDefinition, Rule } from '../../../src/journey/types.js'
import { definitionErrors } from '../../../src/journey/validate.js'
import { createPolicy } from '../../../src/nudges/policy.js'
import type { NudgeMemory } from '../../../src/nudges/memory.js'
import { INVALID, VALID } from '../../fixtures/journeys.js'

// The runtime's structural check promises one thing: whatever it lets through, the engine
// and the nudge policy run without throwing. And it must never refuse a valid definition.

const EXAMPLE = JSON.parse(readFileSync(new URL('../../../examples/journeys/saas-onboarding.json', import.meta.url), 'utf8')) as JourneyDefinition
const T0 = Date.UTC(2026, 0, 1)
const DAY = 864e5

/** The strings under `name` keys in `doc`: event names its rules look for. */
function names(doc: unknown, out = new Set<string>(['Signed Up', 'A', 'B']), seen = new Set<unknown>()): Set<string> {
  if (!doc || typeof doc != 'object' || seen.has(doc) || out.size > 50) return out
  seen.add(doc)
  for (const [k, v] of Object.entries(doc)) {
    if (k == 'name' && typeof v == 'string') out.add(v)
    names(v, out, seen)
  }
  return out
}

/** Events that give the rules of `doc` something to match: every name, as a track and a page, then traits. */
function eventsFor(doc: unknown): JourneyEvent[] {
  const props = { plan: 'pro', seats: 3, tags: ['a', 42], path: '/projects/1', source: 'csv', cart: { total: 12 } }
  const events: JourneyEvent[] = [...names(doc)].slice(0, 40).flatMap((name, i): JourneyEvent[] => [
    { type: 'track', event: name, properties: props, messageId: 't' + i, anonymousId: 'anon', t: T0 + i * 6e4 },
    { type: 'page', name, properties: props, messageId: 'p' + i, anonymousId: 'anon', t: T0 + i * 6e4 + 1 },
  ])
  events.push({ type: 'identify', traits: { role: 'admin', email: 'ops+x@y.dev', plan: 'pro', seats: 2 }, messageId: 'i', userId: 'u', t: T0 + DAY })
  return events
}

/** Everything the tracker does with a definition: compile, fold, tick, snapshot, assert, and the nudge policy. */
function run(doc: unknown): void {
  const def = doc as JourneyDefinition
  const engine = createEngine(def)
  let s: JourneyState = engine.init()
  s = engine.tick(s, T0).state
  for (const e of eventsFor(doc)) s = engine.fold(s, e).state
  for (const now of [T0 + 2 * DAY, T0 + 40 * DAY]) {
    s = engine.tick(s, now).state
    engine.snapshot(s, now)
  }
  for (const st of def.stages) engine.assert(s, st.id, T0 + 41 * DAY)
  if (!def.nudges?.[0]) return
  const policy = createPolicy(def, engine)
  let m: NudgeMemory | undefined
  for (const [now, page] of [[T0 + 41 * DAY, '/projects/1'], [T0 + 42 * DAY, undefined]] as const) {
    m = policy.evaluate(m, s, engine.snapshot(s, now), now, 'tab', page, '').memory
    for (const n of def.nudges)
      for (const kind of ['shown', 'clicked', 'dismissed', 'completed', 'release', 'leave'] as const) m = policy.ack(m, s, kind, n.id, now, 'tab', kind == 'dismissed' ? true : 'cta').m
  }
}

const runs = (doc: unknown) => {
  try {
    run(doc)
    return ''
  } catch (e) {
    return String(e)
  }
}

describe('checkDefinition', () => {
  it.each(Object.entries(VALID))('passes %s, which runs', (_, doc) => {
    expect(checkDefinition(doc)).toBeUndefined()
    expect(runs(doc)).toBe('')
  })

  it('passes the example definition, which runs', () => {
    expect(checkDefinition(EXAMPLE)).toBeUndefined()
    expect(runs(EXAMPLE)).toBe('')
  })

  it.each(INVALID)('refuses, or runs: $error', ({ doc }) => {
    const why = checkDefinition(doc)
    if (why === undefined) expect(runs(doc)).toBe('')
    else expect(why).toMatch(/^[^:]+: [a-z]/)
  })

  it.each([
    [null, '(root): object expected'],
    [[], '(root): object expected'],
    [{ stages: [] }, 'id: string expected'],
    [{ id: 'j' }, 'stages: array expected'],
    [{ id: 'j', stages: [] }, 'stages: empty'],
    [{ id: 'j', stages: [{ id: 'a', entry: { all: [] } }, { id: 'a', entry: { all: [] } }] }, 'stages[1].id: missing or duplicate id'],
    [{ id: 'j', stages: [{ id: 1, entry: { all: [] } }] }, 'stages[0].id: missing or duplicate id'],
    [{ id: 'j', stages: [{ id: 'a' }] }, 'stages[0].entry: object expected'],
    [{ id: 'j', stages: [{ id: 'a', entry: { evnt: {} } }] }, 'stages[0].entry: not a rule'],
    [{ id: 'j', stages: [{ id: 'a', entry: { event: {}, page: '/' } }] }, 'stages[0].entry: not a rule'],
    [{ id: 'j', stages: [{ id: 'a', entry: { all: {} } }] }, 'stages[0].entry.all: array expected'],
    [{ id: 'j', stages: [{ id: 'a', entry: { event: { where: [{ op: 'exists' }] } } }] }, 'stages[0].entry.event.where[0].prop: string expected'],
    [{ id: 'j', stages: [{ id: 'a', entry: { trait: { prop: 'a', op: 'in', value: 'pro' } } }] }, 'stages[0].entry.trait.value: array expected'],
    [{ id: 'j', stages: [{ id: 'a', entry: { sequence: { steps: [], mode: 'strict' } } }] }, 'stages[0].entry.sequence.steps: empty'],
    [{ id: 'j', stages: [{ id: 'a', entry: { page: 5 } }] }, 'stages[0].entry.page: string expected'],
    [{ id: 'j', stages: [{ id: 'a', entry: { ref: 'toString' } }] }, 'stages[0].entry.ref: unknown predicate'],
    [{ id: 'j', stages: [{ id: 'a', entry: { ref: 'a' } }], predicates: { a: { not: { ref: 'b' } }, b: { ref: 'a' } } }, 'predicates.b.ref: predicate cycle'],
    [{ id: 'j', stages: [{ id: 'a', entry: { all: [] }, path: { steps: [{ id: 'x' }] } }] }, 'stages[0].path.steps[0].match: object expected'],
    [{ id: 'j', stages: [{ id: 'a', entry: { all: [] } }], exits: [{ id: 'x' }] }, 'exits[0].when: object expected'],
    [{ id: 'j', stages: [{ id: 'a', entry: { all: [] } }], nudges: [{ id: 'n', trigger: 'idle' }] }, 'nudges[0].trigger: object expected'],
    [{ id: 'j', stages: [{ id: 'a', entry: { all: [] } }], nudges: {} }, 'nudges: array expected'],
    [{ id: 'j', stages: [{ id: 'a', entry: { all: [] } }], policy: { caps: [{ scope: 1 }] } }, 'policy.caps[0].scope: string expected'],
  ])('refuses %j: %s', (doc, why) => {
    expect(checkDefinition(doc)).toBe(why)
  })

  it('bounds the depth, refs inlined, without exhausting the stack', () => {
    let deep: Rule = { event: {} }
    for (let i = 0; i < 100_000; i++) deep = { not: deep }
    expect(checkDefinition({ id: 'j', stages: [{ id: 'a', entry: deep }] })).toMatch(/: rules nested too deep$/)
    // the deepest nesting the check allows: the engine compiles and tests it
    let limit: Rule = { event: {} }
    for (let i = 1; i < 2000; i++) limit = { all: [limit] }
    expect(checkDefinition({ id: 'j', stages: [{ id: 'a', entry: limit }] })).toBeUndefined()
    expect(runs({ id: 'j', version: '1', stages: [{ id: 'a', entry: limit }] })).toBe('')
    expect(checkDefinition({ id: 'j', stages: [{ id: 'a', entry: { all: [limit] } }] })).toMatch(/too deep$/)
    // a predicate checked once (1 + 1999 deep), then met deeper through another ref
    const predicates = { p: (limit as { all: Rule[] }).all[0]!, q: { not: { ref: 'p' } } }
    const stages = [{ id: 'a', entry: { ref: 'p' } }, { id: 'b', entry: { ref: 'q' } }]
    expect(checkDefinition({ id: 'j', stages: stages.slice(0, 1), predicates })).toBeUndefined()
    expect(checkDefinition({ id: 'j', stages, predicates })).toBe('predicates.q.not.ref: rules nested too deep')
    // a diamond of 20,000 predicates is checked in linear time
    const diamond: Record<string, Rule> = { p20000: { page: '/' } }
    for (let i = 0; i < 20_000; i++) diamond['p' + i] = { all: [{ ref: 'p' + (i + 1) }, { ref: 'p' + (i + 1) }] }
    expect(checkDefinition({ id: 'j', stages: [{ id: 'a', entry: { ref: 'p19990' } }], predicates: diamond })).toBeUndefined()
  })

  describe('on random mutations of valid definitions', () => {
    // the large fixtures would make each mutation slow without finding more; the rich ones
    // count more, where most mutations leave something the engine runs
    const small = Object.values(VALID).filter((d) => JSON.stringify(d).length < 20_000)
    const bases = [...small, EXAMPLE, EXAMPLE, VALID['full-featured']!, VALID['full-featured']!, VALID['full-featured']!]
    /** every [container, key] of a document, the root's keys included */
    const slots = (doc: object): [Record<string, unknown>, string][] => {
      const out: [Record<string, unknown>, string][] = []
      const walk = (o: unknown) => {
        if (!o || typeof o != 'object') return
        for (const k of Object.keys(o)) {
          out.push([o as Record<string, unknown>, k])
          walk((o as Record<string, unknown>)[k])
        }
      }
      walk(doc)
      return out
    }
    const WRONG = [null, 0, 7, -1, 1.5, '', 'x', '/x', 'P1D', true, false, [], [null], [{}], ['x'], {}, { all: [] }, { ref: 'engaged' }, { event: {} }, { x: 1 }]
    type Op = 'delete' | 'wrap' | 'unwrap' | number
    const op = fc.oneof(fc.constantFrom<Op>('delete', 'wrap', 'unwrap'), fc.nat(WRONG.length - 1))
    const mutation = fc.tuple(fc.nat(bases.length - 1), fc.array(fc.tuple(fc.nat(), op), { minLength: 1, maxLength: 2 }))
    const mutate = ([base, ops]: [number, [number, Op][]]) => {
      const doc = structuredClone(bases[base]!) as unknown as Record<string, unknown>
      for (const [at, o] of ops) {
        const all = slots(doc)
        const [parent, key] = all[at % all.length]!
        if (o == 'delete') Array.isArray(parent) ? parent.splice(+key, 1) : delete parent[key]
        else if (o == 'wrap') parent[key] = [parent[key]]
        else if (o == 'unwrap') parent[key] = Array.isArray(parent[key]) ? (parent[key] as unknown[])[0] : Object.values(parent[key] ?? {})[0]
        else parent[key] = structuredClone(WRONG[o])
      }
      return doc
    }

    it('whatever the check accepts runs; whatever the validator accepts, the check accepts', () => {
      let accepted = 0
      fc.assert(
        fc.property(mutation, (m) => {
          const doc = mutate(m)
          const why = checkDefinition(doc)
          if (why === undefined) {
            accepted++
            expect(runs(doc), JSON.stringify(doc)).toBe('')
          } else expect(definitionErrors(doc), why).not.toEqual([])
        }),
        { numRuns: 500 },
      )
      // the test means something only if many mutants get through
      expect(accepted).toBeGreaterThan(75)
    })
  })
})
