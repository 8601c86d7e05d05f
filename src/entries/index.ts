// desire-path: the core tracker (durable queue, batched delivery), without journeys.
import { createTracker as createCore } from '../core/tracker.js'
import type { Tracker, TrackerOptions } from '../compose/types.js'

/**
 * Creates a tracker. Throws only for bad options, naming the option.
 * Without a DOM (server rendering) it returns a tracker whose calls do nothing.
 * @param options see {@link TrackerOptions}
 * @example
 * const dp = createTracker({ endpoint: 'https://collector.example.com/v1/batch' })
 * dp.track('Project Created', { plan: 'pro' })
 */
export const createTracker = createCore as (options: TrackerOptions) => Tracker
export { DesirePathError, isDesirePathError } from '../lib/errors.js'
export type { ErrorCode } from '../lib/errors.js'
export type {
  Tracker,
  TrackerOptions,
  TrackerEvents,
  JourneySnapshot,
  JourneyJson,
  TrackedEvent,
  Properties,
  JsonValue,
  Dropped,
  DropReason,
  Sent,
  Inspection,
  ConsentState,
  StageChange,
} from '../compose/types.js'
