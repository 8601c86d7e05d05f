import { journeyPlugin } from '../compose/plugin.js'
import { DesirePathError } from '../lib/errors.js'
import type { Tracker, TrackerOptions } from '../compose/types.js'
import { createTracker as createCore } from '../core/tracker.js'
import type { Core } from '../core/types.js'
import type { createPolicy } from '../nudges/policy.js'
import type { PageApi } from './types.js'

/**
 * `createTracker` of the script-tag build: journeys included, the nudge policy not. It is
 * desire-path-nudges.iife.js's (with the renderer, as `desirePath.$policy`), so that the
 * many pages without nudges don't load it. Nudges in the definition without that file: the
 * journey goes on without them, reported. `desirePath.init` loads the file first by itself.
 */
export const scriptTagTracker =
  (api: PageApi) =>
  (options: TrackerOptions): Tracker =>
    createCore(options?.journey != null ? { ...options, $plugin: journeyPlugin(options.journey, policy(api)) } : options) as Tracker

/** desire-path-nudges.iife.js's policy, or undefined and an error that says where it is. */
const policy = (api: PageApi) => (core: Core) =>
  (api.$policy as typeof createPolicy | undefined) ||
  void core.$report(new DesirePathError('option', 'nudges need their policy: load desire-path-nudges.iife.js (desirePath.init does); the journey goes on without nudges'))
