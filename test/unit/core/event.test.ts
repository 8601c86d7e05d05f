import { describe, expect, it } from 'vitest'
import { stringify, type Issue } from '../../../src/core/event.js'

const run = (v: unknown, max = 100) => {
  const issues = new Set<Issue>()
  return [JSON.parse(stringify(v, max, issues)), [...issues].sort()] as const
}

describe('stringify (normalisation)', () => {
  it.each<[string, unknown, unknown, Issue[]]>([
    ['plain', { a: 1, b: 'x', c: [true, null] }, { a: 1, b: 'x', c: [true, null] }, []],
    ['function and symbol dropped', { f() {}, s: Symbol('s'), k: 1 }, { k: 1 }, ['function']],
    ['BigInt to string', { n: 12n }, { n: '12' }, ['bigint']],
    ['NaN and Infinity to null', { a: NaN, b: Infinity }, { a: null, b: null }, ['number']],
    ['long string cut', { s: 'x'.repeat(150) }, { s: 'x'.repeat(100) }, ['string']],
    ['Date via toJSON', { d: new Date(0) }, { d: '1970-01-01T00:00:00.000Z' }, []],
    ['__proto__ key dropped', JSON.parse('{"__proto__":{"x":1},"y":2}'), { y: 2 }, ['key']],
    ['constructor key dropped', { constructor: 'x', y: 2 }, { y: 2 }, ['key']],
    ['undefined in arrays is null', { a: [undefined, 1] }, { a: [null, 1] }, []],
  ])('%s', (_name, input, out, issues) => {
    expect(run(input)).toEqual([out, issues])
  })

  it('drops the cyclic edge only, keeps shared references', () => {
    const shared = { v: 1 }
    const a: Record<string, unknown> = { shared, again: shared, list: [shared, shared] }
    a.self = a
    const b: Record<string, unknown> = { a }
    ;(a as { back?: unknown }).back = b
    expect(run({ a, b: { x: shared } })).toEqual([
      { a: { shared: { v: 1 }, again: { v: 1 }, list: [{ v: 1 }, { v: 1 }], back: {} }, b: { x: { v: 1 } } },
      ['cycle'],
    ])
  })

  it('throws on a throwing getter, so the caller can reject the event', () => {
    expect(() => run({ get x(): never { throw new Error('no') } })).toThrow('no')
  })
})
