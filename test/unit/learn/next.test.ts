// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { nextSteps } from '../../../src/learn/next.js'
import { stageStats } from '../../../src/learn/replay.js'
import { bumpMinor, isoDuration } from '../../../src/learn/learned.js'

describe('next-step odds among path steps', () => {
  it('passes through steps that are not on the path', () => {
    const st = stageStats()
    // 6 visits: a → noise → b, 2 visits: a → b, 2 visits: a → c
    st.next = { '^\ta': 10, 'a\tnoise': 6, 'noise\tb': 6, 'a\tb': 2, 'a\tc': 2, 'b\t$': 8, 'c\t$': 2 }
    const [a, b] = nextSteps(st, ['a', 'b', 'c'])
    expect(a![0]).toBe(0)
    expect(a![1]).toBeCloseTo(0.8, 10)
    expect(a![2]).toBeCloseTo(0.2, 10)
    expect(b).toEqual([0, 0, 0])
  })

  it('never names a step as its own next one: a walk back to it goes on from it', () => {
    const st = stageStats()
    // after a: noise, which leads back to a as often as to b (in other visits a came later)
    st.next = { 'a\tnoise': 4, 'noise\ta': 2, 'noise\tb': 2 }
    const [a] = nextSteps(st, ['a', 'b'])
    expect(a![0]).toBe(0)
    expect(a![1]).toBeCloseTo(1, 10)
  })

  it('solves loops through other steps', () => {
    const st = stageStats()
    // x goes back to y half the time, y to x or to b
    st.next = { 'a\tx': 4, 'x\ty': 4, 'y\tx': 2, 'y\tb': 2, 'x\tb': 2 }
    expect(nextSteps(st, ['a', 'b'])[0]![1]).toBeCloseTo(1, 10)
  })
})

describe('learned definition helpers', () => {
  it('bumps the minor version and writes durations to the second', () => {
    expect([bumpMinor('1'), bumpMinor('1.2'), bumpMinor('2.9.4')]).toEqual(['1.1', '1.3', '2.10.0'])
    expect([isoDuration(0), isoDuration(90_400), isoDuration(3 * 864e5 + 3_600_000), isoDuration(2 * 864e5)]).toEqual(['PT1S', 'PT1M30S', 'P3DT1H', 'P2D'])
  })
})
