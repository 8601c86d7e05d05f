import type { JsonValue } from '../lib/json.js'

/** An ISO-8601 duration: `P3D`, `PT10M`, `P1W`, `P1DT12H`, `PT0.5S`. No years or months (their length varies). */
export type Duration = string

/** Property filter operators. */
export type FilterOp = 'eq' | 'neq' | 'in' | 'nin' | 'gt' | 'gte' | 'lt' | 'lte' | 'contains' | 'startsWith' | 'endsWith' | 'exists' | 'notExists'

/**
 * A test on one property (of an event's properties, or of the user's traits).
 * `prop` is a dot path (`cart.total`). `value` is required except for exists/notExists;
 * `in`/`nin` take an array; gt..lte take a number or a string (compared as such).
 * @example { "prop": "plan", "op": "in", "value": ["pro", "team"] }
 */
export interface Filter {
  prop: string
  op: FilterOp
  value?: JsonValue
}

/** Which events count. All fields optional; `{}` matches every event. */
export interface EventMatch {
  /** `event` of a track, `name` of a page */
  name?: string
  type?: 'track' | 'page' | 'identify'
  /** all must hold */
  where?: Filter[]
}

/**
 * The rule language: JSON only, nothing executable. Exactly one key per rule object.
 * - `all` / `any` / `not`: logic (`{ "all": [] }` is true).
 * - `event`: at least `count` (default 1) matching events, within the trailing `within`
 *   window if given, counted only since entering the current stage if `since: "stage"`.
 * - `sequence`: the steps happened — `ordered` (others may come between), `strict` (one
 *   right after the other) or `any` order — with `within` measured from the first step.
 *   Once completed it stays true (until the stage changes, with `since: "stage"`).
 * - `absent`: no matching event for `for`, counted from the later of the last match and
 *   entering the current stage.
 * - `trait`: a filter on the user's traits (from identify).
 * - `page`: the current page path matches a pattern: `/projects/:id`, `/docs/*`.
 * - `inStage`: time in the current stage is at least this long.
 * - `stepDone`: a step (by id) of the current stage's path is done.
 * - `ref`: a named predicate of the definition.
 */
export type Rule =
  | { all: Rule[] }
  | { any: Rule[] }
  | { not: Rule }
  | { event: EventMatch & { count?: number; within?: Duration; since?: 'stage' } }
  | { sequence: { steps: EventMatch[]; mode?: 'ordered' | 'strict' | 'any'; within?: Duration; since?: 'stage' } }
  | { absent: EventMatch & { for: Duration } }
  | { trait: Filter }
  | { page: string }
  | { inStage: Duration }
  | { stepDone: string }
  | { ref: string }

/** One step of a stage's recommended path, written by hand or by the learner. */
export interface StepDef {
  id: string
  /** human words for explanations: "invite a teammate" */
  label?: string
  match: EventMatch
  /** a step that successful customers take (progress counts key steps) */
  key?: boolean
  /** expected within this long after entering the stage */
  expectedWithin?: Duration
  /** share of successful customers who took this step (0..1), for explanations */
  share?: number
  /** probabilities of the next step, by step id (0..1 each) */
  next?: Record<string, number>
}

/** The recommended path through one stage; steps are in the recommended order. */
export interface PathDef {
  steps: StepDef[]
  /** how many customers the figures come from, for explanations */
  basis?: number
  /** no event at all for this long raises `idle` (default PT30M) */
  idleAfter?: Duration
}

export interface StageDef {
  id: string
  name?: string
  /** entering this stage: the furthest later stage whose entry holds wins */
  entry: Rule
  /** while in this stage, if this holds, go back to the previous stage */
  demote?: Rule
  /** no progress (step or transition) for this long raises `stalled` */
  stall?: Duration
  path?: PathDef
}

export interface ExitDef {
  id: string
  when: Rule
}

/** A journey definition: JSON, versioned, validated when loaded. */
export interface JourneyDefinition {
  /** for editors: `https://desire-path.dev/schema/journey-definition.json` (shipped as `desire-path/journey.schema.json`) */
  $schema?: string
  id: string
  /** `MAJOR`, `MAJOR.MINOR` or `MAJOR.MINOR.PATCH` */
  version: string
  stages: StageDef[]
  exits?: ExitDef[]
  goal?: Rule
  predicates?: Record<string, Rule>
  /** proactive nudges, offered to `dp.on('nudge')` */
  nudges?: NudgeDef[]
  /** caps, gap and holdout for all nudges */
  policy?: NudgePolicy
  /** written by `desire-path learn`: where the paths came from and their figures; ignored by the SDK */
  learned?: object
}

/** A stage change, as `dp.on('stage')` reports it (also in every tab of the origin). */
export interface StageChange {
  from: string | null
  to: string
  /** ms since the epoch */
  at: number
  /** messageId of the event that caused it, `tick`, `host` (dp.stage) or `demote:<cause>` */
  cause: string
  /** stages passed over on the way */
  skipped?: string[]
  /** found by re-folding history under a new definition version */
  backfill?: true
}

/** A path signal: what the engine sees about the customer's progress in the current stage. */
export type SignalKind = 'stalled' | 'stepOverdue' | 'skippedKeyStep' | 'offPath' | 'idle'

// ---- nudges, as a definition declares them (their runtime types: nudges/types.ts)

/** Where a nudge goes on the page. At most one nudge per slot at a time, per tab. */
export type NudgeSlot = 'modal' | 'popover' | 'banner' | 'tooltip' | 'inline'

/**
 * A proactive nudge, in the journey definition's `nudges`. Offered to the host's
 * `dp.on('nudge')` handlers when its trigger holds, the customer is in `stage`, on a page
 * matching `where`, in the `audience`, and the policy lets it through.
 * @example
 * { "id": "invite-nudge", "stage": "activated", "trigger": { "signal": "stepOverdue", "step": "invite" },
 *   "slot": "banner", "priority": 10, "frequency": { "maxShows": 3, "minInterval": "P1D" },
 *   "dismiss": { "snooze": "P2D", "maxSnoozes": 2 }, "goal": { "rule": { "event": { "name": "Teammate Invited" } }, "within": "P7D" },
 *   "experiment": { "control": 20 }, "content": { "title": "Work is better together", "body": "Invite a teammate" } }
 */
export interface NudgeDef {
  id: string
  /** only while the customer is in this stage (any stage if absent) */
  stage?: string
  /** a path signal of the current stage (optionally about one step), or a rule */
  trigger: { signal: SignalKind; step?: string } | { rule: Rule }
  /** a rule the customer must satisfy, typically on traits: `{ "trait": { "prop": "role", "op": "eq", "value": "admin" } }` */
  audience?: Rule
  /** only on pages whose path matches: `/projects/:id`, `/docs/*` */
  where?: string
  slot: NudgeSlot
  /** higher first (default 0); ties: the more urgent signal, then the id */
  priority?: number
  /** for policy caps by tag */
  tags?: string[]
  frequency?: {
    /** shows ever (then the nudge is done) */
    maxShows?: number
    /** between two shows of this nudge */
    minInterval?: Duration
    /** shows per session (default 1; 30 minutes without activity end a session) */
    perSession?: number
  }
  /**
   * What dismissing does: snooze for `snooze`, or (without `snooze`) never again. After
   * `maxSnoozes` snoozes (default 3) the next dismissal is for good.
   */
  dismiss?: { snooze?: Duration; maxSnoozes?: number }
  /** the outcome: `Nudge Completed` (via "goal") when the rule comes to hold within `within` of a show */
  goal?: { rule: Rule; within: Duration }
  /** per-nudge control arm: this percentage (0..100) of customers is shown nothing, and measured */
  experiment?: { control: number }
  /** ISO-8601 date-time: not offered from then on */
  expiresAt?: string
  /** opaque to the core: the host's (or the default renderer's) business */
  content?: JsonValue
}

/** A cap on shows within a scope: every nudge, those with a tag, or those of a slot. */
export interface NudgeCap {
  /** `all`, `tag:<tag>` or `slot:<slot>` */
  scope: string
  max: number
  /** a duration, or `session` */
  per: Duration | 'session'
}

/** The definition's `policy`: how often any nudge may show. */
export interface NudgePolicy {
  caps?: NudgeCap[]
  /** minimum time between two shows of any nudges */
  minGap?: Duration
  /** global holdout: this percentage (0..100) of customers is shown no nudge at all, and measured */
  holdout?: number
}

