// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { compareArms, normalCdf, warningFor } from '../../../src/learn/stats.js'

const arm = (conversions: number, subjects: number) => ({ subjects, conversions })

describe('normalCdf', () => {
  it('matches tabulated values', () => {
    expect(normalCdf(0)).toBe(0.5)
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 8)
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14)
    expect(normalCdf(1)).toBeCloseTo(0.841344746068543, 14)
    expect(normalCdf(-1)).toBeCloseTo(0.158655253931457, 14)
    expect(normalCdf(2.575829)).toBeCloseTo(0.995, 7)
    expect(normalCdf(0.3)).toBeCloseTo(0.617911422188953, 14)
  })

  it('keeps its relative precision far into the lower tail', () => {
    // Φ(−6) = 9.8658764503769e-10, Φ(−10) = 7.6198530241605e-24, Φ(−30) = 4.906713927148e-198
    expect(normalCdf(-6) / 9.8658764503769e-10).toBeCloseTo(1, 12)
    expect(normalCdf(-10) / 7.6198530241605e-24).toBeCloseTo(1, 12)
    expect(normalCdf(-30) / 4.906713927148e-198).toBeCloseTo(1, 11)
  })

  it('is symmetric, monotone and bounded, infinities included', () => {
    for (let z = -8; z <= 8; z += 0.37) {
      expect(normalCdf(z) + normalCdf(-z)).toBeCloseTo(1, 15)
      expect(normalCdf(z + 0.01)).toBeGreaterThanOrEqual(normalCdf(z))
    }
    expect(normalCdf(Infinity)).toBe(1)
    expect(normalCdf(-Infinity)).toBe(0)
    expect(normalCdf(40)).toBe(1)
    expect(normalCdf(NaN)).toBeNaN()
  })
})

describe('compareArms', () => {
  it('450/1000 against 300/1000', () => {
    // By hand (z = 1.959964, z² = 3.841459):
    // relative: 0.45 / 0.30 − 1 = 0.5. Katz: SE(log RR) = √(1/450 − 1/1000 + 1/300 − 1/1000) = √0.00355556 = 0.0596285;
    //   z·SE = 0.116870; RR 1.5 · e^∓0.116870 = 1.5 · (0.889701, 1.123973) → relative [0.334552, 0.685960].
    // p: pooled 0.375, SE = √(0.375 · 0.625 · 2/1000) = 0.0216506, z = 0.15 / 0.0216506 = 6.92820;
    //   2·Φ(−6.9282) = 4.2622e-12.
    // absolute 0.15, Wilson 450/1000: mid (450 + 1.920729) / 1003.841459 = 0.450191,
    //   half 1.959964 · √(247.5 + 0.960365) / 1003.841459 = 0.030776 → [0.419415, 0.480967];
    //   300/1000: mid 301.920729 / 1003.841459 = 0.300765, half 1.959964 · √(210.960365) / 1003.841459 = 0.028359
    //   → [0.272407, 0.329124]. Newcombe: 0.15 − √(0.030585² + 0.029124²) = 0.107767, 0.15 + √(0.030967² + 0.027593²) = 0.191477.
    const r = compareArms(arm(450, 1000), arm(300, 1000))
    expect(r.relative).toBeCloseTo(0.5, 12)
    expect(r.ci95![0]).toBeCloseTo(0.334552, 5)
    expect(r.ci95![1]).toBeCloseTo(0.68596, 5)
    expect(r.p).toBeLessThan(1e-10)
    expect(r.p! / 4.2622e-12).toBeCloseTo(1, 3)
    expect(r.absolute).toBeCloseTo(0.15, 12)
    expect(r.absoluteCi95![0]).toBeCloseTo(0.107767, 5)
    expect(r.absoluteCi95![1]).toBeCloseTo(0.191477, 5)
  })

  it('swapping the arms mirrors the absolute figures and inverts the ratio', () => {
    const a = compareArms(arm(450, 1000), arm(300, 1000))
    const b = compareArms(arm(300, 1000), arm(450, 1000))
    expect(b.p).toBe(a.p)
    expect(b.absolute).toBeCloseTo(-a.absolute!, 15)
    expect(b.absoluteCi95![0]).toBeCloseTo(-a.absoluteCi95![1], 15)
    expect(b.absoluteCi95![1]).toBeCloseTo(-a.absoluteCi95![0], 15)
    expect(b.relative).toBeCloseTo(1 / 1.5 - 1, 12)
    expect(1 + b.ci95![0]).toBeCloseTo(1 / (1 + a.ci95![1]), 12)
    expect(1 + b.ci95![1]).toBeCloseTo(1 / (1 + a.ci95![0]), 12)
  })

  it('a null effect: zero estimates, intervals symmetric about 0 (absolute) and containing 0, p = 1', () => {
    const r = compareArms(arm(100, 1000), arm(100, 1000))
    expect(r.relative).toBe(0)
    expect(r.absolute).toBe(0)
    expect(r.p).toBe(1)
    expect(r.ci95![0]).toBeLessThan(0)
    expect(r.ci95![1]).toBeGreaterThan(0)
    expect(r.absoluteCi95![0]).toBeCloseTo(-r.absoluteCi95![1], 15)
    expect(r.absoluteCi95![1]).toBeCloseTo(0.0264233, 6)
    // a small uplift that is not significant either
    const s = compareArms(arm(56, 1000), arm(40, 1000))
    expect(s.relative).toBeCloseTo(0.4, 12)
    expect(s.p).toBeCloseTo(0.0941985, 6)
    expect(s.ci95![0]).toBeLessThan(0)
    expect(s.absoluteCi95![0]).toBeLessThan(0)
  })

  it('zero-conversion arms give no NaN: relative null when the control rate is 0, corrected intervals', () => {
    // 5/500 vs 0/500, corrected to 5.5/501 vs 0.5/501: RR 11, SE √(1/5.5 − 1/501 + 1/0.5 − 1/501) = 1.475746;
    // 11 · e^∓(1.959964 · 1.475746) = 11 · e^∓2.892409 = (0.609867, 198.4038)
    const r = compareArms(arm(5, 500), arm(0, 500))
    expect(r.relative).toBeNull()
    expect(r.ci95![0]).toBeCloseTo(-0.390133, 5)
    expect(r.ci95![1]).toBeCloseTo(197.4038, 3)
    expect(r.p).toBeCloseTo(0.0249821, 6)
    expect(r.absoluteCi95![0]).toBeGreaterThan(0)
    // no conversion anywhere: no test statistic (0/0), an interval around no difference
    const z = compareArms(arm(0, 500), arm(0, 500))
    expect(z.relative).toBeNull()
    expect(z.p).toBeNull()
    expect(z.absolute).toBe(0)
    expect(z.ci95![0]).toBeLessThan(0)
    expect(z.ci95![1]).toBeGreaterThan(0)
    // everyone converted in treatment: corrected, finite
    const all = compareArms(arm(200, 200), arm(150, 200))
    expect(all.relative).toBeCloseTo(1 / 0.75 - 1, 12)
    for (const v of [...all.ci95!, ...all.absoluteCi95!, all.p!]) expect(Number.isFinite(v)).toBe(true)
    const t0 = compareArms(arm(0, 300), arm(30, 300))
    expect(t0.relative).toBe(-1)
    expect(t0.ci95![0]).toBeGreaterThan(-1)
    expect(t0.ci95![1]).toBeLessThan(0)
  })

  it('an empty arm (or counts that cannot be) gives nulls', () => {
    const none = { relative: null, ci95: null, p: null, absolute: null, absoluteCi95: null }
    expect(compareArms(arm(0, 0), arm(3, 100))).toEqual(none)
    expect(compareArms(arm(3, 100), arm(0, 0))).toEqual(none)
    expect(compareArms(arm(101, 100), arm(3, 100))).toEqual(none)
  })
})

describe('warningFor', () => {
  it('says which arm is below which minimum', () => {
    expect(warningFor(arm(20, 400), arm(30, 500))).toBeUndefined()
    expect(warningFor(arm(5, 40), arm(30, 500))).toBe('below the minimum sample: 40 subjects in treatment (minimum 100)')
    expect(warningFor(arm(20, 400), arm(3, 500))).toBe('below the minimum sample: 3 conversions in control (minimum 10)')
    expect(warningFor(arm(5, 40), arm(3, 500))).toBe('below the minimum sample: 40 subjects in treatment (minimum 100), 3 conversions in control (minimum 10)')
    expect(warningFor(arm(5, 40), arm(3, 50), 30, 2)).toBeUndefined()
    expect(warningFor(arm(20, 400), arm(1, 60), 100, 10, ['treatment', 'holdout'])).toBe('below the minimum sample: 60 subjects in holdout (minimum 100)')
  })
})
