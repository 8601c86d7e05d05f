// @vitest-environment node
// The synthetic exports for the learner (examples/demo/customers.mjs): deterministic, and
// the truth it returns is what the lines say. Visits and per-step counts are rebuilt here
// independently, with the real journey engine, and must match the truth exactly.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createEngine, type JourneyState } from '../../../src/journey/engine.js'
import type { JourneyEvent } from '../../../src/journey/rules.js'
import type { JourneyDefinition } from '../../../src/journey/types.js'
import { generateLines, type Truth } from '../../../examples/demo/customers.mjs'

const def = JSON.parse(readFileSync(new URL('../../../examples/journeys/b2b-saas.json', import.meta.url), 'utf8')) as JourneyDefinition
const STAGES = def.stages.map((s) => s.id)
const DAY = 864e5
type Msg = Record<string, any>

const { lines, truth } = generateLines({ customers: 500 })

/** Parses every line: messages by kind, as the learner's reader sorts them. */
function parse(ls: string[]) {
  let malformed = 0
  let missingId = 0
  let missingTimestamp = 0
  let envelopes = 0
  let bare = 0
  const batchSizes: number[] = []
  const valid: Msg[] = []
  for (const l of ls) {
    let doc: Msg
    try {
      doc = JSON.parse(l)
    } catch {
      malformed++
      continue
    }
    const msgs: Msg[] = Array.isArray(doc.batch) ? doc.batch : [doc]
    if (Array.isArray(doc.batch)) envelopes++, batchSizes.push(msgs.length)
    else bare++
    for (const m of msgs) {
      if (!m.anonymousId && !m.userId) missingId++
      else if (!isFinite(Date.parse(m.timestamp))) missingTimestamp++
      else valid.push(m)
    }
  }
  return { malformed, missingId, missingTimestamp, envelopes, bare, batchSizes, valid }
}
const parsed = parse(lines)

/** Distinct valid messages, one subject per stitched customer (ids a message carries together). */
function subjects(valid: Msg[]) {
  const seen = new Map<string, Msg>()
  let duplicates = 0
  for (const m of valid) {
    if (seen.has(m.messageId)) {
      duplicates++
      expect(JSON.stringify(seen.get(m.messageId))).toBe(JSON.stringify(m)) // a resend is an exact copy
    } else seen.set(m.messageId, m)
  }
  const parent = new Map<string, string>()
  const find = (x: string): string => {
    while (parent.has(x) && parent.get(x) != x) x = parent.get(x)!
    return x
  }
  const link = (a: string, b: string) => {
    for (const x of [a, b]) if (!parent.has(x)) parent.set(x, x)
    const [ra, rb] = [find(a), find(b)]
    if (ra != rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb)
  }
  for (const m of seen.values()) if (m.anonymousId && m.userId) link(m.anonymousId, m.userId)
  const by = new Map<string, JourneyEvent[]>()
  for (const m of seen.values()) {
    const id = find(m.anonymousId || m.userId)
    const e: JourneyEvent = { type: m.type, messageId: m.messageId, t: Date.parse(m.timestamp) }
    if (m.type == 'track') e.event = m.event
    if (m.type == 'page') e.name = m.name
    if (m.properties) e.properties = m.properties
    if (m.traits) e.traits = m.traits
    if (m.anonymousId) e.anonymousId = m.anonymousId
    if (m.userId) e.userId = m.userId
    ;(by.get(id) || by.set(id, []).get(id)!).push(e)
  }
  for (const evs of by.values()) evs.sort((a, b) => a.t - b.t || (a.messageId < b.messageId ? -1 : 1))
  return { distinct: seen.size, duplicates, by }
}
const subs = subjects(parsed.valid)

const name = (e: JourneyEvent) => (e.type == 'page' ? e.name : e.event)
const candidate = (e: JourneyEvent) => (e.type == 'track' ? 't:' + e.event : e.type == 'page' ? 'p:' + e.name : undefined)
/** entry events of later stages, and the goal: a stage's outcomes, never its steps */
const LATER = [
  (e: JourneyEvent) => (e.type == 'page' && e.name == 'Pricing') || name(e) == 'Demo Requested',
  (e: JourneyEvent) => name(e) == 'Signed Up',
  (e: JourneyEvent) => name(e) == 'Dashboard Shared',
  (e: JourneyEvent) => name(e) == 'Plan Upgraded',
  (e: JourneyEvent) => name(e) == 'Referral Sent',
  (e: JourneyEvent) => name(e) == 'Case Study Published',
]
const isOutcome = (stage: number, e: JourneyEvent) => LATER.slice(stage).some((f) => f(e))
const derived = (e: JourneyEvent) => e.type == 'track' && (e.event == 'Nudge Eligible' || e.event == 'Nudge Shown')

/** Replays every subject through the engine and counts visits, steps and nudges by the learner's rules. */
function replayAll(by: Map<string, JourneyEvent[]>, t: Truth) {
  const engine = createEngine(def)
  const now = Date.parse(t.now)
  const H = t.horizonDays * DAY
  const stages = Object.fromEntries(STAGES.map((id) => [id, { visits: { successful: 0, unsuccessful: 0, censored: 0 }, steps: {} as Record<string, { successful: number; unsuccessful: number }> }]))
  const arms = () => ({ treatment: { subjects: 0, conversions: 0 }, control: { subjects: 0, conversions: 0 }, holdout: { subjects: 0, conversions: 0 } })
  const nudges: Record<string, { arms: ReturnType<typeof arms>; censored: number }> = { 'invite-nudge': { arms: arms(), censored: 0 }, 'tour-nudge': { arms: arms(), censored: 0 } }
  let skipped = 0
  for (const evs of by.values()) {
    let s: JourneyState = engine.init()
    let visit: { stage: number; t0: number; keys: Set<string> } | undefined
    const pending: { id: string; t0: number; arm: 'treatment' | 'control' | 'holdout'; converted: boolean }[] = []
    const close = (ok: boolean, at: number) => {
      if (!visit) return
      const st = stages[STAGES[visit.stage]!]!
      const outcome = ok && at - visit.t0 <= H ? 'successful' : Math.min(at, now) - visit.t0 >= H || (!ok && at <= now) ? 'unsuccessful' : 'censored'
      st.visits[outcome]++
      if (outcome != 'censored') for (const k of visit.keys) (st.steps[k] ||= { successful: 0, unsuccessful: 0 })[outcome]++
      visit = undefined
    }
    for (const e of evs) {
      if (derived(e)) {
        const p = e.properties!
        if (e.event == 'Nudge Eligible' && !pending.some((x) => x.id == p.nudge)) pending.push({ id: p.nudge as string, t0: e.t, arm: p.arm as 'treatment', converted: false })
        continue
      }
      const prev = s
      s = engine.fold(s, e).state
      const moves = s.history.slice(prev.history.length)
      for (const tr of moves) {
        const to = STAGES.indexOf(tr.to)
        expect(tr.skipped, 'a stage is never skipped').toBeUndefined()
        if (visit) close(to > visit.stage, tr.at)
        if (tr.at < now) visit = { stage: to, t0: tr.at, keys: new Set() }
        for (const p of pending) if (p.id == 'tour-nudge' && to > 3 && tr.at - p.t0 <= H) p.converted = true
      }
      if (s.goal != null && prev.goal == null && visit?.stage == STAGES.length - 1) close(true, s.goal)
      for (const p of pending) if (p.id == 'invite-nudge' && e.event == 'Teammate Invited' && e.t - p.t0 <= 7 * DAY) p.converted = true
      const caused = moves.some((tr) => tr.cause == e.messageId)
      const k = candidate(e)
      if (caused || !visit || !k || e.t >= now || e.t - visit.t0 > H) continue
      if (isOutcome(visit.stage, e)) skipped++
      else visit.keys.add(k)
    }
    close(false, Infinity)
    for (const p of pending) {
      const n = nudges[p.id]!
      if (p.t0 + (p.id == 'invite-nudge' ? 7 * DAY : H) > now) n.censored++
      else {
        n.arms[p.arm].subjects++
        if (p.converted) n.arms[p.arm].conversions++
      }
    }
  }
  return { stages, nudges, skipped }
}
const replayed = replayAll(subs.by, truth)

describe('customers.mjs: the synthetic exports', () => {
  it('is deterministic for a seed, and differs across seeds', () => {
    const a = generateLines({ customers: 60, seed: 7 })
    const b = generateLines({ customers: 60, seed: 7 })
    expect(b.lines).toEqual(a.lines)
    expect(b.truth).toEqual(a.truth)
    const c = generateLines({ customers: 60, seed: 8 })
    expect(c.lines).not.toEqual(a.lines)
    // a customer's data does not depend on how many come after it
    const d = generateLines({ customers: 30, seed: 7 })
    const ids = (ls: string[]) => new Set(parse(ls).valid.map((m) => m.messageId))
    const small = ids(d.lines)
    const big = ids(a.lines)
    expect([...small].every((id) => big.has(id))).toBe(true)
  })

  it('counts lines, garbage, junk messages and resends as the truth says', () => {
    expect(lines.length).toBe(truth.lines)
    expect(parsed.malformed).toBe(truth.quality.malformed)
    expect(parsed.missingId).toBe(truth.quality.missingId)
    expect(parsed.missingTimestamp).toBe(truth.quality.missingTimestamp)
    expect(subs.distinct).toBe(truth.messages)
    expect(subs.duplicates).toBe(truth.quality.resentMessages)
    expect(subs.by.size).toBe(truth.customers) // identities stitch into one subject per customer
    // roughly as planned: ~20 messages a customer, ~3% resent, a little garbage
    expect(truth.messages / truth.customers).toBeGreaterThan(17)
    expect(truth.messages / truth.customers).toBeLessThan(23)
    expect(truth.quality.resentMessages / truth.messages).toBeGreaterThan(0.015)
    expect(truth.quality.resentMessages / truth.messages).toBeLessThan(0.05)
    expect(truth.quality.missingId + truth.quality.missingTimestamp).toBeGreaterThan(0)
    // mostly batch envelopes of 1–20 messages, some bare messages
    expect(parsed.envelopes).toBeGreaterThan(parsed.bare)
    expect(parsed.bare).toBeGreaterThan(0)
    expect(Math.min(...parsed.batchSizes)).toBeGreaterThanOrEqual(1)
    expect(Math.max(...parsed.batchSizes)).toBeLessThanOrEqual(21) // 20 + a junk copy
  })

  it('gives every message the SDK shape, and splits identities as a real setup does', () => {
    // checked without expect() per message (thousands of them): the first bad one is reported
    const bad = (why: string) => (m: Msg) => why + ': ' + JSON.stringify(m)
    const check: [(m: Msg) => boolean, (m: Msg) => string][] = [
      [(m) => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(m.messageId), bad('messageId')],
      [(m) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(m.timestamp) && Date.parse(m.timestamp) <= Date.parse(truth.now), bad('timestamp')],
      [(m) => m.type != 'page' || typeof m.properties.path == 'string', bad('page path')],
      [(m) => m.type != 'identify' || (m.userId && m.anonymousId && m.traits && !('email' in m.traits)), bad('identify')],
      [(m) => !m.anonymousId || (m.context.library.name == 'desire-path' && m.context.library.version == '0.1.0' && typeof m.context.session.id == 'number' && /^https:/.test(m.context.page.url)), bad('context')],
      [(m) => m.event != 'Plan Upgraded' || (m.userId && !m.anonymousId), bad('server event')],
      [(m) => !(['Home', 'Pricing', 'Case Studies'].includes(m.name) || ['Webinar Registered', 'Demo Requested', 'Demo Watched'].includes(m.event)) || !m.userId, bad('anonymous')],
      [(m) => !['Signed Up', 'Workspace Created', 'Dashboard Shared', 'Report Scheduled'].includes(m.event) || (m.userId && m.anonymousId), bad('both ids')],
    ]
    for (const [ok, why] of check) expect(parsed.valid.find((m) => !ok(m)) && why(parsed.valid.find((m) => !ok(m))!)).toBeUndefined()
    // the customer who signs up is anonymous on the marketing site, then another id in the product
    const signed = [...subs.by.values()].find((evs) => evs.some((e) => e.event == 'Workspace Created'))!
    const anons = new Set(signed.map((e) => e.anonymousId).filter(Boolean))
    expect(anons.size).toBeGreaterThanOrEqual(2)
    const firstProduct = signed.find((e) => e.anonymousId && e.anonymousId != signed[0]!.anonymousId)!
    expect(firstProduct.type).toBe('identify')
    // bytes per message as the SDK sends them (≈ 500–700 with context)
    const bytes = lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0)
    expect(bytes / parsed.valid.length).toBeGreaterThan(450)
    expect(bytes / parsed.valid.length).toBeLessThan(800)
  })

  it("keeps each customer's times strictly increasing", () => {
    for (const evs of subs.by.values()) for (let i = 1; i < evs.length; i++) expect(evs[i]!.t).toBeGreaterThan(evs[i - 1]!.t)
  })

  it('counts visits and candidates exactly as a replay through the engine does', () => {
    for (const id of STAGES) {
      expect(replayed.stages[id]!.visits, id).toEqual(truth.stages[id]!.visits)
      expect(replayed.stages[id]!.steps, id).toEqual(truth.stages[id]!.steps)
    }
    // every customer enters awareness; the funnel narrows stage by stage
    const v = (id: string) => Object.values(truth.stages[id]!.visits).reduce((a, b) => a + b, 0)
    expect(v('awareness')).toBe(truth.customers)
    for (let i = 1; i < STAGES.length; i++) expect(v(STAGES[i]!)).toBe(truth.stages[STAGES[i - 1]!]!.visits.successful)
    expect(replayed.skipped).toBeGreaterThan(0) // the first "Dashboard Shared" of onboarding, left out
  })

  it('plants key steps with the planted shares, and decoys with equal shares', () => {
    const within = (x: number, p: number, n: number) => expect(Math.abs(x - p), `${x} vs ${p} (n ${n})`).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n) + 0.01)
    for (const id of ['awareness', 'consideration', 'onboarding']) {
      const st = truth.stages[id]!
      const { successful: S, unsuccessful: U } = st.visits
      for (const key of st.keySteps) {
        const c = st.steps[key]!
        // 4% of customers send the invite in lower case (a legacy client)
        const p = st.planted[key]!.successful * (key == 't:Teammate Invited' ? 0.96 : 1)
        within(c.successful / S, p, S)
        // the invite nudge's conversions add invites to unsuccessful onboarding visits
        if (key == 't:Teammate Invited') expect(c.unsuccessful / U).toBeGreaterThan(st.planted[key]!.unsuccessful * 0.96 - 0.05)
        else within(c.unsuccessful / U, st.planted[key]!.unsuccessful, U)
      }
      const help = st.steps['t:Help Article Viewed']!
      within(help.successful / S, 0.5, S)
      within(help.unsuccessful / U, 0.5, U)
      for (const d of st.decoys) expect(st.keySteps).not.toContain(d)
    }
    // the negative step is mostly in unsuccessful visits; the rare one only in successful ones
    const on = truth.stages.onboarding!
    expect(on.steps['t:Error Shown']!.unsuccessful / on.visits.unsuccessful).toBeGreaterThan(0.25)
    expect(on.steps['t:Error Shown']!.successful / on.visits.successful).toBeLessThan(0.12)
    expect(on.steps['t:Beta Feature Enabled']?.unsuccessful ?? 0).toBe(0)
    expect(on.steps['t:Dashboard Shared']).toBeUndefined()
    // timings: the planted p75s are ordered within each stage
    for (const id of STAGES) {
      const w = truth.stages[id]!.keySteps.map((k) => truth.stages[id]!.expectedWithin[k]!)
      expect([...w].sort((a, b) => a - b)).toEqual(w)
    }
  })

  it('assigns nudge arms 10% holdout, the rest half and half, and counts them as a replay does', () => {
    // proportions from a bigger run (only its nudge messages are looked at)
    const big = generateLines({ customers: 1500, seed: 2 }).lines.filter((l) => l.includes('"Nudge '))
    const msgs = new Map<string, Msg>()
    for (const l of big) {
      let doc: Msg
      try {
        doc = JSON.parse(l)
      } catch {
        continue
      }
      for (const m of doc.batch || [doc]) if (m.messageId && m.timestamp && m.userId) msgs.set(m.messageId, m)
    }
    const eligible = [...msgs.values()].filter((m) => m.event == 'Nudge Eligible')
    const shown = [...msgs.values()].filter((m) => m.event == 'Nudge Shown')
    expect(eligible.length).toBeGreaterThan(200)
    const share = (arm: string) => eligible.filter((m) => m.properties.arm == arm).length / eligible.length
    expect(share('holdout')).toBeGreaterThan(0.05)
    expect(share('holdout')).toBeLessThan(0.15)
    expect(Math.abs(share('treatment') - share('control'))).toBeLessThan(0.1)
    expect(eligible.find((m) => !(m.properties.journey == 'b2b-saas' && m.properties.version == '1.0' && m.properties.signal == 'stalled' && m.properties.stage == (m.properties.nudge == 'invite-nudge' ? 'onboarding' : 'adoption')))).toBeUndefined()
    // treatment (only) is shown the nudge, a minute later
    const shownAt = new Map(shown.map((m) => [m.properties.nudge + m.userId, Date.parse(m.timestamp)]))
    expect(eligible.filter((m) => shownAt.has(m.properties.nudge + m.userId) != (m.properties.arm == 'treatment'))).toEqual([])
    expect(eligible.filter((m) => shownAt.has(m.properties.nudge + m.userId) && shownAt.get(m.properties.nudge + m.userId)! - Date.parse(m.timestamp) != 60e3)).toEqual([])
    for (const id of ['invite-nudge', 'tour-nudge']) {
      expect(replayed.nudges[id]!.arms, id).toEqual(truth.nudges[id]!.arms)
      expect(replayed.nudges[id]!.censored, id).toBe(truth.nudges[id]!.censored)
    }
    expect(truth.nudges['invite-nudge']!.relative).toBe(0.5)
    expect(truth.nudges['tour-nudge']!.relative).toBe(0)
  })
})
