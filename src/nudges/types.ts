import type { Duration, NudgeDef, SignalKind } from '../journey/types.js'

// The nudges' runtime types. What a definition says about nudges (NudgeDef, NudgePolicy...)
// is part of the definition language: journey/types.ts.
export type { NudgeSlot, NudgeDef, NudgeCap, NudgePolicy } from '../journey/types.js'

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
