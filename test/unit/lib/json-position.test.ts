import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { lineColumn, syntaxErrorAt } from '../../../src/lib/json-position.js'

const parses = (s: string) => {
  try {
    JSON.parse(s)
    return true
  } catch {
    return false
  }
}

describe('syntaxErrorAt (where a JSON text stops being JSON)', () => {
  it.each([
    ['{"a":}', 5],
    ['{\n  "a": 1,\n}', 12],
    ['', 0],
    ['[1, 2', 5],
    ['[1,]', 3],
    ['{"a" 1}', 5],
    ['"tab\there"', 4],
    ['"\\x"', 1],
    ['01', 1],
    ['tru', 0],
    ['{} {}', 3],
  ])('%j: at %i', (text, at) => {
    expect(parses(text)).toBe(false)
    expect(syntaxErrorAt(text)).toBe(at)
  })

  it('agrees with JSON.parse on JSON texts and on texts cut or spliced anywhere', () => {
    fc.assert(
      fc.property(fc.json(), fc.nat(), fc.constantFrom('', ',', '}', ']', '"', ':', ' ', '\\', '0', '-'), (json, n, junk) => {
        expect(syntaxErrorAt(json)).toBe(-1)
        const i = n % (json.length + 1)
        const broken = json.slice(0, i) + junk + json.slice(i + (junk ? 0 : 1))
        expect(syntaxErrorAt(broken) == -1, JSON.stringify(broken)).toBe(parses(broken))
      }),
      { numRuns: 2000 },
    )
  })

  it('gives 1-based lines and columns', () => {
    expect(lineColumn('ab\ncd', 0)).toEqual({ line: 1, column: 1 })
    expect(lineColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 })
  })
})
