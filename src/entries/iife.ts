import { createTracker } from '../compose/tracker.js'
import { DesirePathError, isDesirePathError } from '../lib/errors.js'

// Script-tag build: window.desirePath, journeys included (a page with a script tag has no
// bundler to leave the engine out, and marketing sites are where journeys start).
// Merged into what is there, so the renderer's script (desire-path-nudges.iife.js) may load first.
const w = window as unknown as { desirePath?: object }
w.desirePath = Object.assign(w.desirePath || {}, { createTracker, DesirePathError, isDesirePathError })
