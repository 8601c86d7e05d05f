import { describe, expect, it } from 'vitest'
import { DesirePathError, isDesirePathError } from '../../../src/lib/errors.js'
import { INVALID, VALID } from '../../fixtures/journeys.js'
import { validateDefinition } from '../../../src/journey/validate.js'

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
