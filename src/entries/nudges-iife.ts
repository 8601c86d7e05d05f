import { renderNudges } from '../nudges/render.js'

// Script-tag build of the renderer: adds renderNudges to window.desirePath (before or
// after desire-path.iife.js: each merges into what the other defined).
const w = window as unknown as { desirePath?: Record<string, unknown> }
;(w.desirePath ||= {}).renderNudges = renderNudges
