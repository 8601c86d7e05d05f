import { humanize, parseDuration } from '../journey/duration.js'
import type { EventMatch, JourneyDefinition, StageDef, StepDef } from '../journey/types.js'
import type { Arm, CandidateFigures, LearnedBlock, LearnedStage, LearnParams, NudgeUplift, QualityKind } from './types.js'

// report.md: what was learned, for a person. Key steps are associations, so every figure
// says what it is a share of, and the caveats name the numbers they are about.

/** Stages with fewer successful visits than this are flagged as small samples. */
const SMALL = 100
/** Rejected candidates listed per stage, the most frequent first. */
const REJECTED = 8

const pct = (x: number) => `${Math.round(x * 100)}%`
/** A signed percentage (`+50%`, `−3%`, `0%`), or with `d` decimals and a unit: percentage points (`+1.6 pp`). */
const signed = (x: number, d = 0, unit = '%') => {
  const r = Math.round(x * 100 * 10 ** d) / 10 ** d
  return (r > 0 ? '+' : r < 0 ? '−' : '') + Math.abs(r).toFixed(d) + unit
}
const dp = (x: number, d = 2) => x.toFixed(d)
const int = (n: number) => n.toLocaleString('en-US')
const pValue = (p: number) => (p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`)
/** An ISO 8601 duration with its human form: `P2D (2 days)`. */
const dur = (d: string) => (isFinite(parseDuration(d)) ? `${d} (${humanize(parseDuration(d))})` : d)
const UNITS: Record<string, string> = { day: 'd', hour: 'h', minute: 'min', second: 's' }
/** `3 hours` → `3 h`, for diagram labels. */
const short = (ms: number) => humanize(ms).replace(/ (day|hour|minute|second)s?$/, (_, u: string) => ' ' + UNITS[u])
/** Plain text in Markdown (tables included): no emphasis, links, HTML or cell breaks. */
const md = (s: string) => s.replace(/[\\`*_[\]<>|]/g, '\\$&').replace(/\s*\n\s*/g, ' ')
/** Text for a quoted Mermaid label (`["…"]`): entity codes for what could end or mark up the label, `#` too (they begin with it). */
const ENTITY: Record<string, string> = { '#': '#35;', '"': '#quot;', '<': '#lt;', '>': '#gt;', '`': '#96;', '[': '#91;', ']': '#93;', '(': '#40;', ')': '#41;' }
const mermaid = (s: string) => s.replace(/[#"<>`[\]()]/g, (c) => ENTITY[c]!).replace(/\s+/g, ' ')
const table = (head: string[], rows: string[][]) => [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n')

/** The event a match finds: `Name`, `page Name`, `page /path`. */
export function eventOf(m: EventMatch): string {
  const path = m.where?.find((f) => f.prop == 'path' && f.op == 'eq')?.value
  const what = m.name ?? (typeof path == 'string' ? path : undefined)
  if (m.type == 'page') return what == null ? 'page' : `page ${what}`
  return what ?? m.type ?? JSON.stringify(m)
}

/** Why a candidate is neither a key nor a negative step, as the learner decides it (learned.ts). */
function why(c: CandidateFigures, p: LearnParams, tests: number): string {
  const r: string[] = []
  if (c.n < p.minSupport) r.push(`below min-support n (${c.n} < ${p.minSupport})`)
  if (c.support < p.minShare) r.push(`low support (${pct(c.support)} < ${pct(p.minShare)})`)
  if (c.lift < p.minLift) r.push(`low lift (${dp(c.lift)} < ${dp(p.minLift)})`)
  if (c.phi < p.minPhi) r.push(`low phi (${dp(c.phi)} < ${dp(p.minPhi)})`)
  if (!r.length && c.p * tests >= 0.05) r.push(`not significant (p ${c.p.toPrecision(2)}, Bonferroni over ${tests} tests)`)
  return r.join('; ') || '—'
}

const figuresRow = (c: CandidateFigures) => [md(eventOf(c.match)), pct(c.support), dp(c.lift) + '×', dp(c.phi), int(c.n)]
const FIGURES = ['Event', 'Support', 'Lift', 'Phi', 'n']

function stageSection(def: JourneyDefinition, i: number, ls: LearnedStage | undefined, p: LearnParams): string[] {
  const sd: StageDef = def.stages[i]!
  const name = sd.name || sd.id
  const out = [`## Stage ${i + 1}: ${md(name)} (\`${sd.id}\`)`, '']
  if (!ls) return [...out, 'No figures for this stage.', '']
  const { successful: S, unsuccessful: U, censored: C } = ls.visits
  const rate = S + U ? `, a success rate of ${pct(S / (S + U))}` : ''
  out.push(`Visits: ${int(S)} successful, ${int(U)} unsuccessful${rate}; ${int(C)} censored (still open at the end of observation: excluded).`, '')
  if (ls.skipped) return [...out, `Nothing learned: ${md(ls.skipped)}. The stage's path is left as it was.`, '']
  const byId = new Map(ls.candidates.map((c) => [c.id, c]))
  const steps = sd.path?.steps || []
  const label = (id: string) => md(eventOf((byId.get(id) || steps.find((s) => s.id == id))?.match || {}))
  const keys = steps.filter((s) => s.key && byId.has(s.id))
  const within = (s: StepDef) => (s.expectedWithin ? humanize(parseDuration(s.expectedWithin)) : '—')
  out.push('### Key steps', '')
  if (keys.length) out.push(table(['Step', ...FIGURES, 'Expected within (p75)'], keys.map((s) => [`\`${s.id}\``, ...figuresRow(byId.get(s.id)!), within(s)])))
  else out.push('No candidate passed every threshold: the path has no key step.')
  const kept = steps.filter((s) => !s.key && !ls.negativeSteps.includes(s.id))
  if (kept.length) out.push('', `Kept in the path as they were (other parts of the definition refer to them): ${kept.map((s) => `\`${s.id}\``).join(', ')}.`)
  const rejected = ls.candidates.filter((c) => !c.key && !c.negative).sort((a, b) => b.n - a.n || (a.id < b.id ? -1 : 1))
  if (rejected.length) {
    const more = rejected.length > REJECTED ? ` (the ${REJECTED} most frequent of ${rejected.length})` : ''
    out.push('', `### Considered, not key${more}`, '')
    out.push(table(FIGURES.concat('Why not'), rejected.slice(0, REJECTED).map((c) => [...figuresRow(c), why(c, p, ls.tests)])))
  }
  if (ls.negativeSteps.length) {
    out.push('', '### Steps that predict failure', '', `Visits with these ended unsuccessful more often (phi ≤ -${dp(p.minPhi)}).`, '')
    out.push(table(['Step', ...FIGURES], ls.negativeSteps.filter((id) => byId.has(id)).map((id) => [`\`${id}\``, ...figuresRow(byId.get(id)!)])))
  }
  out.push('', '### Timing and order', '')
  if (ls.stall) out.push(`- Stall after ${dur(ls.stall)}: the p75 time from entry to the next stage among successful visits.`)
  for (const o of ls.order) out.push(`- ${label(o.before)} before ${label(o.after)} in ${pct(o.share)} of successful visits with both.`)
  const next = def.stages[i + 1]
  const nodes = keys.map((s, j) => {
    const c = byId.get(s.id)!
    const t = c.p75 != null ? ` · p75 ${short(c.p75)}` : ''
    return `k${j + 1}["${mermaid(eventOf(c.match))}<br/>${pct(c.support)}${t}"]`
  })
  const ends = [`s0(["${mermaid(name)}"])`, next ? `s1(["${mermaid(next.name || next.id)}"])` : 's1(["Goal"])']
  out.push('', '```mermaid', 'flowchart LR', '  ' + [ends[0], ...nodes, ends[1]].join(' --> '), '```', '')
  return out
}

const KINDS: [QualityKind, string][] = [
  ['malformed', 'not JSON'],
  ['notMessage', 'not a message'],
  ['missingId', 'no anonymousId nor userId'],
  ['missingTimestamp', 'no usable timestamp'],
  ['missingMessageId', 'no messageId: one was made from the content'],
  ['duplicate', 'a messageId seen before: dropped'],
]

function qualitySection(l: LearnedBlock): string[] {
  const { lines, messages, files } = l.input
  const n = Object.keys(files).length
  const read = `${int(lines)} lines read from ${n} file${n == 1 ? '' : 's'}, ${int(messages)} messages accepted (before deduplication).`
  const out = ['## Data quality', '', read, '']
  const rows = KINDS.filter(([k]) => l.quality.counts[k]).map(([k, d]) => [k, d, int(l.quality.counts[k]!), md((l.quality.first[k] || []).join(', '))])
  return [...out, rows.length ? table(['Problem', 'Meaning', 'Count', 'First lines'], rows) : 'No problems found.', '']
}

function upliftSection(uplift: Record<string, NudgeUplift>): string[] {
  const out = ['## Nudge uplift', '', 'Intent to treat: every subject from its first `Nudge Eligible`, in the arm it was given then.', '']
  const pp = (x: number) => signed(x, 1, ' pp')
  const ci = (r: [number, number] | null, f: (x: number) => string) => (r ? ` (95% CI ${f(r[0])} to ${f(r[1])})` : '')
  for (const id of Object.keys(uplift).sort()) {
    const u = uplift[id]!
    const measure = `${u.conversion == 'goal' ? "the nudge's goal" : 'reaching the next stage'} within ${dur(u.horizon)}`
    const stage = u.stage == null ? 'any' : `\`${u.stage}\``
    out.push(`### \`${id}\``, '', `Stage: ${stage}; conversion: ${measure}; ${int(u.censored)} censored (eligible too recently).`, '')
    const rows = (['treatment', 'control', 'holdout'] as Arm[]).map((a) => {
      const { subjects: n, conversions: x } = u.arms[a]
      return [a, int(n), int(x), n ? pct(x / n) : '—']
    })
    out.push(table(['Arm', 'Subjects', 'Conversions', 'Rate'], rows), '')
    const abs = u.absolute == null ? '' : `; absolute ${pp(u.absolute)}${ci(u.absoluteCi95, pp)}`
    const rel = u.relative == null ? 'undefined' : signed(u.relative)
    out.push(`Relative uplift: ${rel}${ci(u.ci95, (x) => signed(x))}${abs}; ${u.p == null ? 'p undefined' : pValue(u.p)}.`)
    if (u.warning) out.push('', `> **Warning:** ${md(u.warning)}`)
    out.push('')
  }
  return out
}

function caveats(def: JourneyDefinition, l: LearnedBlock, uplift: Record<string, NudgeUplift>): string[] {
  const stages = def.stages.map((s) => [s.name || s.id, l.stages[s.id]] as const)
  const out = ['## Caveats', '']
  out.push(
    '- Correlation is not causation: key steps are steps that successful visits took more often, not steps shown to cause success. ' +
      (Object.keys(uplift).length ? "Only the uplift tables' randomised comparisons are causal." : 'No randomised comparison (nudge uplift) was measured.'),
  )
  const open = stages.filter(([, s]) => s?.visits.censored)
  const C = open.reduce((n, [, s]) => n + s!.visits.censored, 0)
  const where = open.map(([n, s]) => `${md(n)} ${int(s!.visits.censored)}`).join(', ')
  if (C) out.push(`- ${int(C)} censored visits (${where}) were observed for less than the horizon and are excluded from every figure.`)
  const small = stages.filter(([, s]) => s && !s.skipped && s.visits.successful < SMALL)
  const few = small.map(([n, s]) => `${md(n)} (${int(s!.visits.successful)})`).join(', ')
  if (few) out.push(`- Small samples (fewer than ${SMALL} successful visits): ${few}; their figures are uncertain.`)
  out.push(`- Horizon ${dur(l.params.horizon)}: a visit that reached the next stage (or the goal) later than that after its entry counts as unsuccessful.`)
  const byCase = new Map<string, Set<string>>()
  for (const [, s] of stages) for (const c of s?.candidates || []) {
    const e = eventOf(c.match)
    byCase.set(e.toLowerCase(), (byCase.get(e.toLowerCase()) || new Set()).add(e))
  }
  for (const v of byCase.values())
    if (v.size > 1) out.push(`- ${[...v].sort().map((e) => `\`${e.replace(/`/g, "'")}\``).join(' and ')} are counted apart; the SDK matches names exactly.`)
  return [...out, '']
}

/**
 * The report (Markdown) of a learned definition and its nudges' uplift: provenance, per
 * stage the key steps, rejected candidates, steps that predict failure, timing, order and
 * the happy path (Mermaid), the data quality, the uplift tables and the caveats.
 * @example writeFileSync('report.md', renderReport(definition, uplift))
 */
export function renderReport(def: JourneyDefinition & { learned: LearnedBlock }, uplift: Record<string, NudgeUplift>): string {
  const l: LearnedBlock = def.learned
  const p = l.params
  const files = Object.entries(l.input.files).map(([f, h]) => `\`${f.replace(/`/g, "'")}\` (${h.slice(0, 19)}…)`)
  const out = [
    `# Learned journey \`${def.id}\`: ${l.from.version} → ${def.version}`,
    '',
    `Learned by ${md(l.by)} from ${int(l.subjects)} subjects, observed until ${l.date}.`,
    '',
    `- Input: ${files.join(', ') || 'none'}`,
    `- Parameters: horizon ${dur(p.horizon)}, minSupport ${p.minSupport}, minShare ${pct(p.minShare)}, minLift ${dp(p.minLift)}, ` +
      `minPhi ${dp(p.minPhi)}, learnFrom ${p.learnFrom}`,
    '',
  ]
  def.stages.forEach((_, i) => out.push(...stageSection(def, i, l.stages[def.stages[i]!.id], p)))
  out.push(...qualitySection(l))
  if (Object.keys(uplift).length) out.push(...upliftSection(uplift))
  out.push(...caveats(def, l, uplift))
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n'
}
