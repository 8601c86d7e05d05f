import { describe, expect, it } from 'vitest'
import { createEngine, foldAll, type DerivedEvent } from '../../../src/journey/engine.js'
import type { JourneyEvent } from '../../../src/journey/rules.js'
import { validateDefinition } from '../../../src/journey/validate.js'
import { createPolicy, type NudgeMemory } from '../../../src/nudges/policy.js'

// 10,000 simulated customers meet a nudge with a 50% control arm (and a 10% global
// holdout). Whoever is actually shown the nudge converts with probability 0.30, everyone
// else with 0.20: a known uplift of +10 points. Only the events the SDK emits (Nudge
// Eligible / Shown / Completed, with their arms) are then used to recover it.
const BASE = 0.2
const LIFT = 0.1
const H = 3600e3
const T0 = Date.UTC(2026, 10, 1)

/** mulberry32: a seeded PRNG, so the simulation is the same on every run. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const def = validateDefinition({
  id: 'onboarding',
  version: '1.0',
  stages: [
    { id: 'trial', entry: { all: [] } },
    { id: 'activated', entry: { event: { name: 'Project Created' } } },
  ],
  nudges: [
    {
      id: 'invite',
      stage: 'activated',
      trigger: { rule: { all: [] } },
      slot: 'banner',
      experiment: { control: 50 },
      goal: { rule: { event: { name: 'Teammate Invited' } }, within: 'P7D' },
    },
  ],
  policy: { holdout: 10 },
})
const engine = createEngine(def)
const policy = createPolicy(def, engine)

describe('measuring uplift', () => {
  it('the exposure events recover a known effect over 10,000 customers', () => {
    const random = prng(42)
    // what reached the collector: derived events with their customer (anonymousId on the wire)
    const sent: (DerivedEvent & { who: number })[] = []
    for (let i = 0; i < 10000; i++) {
      const ev = (name: string, t: number): JourneyEvent => ({ type: 'track', event: name, messageId: `c${i}-${t}`, anonymousId: `anon-${i}`, t })
      let s = foldAll(engine, [ev('Signed Up', T0), ev('Project Created', T0 + 1)]).state
      let m: NudgeMemory | undefined
      const step = (now: number) => {
        const r = policy.evaluate(m, s, engine.snapshot(s, now), now, 'tab', '/', '')
        m = r.memory
        sent.push(...r.derived.map((d) => ({ ...d, who: i })))
        return r.offers
      }
      // the host shows what it is offered
      const offers = step(T0 + 2)
      let shown = false
      for (const o of offers) {
        const a = policy.ack(m, s, 'shown', o.nudge.id, T0 + 3, 'tab')
        m = a.m
        sent.push(...a.derived.map((d) => ({ ...d, who: i })))
        shown = true
      }
      // the customer converts, or not, a day later; the next evaluation sees the goal
      if (random() < BASE + (shown ? LIFT : 0)) s = foldAll(engine, [ev('Teammate Invited', T0 + 24 * H)], false, s).state
      step(T0 + 24 * H + 1)
    }

    // the analysis, from the events alone: each customer's arm (from their first exposure)
    // and whether they reached the goal after it
    const arm = new Map<number, string>()
    const converted = new Set<number>()
    for (const e of sent) {
      if (e.event == 'Nudge Shown' && !arm.has(e.who)) arm.set(e.who, e.properties.arm as string)
      if (e.event == 'Nudge Completed' && e.properties.via == 'goal') converted.add(e.who)
    }
    const size = (a: string) => [...arm.values()].filter((x) => x == a).length
    const rate = (a: string) => [...arm].filter(([who, x]) => x == a && converted.has(who)).length / size(a)
    // everyone was assigned once and exposed (a real or a ghost impression)
    const eligible = sent.filter((e) => e.event == 'Nudge Eligible')
    expect(eligible).toHaveLength(10000)
    expect(new Set(eligible.map((e) => e.who)).size).toBe(10000)
    expect(arm.size).toBe(10000)
    // the arms have the configured shares: 10% holdout, then 50/50
    expect(size('holdout') / 10000).toBeCloseTo(0.1, 1)
    expect(size('control') / (10000 - size('holdout'))).toBeCloseTo(0.5, 1)
    // conversion by arm, and the uplift, within ±3 points (about 3 standard errors at n ≈ 4,500 an arm)
    const uplift = rate('treatment') - rate('control')
    expect(Math.abs(rate('control') - BASE)).toBeLessThan(0.03)
    expect(Math.abs(uplift - LIFT)).toBeLessThan(0.03)
    // and a null effect is not mistaken for one: holdout and control are alike
    expect(Math.abs(rate('holdout') - rate('control'))).toBeLessThan(0.04)
  })
})
