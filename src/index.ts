export { createTracker } from './core/tracker.js'
export type { Tracker } from './core/tracker.js'
export { DesirePathError, isDesirePathError } from './core/errors.js'
export type { ErrorCode } from './core/errors.js'
export type {
  TrackerOptions,
  TrackerEvents,
  TrackedEvent,
  Properties,
  JsonValue,
  Dropped,
  DropReason,
  Sent,
  StageChange,
} from './types.js'
