// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { add, merge, quantile, sketch } from '../../../src/learn/sketch.js'
import { identities } from '../../../src/learn/identity.js'

describe('quantile sketch', () => {
  it('gives the p75 within 1% of the exact one, and the same figure however the values were split', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => 60_000 + ((i * 7919) % 10_000) * 3_600)
    const whole = sketch()
    for (const v of values) add(whole, v)
    const exact = values.slice().sort((a, b) => a - b)[7499]!
    expect(Math.abs(quantile(whole, 0.75) - exact) / exact).toBeLessThan(0.01)
    const parts = [sketch(), sketch(), sketch()]
    values.forEach((v, i) => add(parts[i % 3]!, v))
    const merged = sketch()
    for (const p of parts.reverse()) merge(merged, p)
    expect(merged).toEqual(whole)
    expect(quantile(merged, 0.75)).toBe(quantile(whole, 0.75))
  })

  it('is NaN when empty, and puts sub-second durations at one second', () => {
    const s = sketch()
    expect(quantile(s, 0.5)).toBeNaN()
    add(s, 0)
    add(s, 400)
    expect(quantile(s, 0.5)).toBe(1000)
  })
})

describe('identity stitching', () => {
  it('links anonymous ids and user ids through any message carrying two of them, whatever the order', () => {
    const a = identities()
    a.link('anon-2', 'user-1')
    a.link('anon-1', 'user-1')
    a.link('anon-3', 'anon-2')
    const b = identities()
    b.link('anon-3', 'anon-2')
    b.link('anon-1', 'user-1')
    b.link('anon-2', 'user-1')
    for (const s of [a, b]) {
      expect(new Set(['anon-1', 'anon-2', 'anon-3', 'user-1'].map((id) => s.root(id)))).toEqual(new Set(['anon-1']))
      expect(s.root('stranger')).toBe('stranger')
    }
    expect([...a.roots()].sort()).toEqual([...b.roots()].sort())
  })
})
