import { createTracker as createCore } from '../core/tracker.js'
import { journeyPlugin } from './plugin.js'
import type { Tracker, TrackerOptions } from './types.js'
import { validateDefinition } from '../journey/validate.js'

/**
 * `createTracker` with journeys: the same tracker, and with `options.journey` (a JSON
 * journey definition) it knows the customer's stage — `dp.on('stage')`, `dp.journey()`,
 * `dp.stage(id)`. A separate entry so that hosts without journeys don't ship the engine.
 * Throws a DesirePathError (`definition`, naming the JSON path) for a bad definition.
 * @example
 * import { createTracker } from 'desire-path/journey'
 * const dp = createTracker({ endpoint: '/v1/batch', journey: definition })
 * dp.on('stage', ({ from, to }) => console.log(from, '→', to))
 */
export function createTracker(options: TrackerOptions): Tracker {
  const def = options?.journey && validateDefinition(options.journey)
  return createCore(def ? { ...options, $plugin: journeyPlugin(def) } : options) as Tracker
}
