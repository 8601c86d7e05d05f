import type { JourneyDefinition, StageDef, StepDef } from '../journey/types.js'
import { nextSteps } from './next.js'
import { mergeQuality, quality } from './quality.js'
import { quantile } from './sketch.js'
import { normalCdf } from './stats.js'
import type { CandidateFigures, LearnParams, LearnedBlock, LearnedStage, LearnPartial, StageStats } from './types.js'

// From counts to a recommended path: per stage, the key steps (support, lift, phi, each
// above its minimum, and significant), their order from pairwise precedence, p75 timings,
// next-step odds, and the steps that predict failure. The input definition comes back with
// each stage's `path` (and `stall`) filled in, a minor version bump and a `learned` block.

/** The family-wise error rate of a stage's tests (Bonferroni over its candidates). */
const ALPHA = 0.05

/** ms as an ISO 8601 duration, to the second: `P1DT2H3M4S`, at least `PT1S`. */
export function isoDuration(ms: number): string {
  let s = Math.max(1, Math.round(ms / 1000))
  const d = Math.floor(s / 86400)
  s -= d * 86400
  const h = Math.floor(s / 3600)
  s -= h * 3600
  const m = Math.floor(s / 60)
  s -= m * 60
  const t = (h ? h + 'H' : '') + (m ? m + 'M' : '') + (s ? s + 'S' : '')
  return 'P' + (d ? d + 'D' : '') + (t ? 'T' + t : '')
}

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d
const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'step'
const sameMatch = (a: StepDef['match'], b: StepDef['match']) =>
  JSON.stringify({ ...a, type: a.type || 'track' }) == JSON.stringify({ ...b, type: b.type || 'track' }) || (a.name != null && !a.type && !a.where && a.name == b.name && b.type == 'track')

/** Words for explanations ("90% of customers who reached Onboarding did “Workspace Created” within 5 hours"), for steps without a label. */
const label = (m: StepDef['match']) => (m.type == 'page' ? (m.name ? `viewed the ${m.name} page` : `viewed ${m.where?.[0]?.value}`) : `did “${m.name}”`)

/** Step ids other parts of the definition refer to (nudge triggers, `stepDone`): kept in the path. */
function referenced(def: JourneyDefinition): Set<string> {
  const out = new Set<string>()
  const walk = (v: unknown) => {
    if (!v || typeof v != 'object') return
    for (const [k, x] of Object.entries(v)) {
      if ((k == 'stepDone' || k == 'step') && typeof x == 'string') out.add(x)
      else walk(x)
    }
  }
  walk(def.nudges)
  walk(def.predicates)
  walk(def.stages.map((s) => [s.entry, s.demote]))
  walk(def.exits)
  walk(def.goal)
  return out
}

/** Each candidate's figures (in key order), and the candidate key of each step id. */
function figures(st: StageStats, p: LearnParams, stage: StageDef, tests: number): { cands: CandidateFigures[]; keyOf: Map<string, string> } {
  const { successful: S, unsuccessful: U } = st
  const N = S + U
  const old = stage.path?.steps || []
  const taken = new Set(old.map((x) => x.id))
  const keyOf = new Map<string, string>()
  const cands = Object.keys(st.cand)
    .sort()
    .map((key) => {
      const c = st.cand[key]!
      const n = c.s + c.u
      const support = S ? c.s / S : 0
      const lift = N && n ? c.s / n / (S / N) : 0
      const den = Math.sqrt(n * (N - n) * S * U)
      const phi = den ? (c.s * (U - c.u) - c.u * (S - c.s)) / den : 0
      // enough visits, and an association unlikely by chance: χ² = N·phi² (1 degree of
      // freedom), two-sided p from the normal distribution of √χ², Bonferroni-corrected
      const pValue = 2 * normalCdf(-Math.abs(phi) * Math.sqrt(N))
      const strong = n >= p.minSupport && pValue * tests < ALPHA
      const prior = old.find((x) => sameMatch(x.match, c.match))
      let id = prior?.id || slug(key.slice(2))
      if (!prior) for (let i = 2; taken.has(id); i++) id = slug(key.slice(2)) + '-' + i
      taken.add(id)
      keyOf.set(id, key)
      const f: CandidateFigures = {
        id,
        match: c.match,
        support: round(support),
        lift: round(lift),
        phi: round(phi),
        n,
        p: Number(pValue.toPrecision(3)),
        key: strong && support >= p.minShare && lift >= p.minLift && phi >= p.minPhi,
        negative: strong && phi <= -p.minPhi,
      }
      const t = quantile(c.at, 0.75)
      if (isFinite(t)) f.p75 = Math.round(t)
      return f
    })
  return { cands, keyOf }
}

/** Key steps in the order successful customers take them: by how many others each precedes (Copeland-like), then by time. */
function order(keys: CandidateFigures[], byId: Map<string, string>, st: StageStats): CandidateFigures[] {
  const share = (a: string, b: string) => {
    const ab = st.before[byId.get(a) + '\t' + byId.get(b)] || 0
    const ba = st.before[byId.get(b) + '\t' + byId.get(a)] || 0
    return ab + ba ? ab / (ab + ba) : 0.5
  }
  const score = new Map(keys.map((a) => [a.id, keys.reduce((x, b) => x + (a == b ? 0 : share(a.id, b.id)), 0)]))
  return keys.slice().sort((a, b) => score.get(b.id)! - score.get(a.id)! || (a.p75 ?? 0) - (b.p75 ?? 0) || (a.id < b.id ? -1 : 1))
}

/** Learns one stage: its figures, and its path (or why not). */
function stage(def: JourneyDefinition, i: number, st: StageStats, p: LearnParams, refs: Set<string>): { learned: LearnedStage; stage: StageDef } {
  const sd = def.stages[i]!
  const visits = { successful: st.successful, unsuccessful: st.unsuccessful, censored: st.censored }
  const base: LearnedStage = { visits, keySteps: [], negativeSteps: [], order: [], candidates: [], tests: 0 }
  const skipped =
    i == def.stages.length - 1 && !def.goal ? 'no outcome: the last stage, and the definition has no goal' : !st.successful ? 'no successful visits' : !st.unsuccessful ? 'no unsuccessful visits to compare with' : ''
  if (skipped) return { learned: { ...base, skipped }, stage: sd }
  // every candidate with enough visits is a test: each must pass at ALPHA / tests
  const tests = Object.values(st.cand).filter((c) => c.s + c.u >= p.minSupport).length
  const { cands, keyOf: byId } = figures(st, p, sd, tests)
  const keys = order(cands.filter((c) => c.key), byId, st)
  const negative = cands.filter((c) => c.negative)
  // hand-written steps other parts of the definition name (a nudge's trigger, stepDone)
  const kept = (sd.path?.steps || []).filter((x) => refs.has(x.id) && !cands.some((c) => c.id == x.id && (c.key || c.negative)))
  // The path the SDK reads: the steps that are not key first (so they are never a key
  // step's "later step", which would read as a skipped key step), then the key steps in
  // the recommended order. Only key steps have next-step odds; a failure step is in them
  // only below 10%, so the SDK never proposes it and raises offPath when it is taken.
  // Without a key step there is no path to be off: failure steps stay in the figures.
  const avoid = keys[0] ? negative : []
  const chosen = [...avoid, ...keys]
  const odds = nextSteps(st, chosen.map((c) => byId.get(c.id)!))
  const steps: StepDef[] = chosen.map((c, j) => {
    const prior = sd.path?.steps.find((x) => x.id == c.id)
    const next: Record<string, number> = {}
    if (c.key) odds[j]!.forEach((q, k) => q >= 0.001 && (chosen[k]!.key || q < 0.1) && (next[chosen[k]!.id] = round(q)))
    return {
      id: c.id,
      label: prior?.label || label(c.match),
      match: c.match,
      key: c.key,
      ...(c.p75 != null && { expectedWithin: isoDuration(c.p75) }),
      share: c.support,
      ...(c.key && { next }),
    }
  })
  // kept steps lose their own odds, which may name steps the path no longer has
  steps.unshift(...kept.map(({ next: _next, ...x }) => ({ ...x, key: false })))
  const stall = quantile(st.toNext, 0.75)
  const learned: LearnedStage = {
    ...base,
    keySteps: keys.map((c) => c.id),
    negativeSteps: negative.map((c) => c.id),
    stall: isoDuration(stall),
    order: keys.slice(1).map((c, j) => {
      const a = byId.get(keys[j]!.id)!
      const b = byId.get(c.id)!
      const ab = st.before[a + '\t' + b] || 0
      const ba = st.before[b + '\t' + a] || 0
      return { before: keys[j]!.id, after: c.id, share: ab + ba ? round(ab / (ab + ba)) : 0 }
    }),
    candidates: cands,
    tests,
  }
  // no step at all (too few customers for any to pass): no path, rather than an empty one
  const { path: _none, ...rest } = sd
  if (!steps[0]) return { learned, stage: { ...rest, stall: learned.stall! } }
  return { learned, stage: { ...sd, stall: learned.stall!, path: { ...sd.path, steps, basis: st.successful } } }
}

/** `1` → `1.1`, `1.2` → `1.3`, `1.2.3` → `1.3.0`. */
export function bumpMinor(v: string): string {
  const [major, minor = '0'] = v.split('.')
  return v.split('.').length == 3 ? `${major}.${+minor + 1}.0` : `${major}.${+minor + 1}`
}

/** The learned definition of a (merged) partial. */
export function learnedDefinition(def: JourneyDefinition, part: LearnPartial, by: string): JourneyDefinition & { learned: LearnedBlock } {
  const refs = referenced(def)
  const files = Object.keys(part.input.files)
  const total = quality()
  for (const f of files) if (part.quality[f]) mergeQuality(total, part.quality[f], files)
  mergeQuality(total, part.replay, files)
  const learned: LearnedBlock = {
    by,
    date: part.params.now,
    from: { id: def.id, version: def.version },
    params: part.params,
    input: part.input,
    quality: total,
    subjects: part.subjects,
    stages: {},
  }
  const stages = def.stages.map((sd, i) => {
    const r = stage(def, i, part.stages[sd.id]!, part.params, refs)
    learned.stages[sd.id] = r.learned
    return r.stage
  })
  // a learned block of the input (learning again from a learned definition) is replaced
  return { ...def, version: bumpMinor(def.version), stages, learned }
}
