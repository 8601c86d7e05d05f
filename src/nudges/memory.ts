import type { JsonValue } from '../lib/json.js'
import type { DerivedEvent, JourneySnapshot, JourneyState } from '../journey/engine.js'
import type { NudgeDef, SignalKind } from '../journey/types.js'
import type { NudgeArm, NudgeReason, NudgeStatus } from './types.js'

// The policy's data: what it remembers per customer (shared by tabs, persisted with the
// journey state), what it decides, and the interface the composition module calls.

/** A show granted or under way, at a time (-Infinity: already counted), in a tab (`live`). */
export type Claim = [number, NudgeDef & { live?: string }]

/** A nudge offered to, or on screen in, a tab. */
export interface Live {
  slot: string
  tab: string
  at: number
  /** when the host said it was shown */
  shown?: number
  sig: SignalKind | 'rule'
  arm: NudgeArm
  /** the tab's page when offered */
  page?: string | undefined
}

/**
 * What the policy remembers, per journey and browser profile: persisted with the journey
 * state (one IndexedDB transaction updates both), so tabs share it and reloads keep it.
 * JSON-serialisable.
 */
export interface NudgeMemory {
  /** in the global holdout (decided once, at the first eligibility) */
  hold?: boolean
  /** arm per nudge, assigned at its first eligibility */
  arm: Record<string, NudgeArm>
  /** per nudge: shows so far (ghost ones too), time of the last */
  c: Record<string, [number, number]>
  /** every show, [time, nudge id], as far back as the longest cap period */
  log: [number, string][]
  /** the session: start, last activity, shows per nudge, the tracker's session id */
  ses: { at: number; last: number; n: Record<string, number>; id?: number | undefined }
  /** snoozed until, and how many times */
  snz: Record<string, [number, number]>
  /** done for good (dismissed, completed, goal reached): when */
  out: Record<string, number>
  live: Record<string, Live>
  /** a show's goal window: [shown at, goal held then, show ordinal] */
  goal: Record<string, [number, boolean, number]>
  /** released offers: [tab, page] where the host could not show it (not offered there again) */
  rel?: Record<string, [string, string | undefined]>
}

/** A treatment decision for the tab that made it: to hand to `dp.on('nudge')`. */
export interface Offer {
  nudge: NudgeDef
  signal: SignalKind | 'rule'
  explanation: string
  arm: NudgeArm
}

export interface Decided {
  memory: NudgeMemory
  offers: Offer[]
  derived: DerivedEvent[]
  status: NudgeStatus[]
}

export type AckKind = 'shown' | 'clicked' | 'dismissed' | 'completed' | 'release' | 'leave'

/** The policy's functions; a memory of `undefined` is a fresh one. */
export interface Policy {
  /**
   * Decides which nudges to offer now. Pure: the same inputs give the same decisions.
   * @param page this tab's path; @param tab this tab's id
   * @param cant '' if this tab can show a nudge now, else why not (`no handler`, `hidden`)
   * @param session the tracker's session id (`context.session.id`); without one (a replay
   * in Node), 30 minutes without an evaluation end a session
   */
  evaluate(m: NudgeMemory | undefined, s: JourneyState, snap: JourneySnapshot, now: number, tab: string, page: string | undefined, cant: NudgeReason | '', session?: number): Decided
  /** An ack of an offer (or `release`: not shown in time; `leave`: the tab goes away). */
  ack(m: NudgeMemory | undefined, s: JourneyState, kind: AckKind, id: string, now: number, tab: string, arg?: JsonValue): { m: NudgeMemory; derived: DerivedEvent[] }
}
