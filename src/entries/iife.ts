import { createTracker } from '../core/tracker.js'
import { DesirePathError, isDesirePathError } from '../core/errors.js'

// Script-tag build: exposes the factory on window.desirePath.
;(window as unknown as { desirePath: object }).desirePath = { createTracker, DesirePathError, isDesirePathError }
