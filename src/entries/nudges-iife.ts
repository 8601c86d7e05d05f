import { createPolicy } from '../nudges/policy.js'
import { renderNudges } from '../nudges/render.js'

// Script-tag build of nudges: the policy that decides them (`$policy`, which the script-tag
// tracker uses) and the default renderer, added to window.desirePath. Load it before
// creating a tracker with nudges (desirePath.init loads it by itself); before or after
// desire-path.iife.js: each merges into what the other defined (`$dp` marks it ours).
const w = window as unknown as { desirePath?: Record<string, unknown> }
Object.assign((w.desirePath ||= { $dp: 1 }), { renderNudges, $policy: createPolicy })
