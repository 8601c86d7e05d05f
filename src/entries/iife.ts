import { createTracker } from '../journey/tracker.js'
import { DesirePathError, isDesirePathError } from '../core/errors.js'

// Script-tag build: window.desirePath, journeys included (a page with a script tag has no
// bundler to leave the engine out, and marketing sites are where journeys start).
;(window as unknown as { desirePath: object }).desirePath = { createTracker, DesirePathError, isDesirePathError }
