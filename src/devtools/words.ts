import { humanize, parseDuration } from '../journey/duration.js'
import type { JourneyDefinition, NudgeDef, StageDef, StepDef } from '../journey/types.js'
import type { NudgeReason, NudgeStatus } from '../nudges/types.js'

// What the overlay says: nudge reasons, stage causes and times as sentences a person reads.

/** One sentence per NudgeReason (nudges/types.ts, decided in nudges/policy.ts). */
export const REASONS: Record<NudgeReason, string> = {
  expired: 'Not eligible: past its expiresAt date.',
  journey: 'Not eligible: the journey has not started, or was exited.',
  stage: 'Not eligible: the customer is in another stage.',
  page: 'Not eligible: this page does not match its "where".',
  audience: 'Not eligible: the customer is not in its audience.',
  trigger: 'Not eligible: its trigger does not hold.',
  exited: 'Held back: dismissed for good, or done.',
  snoozed: 'Held back: snoozed after a dismissal.',
  cap: 'Held back: a frequency or policy cap was reached.',
  gap: "Held back: shown too recently (its minInterval), or another nudge was shown less than the policy's minimum gap ago.",
  'slot busy': 'Held back: another nudge holds its slot in this tab.',
  outranked: 'Held back: outranked by another nudge this round; it stays eligible.',
  holdout: 'Not shown: the customer is in the global holdout (measured).',
  control: "Not shown: the customer is in the experiment's control arm (measured).",
  'no handler': "Held back: the page has no dp.on('nudge') handler to show it.",
  hidden: 'Held back: this tab is hidden.',
  released: 'Released: this page could not show it; another page may.',
}

/** The sentence for a nudge's state, with the detail the definition gives (its stage, its trigger's signal). */
export function reasonText(st: NudgeStatus, n: NudgeDef | undefined, def: JourneyDefinition | undefined): string {
  if (st.showing) return 'Showing (offered, or on screen in a tab).'
  if (!st.reason) return st.eligible ? 'Eligible: offered at the next evaluation.' : 'Not eligible.'
  const base = REASONS[st.reason] || 'Not shown: ' + st.reason + '.'
  const t = n?.trigger
  const detail =
    st.reason == 'stage' && n?.stage
      ? ' Its stage: ' + stageName(def, n.stage) + '.'
      : st.reason == 'trigger' && t && 'signal' in t
        ? ` It waits for the ${t.signal} signal${t.step ? ' on step ' + t.step : ''}.`
        : ''
  return base + detail
}

/** A stage's name from the definition, else its id. */
export function stageName(def: JourneyDefinition | undefined, id: string | null): string {
  if (id == null) return 'no stage yet'
  return findStage(def, id)?.name || id
}

/** A stage of the definition (`asDefinition` made sure `stages` is an array). */
export const findStage = (def: JourneyDefinition | undefined, id: string | null): StageDef | undefined => def?.stages.find((s) => s && s.id == id)

/** A nudge's title: `content.title` when it is a string, else its id. */
export function nudgeTitle(n: NudgeDef | undefined, id: string): string {
  const title = (n?.content as { title?: unknown } | null | undefined)?.title
  return typeof title == 'string' && title ? title : id
}

/** What caused a stage change: `StageChange.cause` in words. */
export function causeText(cause: unknown): string {
  if (typeof cause != 'string' || !cause) return 'unknown'
  if (cause == 'tick') return 'a time-based check (tick)'
  if (cause == 'host') return 'the page called dp.stage()'
  if (cause.startsWith('demote:')) return 'demoted, after ' + causeText(cause.slice(7))
  return 'event ' + cause
}

/** `n` and `word`, plural unless one: "1 step", "2 steps". */
export const plural = (n: number, word: string) => n + ' ' + word + (n == 1 ? '' : 's')

/** "just now", "40 seconds ago", "3 minutes ago": coarse, so a panel redrawn every second stays still. */
export function ago(ms: number): string {
  if (!(ms >= 10_000)) return 'just now'
  // the largest unit it holds one of; seconds by tens
  const [size, unit] = UNITS.find(([size]) => ms >= size)!
  const n = Math.floor(ms / size) * (size < 6e4 ? 10 : 1)
  return plural(n, unit) + ' ago'
}

const UNITS = [[864e5, 'day'], [36e5, 'hour'], [6e4, 'minute'], [1e4, 'second']] as const

const pct = (x: number) => Math.round(x * 100) + '%'
const label = (st: StepDef) => st.label || st.match?.name || st.id

/**
 * What the definition's figures say about the next step, phrased like the engine's own
 * explanations (journey/snapshot.ts): its share of successful customers (with the path's
 * basis) and when it is expected. Nothing when the definition has no figure.
 */
export function nextFigures(def: JourneyDefinition | undefined, stageId: string | null, stepId: string): string[] {
  const stage = findStage(def, stageId)
  const path = stage?.path
  const st = Array.isArray(path?.steps) ? path.steps.find((x) => x && x.id == stepId) : undefined
  if (!stage || !st) return []
  const name = stage.name || stage.id
  const who = `of ${path?.basis ? path.basis + ' ' : ''}customers who reached ${name}`
  const out: string[] = []
  if (typeof st.share == 'number') out.push(`${pct(st.share)} ${who} ${label(st)}.`)
  const due = st.expectedWithin ? parseDuration(st.expectedWithin) : NaN
  if (due >= 0) out.push(`Expected within ${humanize(due)} of reaching ${name}.`)
  return out
}
