import { renderNudges } from '../nudges/render.js'

// Script-tag build of the renderer: adds renderNudges to window.desirePath (before or
// after desire-path.iife.js: each merges into what the other defined; `$dp` marks it ours).
const w = window as unknown as { desirePath?: Record<string, unknown> }
Object.assign((w.desirePath ||= { $dp: 1 }), { renderNudges })
