import type { JsonValue } from '../types.js'
import type { Duration, Rule } from '../journey/types.js'
import type { SignalKind } from '../journey/engine.js'

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

/** Which arm a customer is in for a nudge: assigned at first eligibility, then kept. */
export type NudgeArm = 'treatment' | 'control' | 'holdout'

/**
 * Why a nudge is not on screen now. Not eligible: `expired`, `journey` (not started, or
 * exited), `stage`, `page`, `audience`, `trigger` (the first that fails). Eligible but held
 * back: `exited` (dismissed for good or done), `snoozed`, `cap`, `gap`, `slot busy`,
 * `outranked`, `holdout`, `control`, `no handler`, `hidden`, `released`.
 */
export type NudgeReason =
  | 'expired'
  | 'journey'
  | 'stage'
  | 'page'
  | 'audience'
  | 'trigger'
  | 'exited'
  | 'snoozed'
  | 'cap'
  | 'gap'
  | 'slot busy'
  | 'outranked'
  | 'holdout'
  | 'control'
  | 'no handler'
  | 'hidden'
  | 'released'

/** What `dp.on('nudge')` receives: a nudge to show now, in this tab. */
export interface NudgeDecision {
  nudge: NudgeDef
  /** what triggered it: a path signal kind, or `rule` */
  signal: SignalKind | 'rule'
  /** readable: why now ("78% of customers who reached Adoption invited a teammate within 2 days.") */
  explanation: string
  /** always `treatment` here: control and holdout arms are shown nothing */
  arm: NudgeArm
  /**
   * Call when the nudge is on screen. Until then it is only offered: without this call
   * within a few seconds (say its target element was missing) it is released, not counted.
   */
  shown(): void
  /** the customer clicked a call to action */
  clicked(ctaId?: string): void
  /**
   * The customer closed it. `snooze: true` (or a duration) snoozes it; `false` dismisses it
   * for good; without an argument the nudge's `dismiss` decides.
   */
  dismissed(options?: { snooze?: boolean | Duration }): void
  /** the customer did what the nudge asked: it is done */
  completed(): void
}

/** A nudge as the devtools overlay sees it: `dp.journey().nudges`. */
export interface NudgeStatus {
  id: string
  /** its trigger, stage, page and audience all hold */
  eligible: boolean
  arm?: NudgeArm
  /** on screen (or offered) in some tab */
  showing?: boolean
  /** why it is not shown (also why it is not eligible) */
  reason?: NudgeReason
  shows: number
}
