// @vitest-environment node
// The learner against planted truth (examples/demo/customers.mjs): seeded exports of the
// b2b-saas journey with a known path, known timings and a known nudge effect, among noise,
// decoys, identity splits, late and shuffled batches, resends and malformed lines.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeEvents, type Truth } from '../examples/demo/customers.mjs'
import { fromPartials, learn, learnPartial, uplift } from '../src/entries/learn.js'
import type { LearnResult } from '../src/learn/types.js'
import { definitionErrors } from '../src/journey/validate.js'
import { createEngine, foldAll } from '../src/journey/engine.js'

const DEF = JSON.parse(readFileSync(new URL('../examples/journeys/b2b-saas.json', import.meta.url), 'utf8'))
const dir = mkdtempSync(join(tmpdir(), 'dp-learn-'))
let truth: Truth
let run: LearnResult
/** a candidate's key as the generator names it: `t:Event`, `p:Page name` */
const keyOf = (m: { type?: string; name?: string }) => (m.type == 'page' ? 'p:' : 't:') + m.name

beforeAll(async () => {
  truth = await writeEvents(dir, { customers: 10_000, seed: 3, files: 4 })
  run = await learn(dir, DEF, { now: truth.now, workers: 1 })
}, 120_000)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('desire-path learn on planted data', () => {
  it('recovers every stage’s planted key steps in their planted order, and no decoy', () => {
    for (const [id, st] of Object.entries(truth.stages)) {
      const l = run.definition.learned.stages[id]!
      const keys = l.keySteps.map((k) => keyOf(l.candidates.find((c) => c.id == k)!.match))
      expect({ id, keys }).toEqual({ id, keys: st.keySteps })
      const path = run.definition.stages.find((s) => s.id == id)!.path!.steps
      expect(path.filter((s) => s.key).map((s) => keyOf(s.match))).toEqual(st.keySteps)
      for (const d of st.decoys) expect({ id, decoy: d, key: keys.includes(d) }).toEqual({ id, decoy: d, key: false })
      expect({ id, negative: l.negativeSteps.map((k) => keyOf(l.candidates.find((c) => c.id == k)!.match)) }).toEqual({ id, negative: st.negativeSteps })
    }
  })

  it('finds each key step’s p75 time from stage entry within 10% of the planted one', () => {
    for (const [id, st] of Object.entries(truth.stages))
      for (const k of st.keySteps) {
        const c = run.definition.learned.stages[id]!.candidates.find((x) => keyOf(x.match) == k)!
        expect({ id, k, off: Math.abs(c.p75! - st.expectedWithin[k]!) / st.expectedWithin[k]! < 0.1 }).toEqual({ id, k, off: true })
      }
  })

  it('labels visits exactly as planted, censored ones left out of every figure', () => {
    for (const [id, st] of Object.entries(truth.stages)) {
      const l = run.definition.learned.stages[id]!
      expect({ id, visits: l.visits }).toEqual({ id, visits: st.visits })
      for (const [k, n] of Object.entries(st.steps)) {
        const c = l.candidates.find((x) => keyOf(x.match) == k)
        const support = c ? c.support : 0
        expect({ id, k, support }).toEqual({ id, k, support: Math.round((n.successful / st.visits.successful) * 1000) / 1000 })
      }
    }
  })

  it('cleans as the SDK’s guarantees require: resends deduplicated, bad lines counted, identities stitched', () => {
    const l = run.definition.learned
    expect(l.quality.counts).toEqual({
      malformed: truth.quality.malformed,
      missingId: truth.quality.missingId,
      missingTimestamp: truth.quality.missingTimestamp,
      duplicate: truth.quality.resentMessages,
    })
    expect(l.quality.first.malformed!.length).toBe(Math.min(5, truth.quality.malformed))
    expect(l.subjects).toBe(truth.customers)
    expect(l.input.messages).toBe(truth.messages + truth.quality.resentMessages)
  })

  it('writes a definition that validates, one minor version up, with its provenance', () => {
    expect(definitionErrors(run.definition)).toEqual([])
    expect(run.definition.version).toBe('1.1')
    expect(Object.keys(run.definition.learned.input.files)).toHaveLength(4)
    expect(run.definition.learned.date).toBe(truth.now)
    expect(run.report).toContain('```mermaid')
  })

  it('from too few customers for a stage’s steps to pass, leaves that stage without a path and still validates', async () => {
    const few = mkdtempSync(join(tmpdir(), 'dp-learn-few-'))
    try {
      const t = await writeEvents(few, { customers: 200, seed: 1, files: 1 })
      const r = await learn(few, DEF, { now: t.now, workers: 1 })
      const bare = r.definition.stages.filter((s) => !r.definition.learned.stages[s.id]!.keySteps.length && !s.path)
      expect(bare.length).toBeGreaterThan(0)
      expect(r.definition.stages.every((s) => !s.path || s.path.steps.length)).toBe(true)
      expect(definitionErrors(r.definition)).toEqual([])
    } finally {
      rmSync(few, { recursive: true, force: true })
    }
  })

  it('drives the SDK’s engine: next steps follow the learned order, a failure step is never proposed and reads as offPath', () => {
    const engine = createEngine(run.definition)
    const onboarding = run.definition.stages.find((s) => s.id == 'onboarding')!.path!.steps
    const keys = onboarding.filter((s) => s.key)
    const fail = onboarding.find((s) => !s.key)!
    let n = 0
    const ev = (event: string, h: number) => ({ type: 'track', event, messageId: 'm' + n++, anonymousId: 'a', t: 1e12 + h * 36e5 })
    const at = (evs: ReturnType<typeof ev>[]) => engine.snapshot(foldAll(engine, evs).state, evs[evs.length - 1]!.t)
    const start = [ev('Home Viewed', 0), ev('Demo Requested', 1), ev('Signed Up', 2)]
    // a failure step first: the path still starts at the first key step, and nothing is "skipped"
    const afterError = at([...start, ev(fail.match.name!, 3)])
    expect(afterError.next!.id).toBe(keys[0]!.id)
    expect(afterError.signals.map((x) => x.kind)).not.toContain('skippedKeyStep')
    const done = [...start]
    keys.forEach((k, i) => {
      expect({ i, next: at(done).next?.id }).toEqual({ i, next: k.id })
      done.push(ev(k.match.name!, 4 + i))
    })
    expect(at(done).next).toBeNull()
    // the failure step after a key step is off the path, with the learned odds
    const off = at([...start, ev(keys[0]!.match.name!, 3), ev(fail.match.name!, 4)])
    expect(off.signals.find((x) => x.kind == 'offPath')?.explanation).toMatch(/^Only \d+% of customers did “Error Shown”/)
  })

  it('one run and a merged 4-shard run give the same learned definition', async () => {
    const parts = []
    for (let i = 0; i < 4; i++) parts.push(await learnPartial(dir, DEF, { now: truth.now, workers: 1, shard: `${i}/4` }))
    expect(parts.map((p) => p.subjects).reduce((a, b) => a + b)).toBe(truth.customers)
    expect(Math.min(...parts.map((p) => p.subjects))).toBeGreaterThan(truth.customers / 8)
    const merged = fromPartials(DEF, parts.reverse())
    expect(merged.definition).toEqual(run.definition)
    expect(merged.report).toBe(run.report)
  }, 120_000)
})

describe('desire-path uplift on planted data', () => {
  it('counts every arm exactly; the planted effect is inside the interval, and a null nudge’s interval holds 0', async () => {
    const u = await uplift(dir, DEF, { now: truth.now, workers: 1 })
    for (const [id, t] of Object.entries(truth.nudges)) {
      expect({ id, arms: u[id]!.arms, censored: u[id]!.censored }).toEqual({ id, arms: t.arms, censored: t.censored })
      const [lo, hi] = u[id]!.ci95!
      expect({ id, inside: lo <= t.relative && t.relative <= hi }).toEqual({ id, inside: true })
    }
    expect(u['invite-nudge']!.conversion).toBe('goal')
    expect(u['tour-nudge']!.conversion).toBe('next stage')
    // the planted +50% is detected; the null effect is not
    expect(u['invite-nudge']!.p!).toBeLessThan(0.05)
    expect(u['tour-nudge']!.ci95![0]).toBeLessThan(0)
  }, 120_000)
})
