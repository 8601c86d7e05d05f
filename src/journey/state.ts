import type { JsonValue } from '../lib/json.js'
import type { JourneyEvent } from './rules.js'
import type { JourneyDefinition, Rule, SignalKind, StageChange } from './types.js'

// The engine's data: what it keeps per customer, what it derives, what it shows.

/** A stage change, as kept in the state's history: what `dp.on('stage')` reports. */
export type Transition = StageChange

/** Everything the engine remembers about one customer's journey. JSON-serialisable. */
export interface JourneyState {
  /** `id@version` of the definition folded with */
  def: string
  /** index of the current stage; -1 before the first */
  stage: number
  since: number
  history: Transition[]
  exited?: { id: string; at: number }
  goal?: number
  /** steps of the current stage's path that are done: id → time */
  steps: Record<string, number>
  lastStep?: string
  /** the last step was an unlikely one after the step before (next-step probability < 10%) */
  off?: number
  /** last step or transition */
  progress: number
  /** sort key of the last folded event: `<15-digit ms>|<10-digit arrival>|<messageId>` */
  last: string
  traits: Record<string, JsonValue>
  page?: string
  /** the customer: anonymousId (else userId) of the first event; part of derived ids */
  subject: string
  /** rule memory */
  r: unknown[]
  /** derived events so far: numbers their deterministic ids */
  n: number
}

/** An event the journey emits through the normal pipeline. */
export interface DerivedEvent {
  event:
    | 'Journey Stage Entered'
    | 'Journey Step Completed'
    | 'Journey Exited'
    | 'Journey Goal Reached'
    | 'Nudge Eligible'
    | 'Nudge Shown'
    | 'Nudge Clicked'
    | 'Nudge Dismissed'
    | 'Nudge Completed'
  properties: Record<string, JsonValue>
  /** deterministic: the same history gives the same ids, so replays never double-count */
  messageId: string
  t: number
}

export interface Signal {
  kind: SignalKind
  step?: string
  /** readable, from the path's figures */
  explanation: string
}

/** What `dp.journey()` returns. */
export interface JourneySnapshot {
  stage: string | null
  since: number | null
  history: Transition[]
  exited: { id: string; at: number } | null
  /** 0..1: key steps done (all steps if none is key) */
  progress: number
  next: { id: string; label: string } | null
  signals: Signal[]
}

export interface Step {
  state: JourneyState
  derived: DerivedEvent[]
  /** the event sorts before one already folded: the caller re-folds (or it was a duplicate) */
  late?: true
}

export interface Engine {
  readonly def: JourneyDefinition
  init(): JourneyState
  fold(state: JourneyState, e: JourneyEvent, backfill?: boolean): Step
  tick(state: JourneyState, now: number): Step
  /** the host asserts a stage (dp.stage): forward only */
  assert(state: JourneyState, stageId: string, now: number): Step
  snapshot(state: JourneyState, now: number): JourneySnapshot
  /** whether a rule of the definition's nudges (trigger, audience, goal) holds now */
  test(state: JourneyState, rule: Rule, now: number): boolean
}
