import type { JsonValue } from '../lib/json.js'
import type { EventMatch, JourneyDefinition } from '../journey/types.js'

// The learner's data (Node only): what it reads, what it counts, what it writes. Every
// count is mergeable by addition (partials of shards combine into the result of one run).

/** Kinds of input problems and cleaning, counted; the first line numbers of each are kept. */
export type QualityKind =
  /** a line that is not JSON */
  | 'malformed'
  /** JSON, but not a message or a batch of them (no `type`) */
  | 'notMessage'
  /** neither `anonymousId` nor `userId` */
  | 'missingId'
  /** no `timestamp` (nor `originalTimestamp`), or not a date */
  | 'missingTimestamp'
  /** no `messageId`: one is made from the message's content, so exact copies still dedupe */
  | 'missingMessageId'
  /** the same `messageId` again (resends are expected): dropped */
  | 'duplicate'

/** Counts by kind, with where the first few were (`file:line`). */
export interface Quality {
  counts: Partial<Record<QualityKind, number>>
  /** up to 5 per kind, in file then line order: `events-00.ndjson.gz:17` */
  first: Partial<Record<QualityKind, string[]>>
}

/** What was read. */
export interface InputInfo {
  /** file name as given → `sha256:<hex>` of its bytes (as stored, compressed or not) */
  files: Record<string, string>
  /** lines read, messages accepted (before deduplication) */
  lines: number
  messages: number
}

/** A quantile sketch with fixed log buckets (relative error 1%): merging adds counts, so any split gives the same figures. */
export interface Sketch {
  /** bucket index → count; index 0 holds values ≤ 1 s */
  b: Record<string, number>
  n: number
}

/** One candidate step of a stage: an event kind seen during visits. */
export interface CandidateStats {
  match: EventMatch
  /** successful visits in which it happened (before the visit's outcome) */
  s: number
  /** unsuccessful visits in which it happened */
  u: number
  /** time from stage entry to its first occurrence, successful visits */
  at: Sketch
}

/** A stage's counts, per shard; merged by addition. */
export interface StageStats {
  successful: number
  unsuccessful: number
  censored: number
  /** time from entry to the next stage (or the goal, for the last stage), successful visits */
  toNext: Sketch
  /** candidate key (`t:Name`, `p:Name`, `p:/path`, `s:Name`) → counts */
  cand: Record<string, CandidateStats>
  /** `a\tb` → successful visits with both in which a first happened before b first */
  before: Record<string, number>
  /** `a\tb` → successful visits in which b is the next distinct candidate after a (`^` start, `$` end) */
  next: Record<string, number>
}

export type Arm = 'treatment' | 'control' | 'holdout'
export interface ArmCounts {
  subjects: number
  conversions: number
}

/** A nudge's intent-to-treat counts (from each subject's first `Nudge Eligible`). */
export interface NudgeCounts {
  stage: string | null
  arms: Record<Arm, ArmCounts>
  /** eligible too recently to be observed for a full horizon: left out */
  censored: number
}

/** The parameters a run used (also written into the provenance). */
export interface LearnParams {
  /** ISO 8601 duration */
  horizon: string
  /** ISO 8601 date-time: the end of observation (default: the latest event's timestamp) */
  now: string
  /** minimum visits with a step (successful + unsuccessful) for it to be a key or negative step */
  minSupport: number
  /** minimum share of successful visits that took a key step */
  minShare: number
  /** minimum lift of a key step (P(success | step) / P(success)) */
  minLift: number
  /** minimum |phi| of a key or negative step */
  minPhi: number
  learnFrom: 'all' | 'holdout'
}

/** What one shard (or one run) counted: written by `--partial`, combined by `learn merge`. */
export interface LearnPartial {
  kind: 'desire-path/learn-partial'
  version: 1
  journey: { id: string; version: string }
  params: LearnParams
  /** `i/N`: the shard of subjects this partial holds (`0/1`: all) */
  shards: string[]
  input: InputInfo
  /** per file, so shards that read the same files are not counted twice */
  quality: Record<string, Quality>
  /** quality found while replaying subjects (duplicates): summed over shards */
  replay: Quality
  subjects: number
  stages: Record<string, StageStats>
  nudges: Record<string, NudgeCounts>
}

/** A candidate's figures, as written into `learned.stages[<id>].candidates`. */
export interface CandidateFigures {
  /** the step id it has (or would have) in the path */
  id: string
  match: EventMatch
  /** share of successful visits with the step */
  support: number
  lift: number
  phi: number
  /** visits with the step (successful + unsuccessful) */
  n: number
  /** two-sided p-value of the association (χ² test, 1 degree of freedom), not corrected */
  p: number
  key: boolean
  negative: boolean
  /** p75 time from stage entry to the first occurrence among successful visits, ms */
  p75?: number
}

/** Per stage, in `learned.stages[<id>]`. */
export interface LearnedStage {
  visits: { successful: number; unsuccessful: number; censored: number }
  /** key steps in the recommended order (step ids) */
  keySteps: string[]
  /** step ids that predict failure */
  negativeSteps: string[]
  /** `stall` written (ISO 8601), from the p75 time to the next stage among successful visits */
  stall?: string
  /** share of successful visits with both in which consecutive key steps came in this order */
  order: { before: string; after: string; share: number }[]
  candidates: CandidateFigures[]
  /** candidates tested (with at least min-support visits): a step must reach p < 0.05 / tests (Bonferroni) */
  tests: number
  /** why nothing was learned, if so: `no outcome` (last stage without a goal), `no successful visits` */
  skipped?: string
}

/** One nudge's uplift, as `desire-path uplift --json` writes it. */
export interface NudgeUplift {
  stage: string | null
  arms: Record<Arm, ArmCounts>
  /** (treatment rate − control rate) / control rate; null if undefined */
  relative: number | null
  /** 95% interval of `relative` */
  ci95: [number, number] | null
  /** two-sided, two-proportion z-test */
  p: number | null
  /** treatment rate − control rate, with its 95% interval */
  absolute: number | null
  absoluteCi95: [number, number] | null
  /** how conversion was measured: `goal` (the nudge's goal rule) or `next stage` */
  conversion: 'goal' | 'next stage'
  horizon: string
  censored: number
  /** below the minimum sample, or compared with holdout for lack of a control arm */
  warning?: string
}

/** The `learned` block of a learned definition (opaque to the SDK). */
export interface LearnedBlock {
  by: string
  /** the end of observation: provenance date, also what makes the output reproducible */
  date: string
  from: { id: string; version: string }
  params: LearnParams
  input: InputInfo
  quality: Quality
  subjects: number
  stages: Record<string, LearnedStage>
}

/** What `learn()` returns. */
export interface LearnResult {
  definition: JourneyDefinition & { learned: LearnedBlock }
  /** report.md */
  report: string
  uplift: Record<string, NudgeUplift>
}

export type { JsonValue }
