import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { utf8Length } from '../../../src/lib/utf8.js'

describe('utf8Length', () => {
  it('equals the byte length TextEncoder produces, for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => utf8Length(s) === new TextEncoder().encode(s).length),
      { numRuns: 2000 },
    )
  })
  it.each([
    ['', 0],
    ['abc', 3],
    ['é', 2],
    ['€', 3],
    ['😀', 4],
    ['a😀b', 6],
  ])('%j is %i bytes', (s, n) => expect(utf8Length(s)).toBe(n))
})
