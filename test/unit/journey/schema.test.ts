// @vitest-environment node
import { readFileSync } from 'node:fs'
import Ajv2020 from 'ajv/dist/2020.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { INVALID, VALID } from '../../fixtures/journeys.js'
import { validateDefinition } from '../../../src/journey/validate.js'

const schema = JSON.parse(readFileSync(new URL('../../../src/journey/definition.schema.json', import.meta.url), 'utf8'))
// strict: unknown keywords, ignored `type`s, tuples of no fixed length and the like are
// errors, not silent no-ops: what editors and build tools load must be unambiguous.
const ajv = new Ajv2020({ strict: true, strictTuples: true, allErrors: true })
const check = ajv.compile(schema)
const schemaAccepts = (doc: unknown) => check(doc) as boolean
const validatorAccepts = (doc: unknown) => {
  try {
    validateDefinition(doc)
    return true
  } catch {
    return false
  }
}

describe('definition.schema.json', () => {
  it('is a draft 2020-12 schema with its $id', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema')
    expect(schema.$id).toBe('https://desire-path.dev/schema/journey-definition.json')
  })

  it('closes every object it describes', () => {
    const open: string[] = []
    const visit = (node: unknown, at: string): void => {
      if (!node || typeof node != 'object') return
      const n = node as Record<string, unknown>
      // maps (predicates, next) say what their values are instead; conditions (if/then) and
      // refinements of a $ref add to a closed object, they don't describe one; `learned` is
      // the learner's provenance, opaque to the SDK
      const partial = /\/(if|then)$/.test(at) || n.$ref || n.propertyNames || at == '/properties/policy' || at == '/properties/learned'
      if (n.type == 'object' && n.additionalProperties !== false && !partial) open.push(at)
      for (const [k, v] of Object.entries(n)) visit(v, `${at}/${k}`)
    }
    visit(schema, '')
    expect(open).toEqual([])
  })

  it('compiles in strict mode with strict tuples, every warning an error', () => {
    const warnings: unknown[] = []
    const logger = { log: () => {}, warn: (...a: unknown[]) => warnings.push(a), error: (...a: unknown[]) => warnings.push(a) }
    new Ajv2020({ strict: true, strictTuples: true, strictRequired: true, allErrors: true, logger }).compile(schema)
    expect(warnings).toEqual([])
  })

  it('the corpus is broad: at least 20 broken definitions the schema sees, and the semantic ones', () => {
    expect(INVALID.filter((c) => !c.semantic).length).toBeGreaterThanOrEqual(20)
    expect(INVALID.filter((c) => c.semantic).length).toBeGreaterThanOrEqual(10)
  })

  // The whole corpus, both ways: valid by the schema ⇔ valid by the validator, except what
  // a schema cannot express, marked `semantic` (which the validator alone refuses).
  it.each(Object.entries(VALID))('both accept %s', (_, doc) => {
    expect(schemaAccepts(doc), JSON.stringify(check.errors)).toBe(true)
    expect(validatorAccepts(doc)).toBe(true)
  })

  it.each(INVALID.filter((c) => !c.semantic))('both refuse: $error', ({ doc }) => {
    expect(schemaAccepts(doc)).toBe(false)
    expect(validatorAccepts(doc)).toBe(false)
  })

  // keeps the `semantic` marks honest: these are exactly what the schema cannot see
  it.each(INVALID.filter((c) => c.semantic))('only the validator refuses: $error', ({ doc }) => {
    expect(schemaAccepts(doc), JSON.stringify(check.errors)).toBe(true)
    expect(validatorAccepts(doc)).toBe(false)
  })

  describe('agrees with the validator on random strings', () => {
    const base = () => ({ id: 'j', version: '1.0', stages: [{ id: 'a', entry: { all: [] } }] })
    /** strings of these pieces */
    const of = (pieces: string[], prefixes = [''], maxLength = 12) =>
      fc.tuple(fc.constantFrom(...prefixes), fc.array(fc.constantFrom(...pieces), { maxLength })).map(([p, a]) => p + a.join(''))
    /** the validator and the schema agree on every string `strings` makes, placed in a definition */
    const agree = (strings: fc.Arbitrary<string>, place: (s: string) => unknown) =>
      fc.assert(
        fc.property(strings, (s) => {
          const doc = place(s)
          expect(schemaAccepts(doc), JSON.stringify(s)).toBe(validatorAccepts(doc))
        }),
        { numRuns: 3000 },
      )

    it('page patterns', () => agree(of(['/', '/', ':', '*', 'a', 'b', '?', '#']), (s) => ({ ...base(), goal: { page: s } })))
    it('durations', () =>
      agree(of(['1W', '2D', 'T', 'T1H', '10M', '0H', '5S', '0.5S', '.5S', '1.S', '0', '1Y', '2M', '0D', 'H'], ['P', 'P', 'P', 'PT', '', 'T'], 3), (s) => ({ ...base(), goal: { inStage: s } })))
    it('property paths', () =>
      agree(of(['.', 'a', '_', '$', '-', '[', ' ', '__proto__', 'constructor', 'prototype', 'proto']), (s) => ({ ...base(), goal: { trait: { prop: s, op: 'exists' } } })))
    it('ids', () => agree(of(['a', 'Z', '0', '_', '.', ':', '-', ' ', '/', 'abcdefghij']), (s) => ({ ...base(), stages: [{ id: s, entry: { all: [] } }] })))
    it('versions', () => agree(of(['1', '0', '.', '.', 'v', '-']), (s) => ({ ...base(), version: s })))
  })
})
