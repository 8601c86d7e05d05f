import { createTracker as createCore } from '../core/tracker.js'
import { createPolicy } from '../nudges/policy.js'
import { journeyPlugin } from './plugin.js'
import type { Tracker, TrackerOptions } from './types.js'

/**
 * `createTracker` with journeys: the same tracker, and with `options.journey` (a JSON
 * journey definition) it knows the customer's stage — `dp.on('stage')`, `dp.journey()`,
 * `dp.stage(id)`. A separate entry so that hosts without journeys don't ship the engine.
 * Throws only for bad options: a definition the engine cannot run is reported once to
 * `onError` (`journey_invalid`) and tracking goes on without journeys (`dp.journey()` is
 * null). Check definitions at build time: `npx desire-path validate journey.json`.
 * @example
 * import { createTracker } from 'desire-path/journey'
 * const dp = createTracker({ endpoint: '/v1/batch', journey: definition })
 * dp.on('stage', ({ from, to }) => console.log(from, '→', to))
 */
export function createTracker(options: TrackerOptions): Tracker {
  return createCore(options?.journey != null ? { ...options, $plugin: journeyPlugin(options.journey, () => createPolicy) } : options) as Tracker
}
