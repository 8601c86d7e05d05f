import type { CoreEvents, CoreOptions, CoreTracker } from '../core/types.js'
import type { JourneySnapshot as EngineSnapshot } from '../journey/engine.js'
import type { JourneyDefinition, StageChange } from '../journey/types.js'
import type { NudgeDecision, NudgeStatus } from '../nudges/types.js'

// The public types of the tracker with journeys and nudges: the core's, plus what the
// journey plugin adds (stage events, nudge offers, the snapshot with nudge statuses).

/** What `dp.journey()` returns. */
export interface JourneySnapshot extends EngineSnapshot {
  /** with nudges in the definition: each nudge's state in this tab, and why it is not shown */
  nudges?: NudgeStatus[]
}

/** Event map of `dp.on(type, handler)`. */
export interface TrackerEvents extends CoreEvents {
  stage: StageChange
  /** a nudge to show now, in this tab (desire-path/journey, with `nudges` in the definition) */
  nudge: NudgeDecision
}

/**
 * A definition as a JSON import types it (`import journey from './journey.json'`): string
 * literals widen to `string`, so it is not a `JourneyDefinition` to the compiler. Accepted
 * as it is and checked at runtime; `desire-path validate` checks it at build time.
 */
export interface JourneyJson {
  id: string
  stages: readonly object[]
  [key: string]: unknown
}

export interface TrackerOptions extends Omit<CoreOptions<JourneySnapshot>, 'journey'> {
  /**
   * A journey definition (JSON). Needs `createTracker` from `desire-path/journey`, so that
   * hosts without journeys don't ship the engine. A definition that fails the runtime's
   * structural check is reported once (`journey_invalid`) and tracking goes on without it.
   * @example journey: await (await fetch('/journey.json')).json()
   */
  journey?: JourneyDefinition | JourneyJson | undefined
}

/** The tracker: every call returns at once and never throws. */
export type Tracker = CoreTracker<TrackerEvents, JourneySnapshot>

export type { StageChange } from '../journey/types.js'
export type { ConsentState, Dropped, Inspection, Sent, TrackedEvent } from '../core/types.js'
export type { DropReason } from '../storage/queue.js'
export type { JsonValue, Properties } from '../lib/json.js'
