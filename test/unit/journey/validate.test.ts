import { describe, expect, it } from 'vitest'
import { DesirePathError, isDesirePathError } from '../../../src/lib/errors.js'
import { INVALID, VALID } from '../../fixtures/journeys.js'
import { definitionErrors, validateDefinition } from '../../../src/journey/validate.js'
import broken from '../../fixtures/broken-journey.json' with { type: 'json' }

/** The error validateDefinition throws for `doc` (fails the test if it returns). */
function errorOf(doc: unknown): DesirePathError & { path?: unknown } {
  try {
    validateDefinition(doc)
  } catch (e) {
    expect(isDesirePathError(e)).toBe(true)
    return e as DesirePathError
  }
  throw new Error('no error thrown')
}

describe('validateDefinition', () => {
  it.each(Object.entries(VALID))('accepts %s', (_, doc) => {
    const copy = structuredClone(doc)
    expect(validateDefinition(doc)).toBe(doc)
    // validation never touches the document
    expect(doc).toEqual(copy)
  })

  it.each(INVALID)('refuses: $error', ({ error, doc }) => {
    const e = errorOf(doc)
    expect(e.code).toBe('definition')
    expect(e.message).toBe('[desire-path] ' + error)
    // the path alone, '' for the root (no test path holds ': ')
    const path = error.slice(0, error.indexOf(': '))
    expect(e.path).toBe(path == '(root)' ? '' : path)
  })

  it('covers at least 35 distinct messages', () => {
    expect(new Set(INVALID.map((c) => c.error)).size).toBeGreaterThanOrEqual(35)
  })

  it('accepts a definition after refusing one (no state leaks between calls)', () => {
    errorOf(INVALID.find((c) => c.error.startsWith('predicates.a.ref'))!.doc)
    errorOf(INVALID.find((c) => c.error.includes('more than 2000'))!.doc)
    for (const doc of Object.values(VALID)) expect(() => validateDefinition(doc)).not.toThrow()
  })

  it('reports the first of several problems, in document order', () => {
    const stages = [{ id: 'a', entry: { event: { count: 0, name: '' } } }]
    expect(errorOf({ id: 'j', version: '1.0', stages }).message).toMatch(/event\.count:/)
    const reordered = [{ id: 'a', entry: { event: { name: '', count: 0 } } }]
    expect(errorOf({ id: 'j', version: '1.0', stages: reordered }).message).toMatch(/event\.name:/)
  })

  it('survives hostile input: deep nesting, cyclic objects, huge predicate chains', () => {
    let deep: unknown = { event: {} }
    for (let i = 0; i < 100_000; i++) deep = { not: deep }
    expect(errorOf({ id: 'j', version: '1.0', stages: [{ id: 'a', entry: deep }] }).message).toMatch(/nested deeper than 12$/)

    const cyclic: Record<string, unknown> = { id: 'j', version: '1.0' }
    cyclic.stages = [{ id: 'a', entry: { all: [] }, name: cyclic }]
    expect(errorOf(cyclic).message).toBe('[desire-path] stages[0].name: must be a string of at most 200 characters')

    // a 20,000-predicate chain: the cycle search is bounded, the node limit reports it
    const predicates: Record<string, unknown> = {}
    for (let i = 0; i < 20_000; i++) predicates['p' + i] = { all: [{ ref: 'p' + (i + 1) }, { ref: 'p' + (i + 1) }] }
    predicates.p20000 = { ref: 'p0' }
    expect(errorOf({ id: 'j', version: '1.0', stages: [{ id: 'a', entry: { all: [] } }], predicates }).message).toMatch(/more than 2000 rule nodes$/)
  })
})

describe('definitionErrors', () => {
  it.each(Object.entries(VALID))('finds nothing in %s', (_, doc) => {
    expect(definitionErrors(doc)).toEqual([])
  })

  it.each(INVALID)('lists first what validateDefinition throws: $error', ({ error, doc }) => {
    const [first] = definitionErrors(doc)
    expect((first!.path || '(root)') + ': ' + first!.message).toBe(error)
  })

  it('lists every problem, in document order, each once', () => {
    expect(definitionErrors(broken).map((e) => `${e.path}: ${e.message}`)).toEqual([
      'version: invalid version "v2": MAJOR, MAJOR.MINOR or MAJOR.MINOR.PATCH',
      'predicates.engaged.event.count: must be an integer from 1 to 10000',
      'predicates["paid plan"]: invalid id "paid plan"',
      'stages[0].demote: not allowed on the first stage',
      'stages[1].entry: rule must have exactly one of all, any, not, event, sequence, absent, trait, page, inStage, stepDone, ref',
      'stages[2].stall: invalid duration "2 days"',
      'stages[2].path.steps[0].share: must be a number from 0 to 1',
      'stages[2].path.steps[0].next: unknown step "imprt"',
      'stages[3].entry.sequence.steps: must be an array of 2 to 32 items',
      'stages[4].entry.all[0].ref: unknown predicate "enaged"',
      'stages[5].entry.event.where[0].op: unknown operator ">="',
      'stages[6].id: duplicate stage id "expansion"',
      'exits[0].when.absent: unknown key "within"',
      'exits[0].when.absent.for: required',
      'goal.all[1].stepDone: unknown step "integration"',
      'nudges[0].trigger.signal: must be one of "stalled", "stepOverdue", "skippedKeyStep", "offPath", "idle"',
      'nudges[0].where: invalid pattern "projects/:id"',
      'nudges[0].slot: must be one of "modal", "popover", "banner", "tooltip", "inline"',
      'policy.caps[0].per: invalid duration "day"',
    ])
  })

  it('reports a problem once, not again in what depends on it', () => {
    const stage = { id: 'a', entry: { trait: { prop: 5, op: 'regex', value: {} } } }
    expect(definitionErrors({ id: 'j', version: '1', stages: [stage] })).toEqual([
      { path: 'stages[0].entry.trait.prop', message: 'must be a string of at most 200 characters' },
      { path: 'stages[0].entry.trait.op', message: 'unknown operator "regex"' },
    ])
    // a cycle, at its first ref only; the node limit, once
    const predicates = { a: { ref: 'b' }, b: { ref: 'a' } }
    expect(definitionErrors({ id: 'j', version: '1', stages: [{ id: 'a', entry: { all: [] } }], predicates }).map((e) => e.path)).toEqual(['predicates.a.ref'])
    const wide = { all: Array.from({ length: 3000 }, () => ({ page: '/' })) }
    expect(definitionErrors({ id: 'j', version: '1', stages: [{ id: 'a', entry: wide }], goal: wide })).toHaveLength(1)
  })

  it('stops after 1000 problems, and says so', () => {
    const exits = Array.from({ length: 5000 }, () => ({ id: 'x y', when: 1 }))
    const errors = definitionErrors({ id: 'j', version: '1', stages: [{ id: 'a', entry: { all: [] } }], exits })
    expect(errors).toHaveLength(1001)
    expect(errors.at(-1)).toEqual({ path: '', message: 'more than 1000 problems: the rest is not listed' })
  })
})
