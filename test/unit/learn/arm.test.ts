import { describe, expect, it } from 'vitest'
import { createEngine, foldAll } from '../../../src/journey/engine.js'
import { validateDefinition } from '../../../src/journey/validate.js'
import { createPolicy } from '../../../src/nudges/policy.js'
import { armOf } from '../../../src/learn/api.js'

const T0 = Date.UTC(2026, 10, 1)
const def = validateDefinition({
  id: 'arms',
  version: '1.0',
  stages: [{ id: 'a', entry: { all: [] } }],
  nudges: [
    { id: 'half', trigger: { rule: { all: [] } }, slot: 'banner', experiment: { control: 50 } },
    { id: 'all-in', trigger: { rule: { all: [] } }, slot: 'modal' },
  ],
  policy: { holdout: 20 },
})

describe('armOf: the arm the SDK assigns', () => {
  it('agrees with the policy’s own assignment for 400 customers, and spreads them as the definition says', () => {
    const engine = createEngine(def)
    const policy = createPolicy(def, engine)
    const count: Record<string, number> = {}
    for (let i = 0; i < 400; i++) {
      const subject = `anon-${i}-${(i * 2654435761) % 9973}`
      const s = foldAll(engine, [{ type: 'track', event: 'hello', messageId: 'm' + i, anonymousId: subject, t: T0 }]).state
      const r = policy.evaluate(undefined, s, engine.snapshot(s, T0), T0, 'tab', '/', '')
      for (const id of ['half', 'all-in']) {
        const arm = r.status.find((x) => x.id == id)!.arm
        expect(armOf(def, subject, id)).toBe(arm)
        count[id + ':' + arm] = (count[id + ':' + arm] || 0) + 1
      }
    }
    // 20% holdout for both, then half of the rest in control for "half"
    expect(count['all-in:holdout']).toBe(count['half:holdout'])
    expect(count['half:holdout']! / 400).toBeGreaterThan(0.13)
    expect(count['half:holdout']! / 400).toBeLessThan(0.27)
    expect(count['half:control']! / count['half:treatment']!).toBeGreaterThan(0.75)
    expect(count['half:control']! / count['half:treatment']!).toBeLessThan(1.33)
    expect(count['all-in:control']).toBeUndefined()
  })

  it('names a nudge the definition does not have', () => {
    expect(() => armOf(def, 'x', 'nope')).toThrow(/no nudge "nope" in arms/)
  })
})
