import type { Tracker } from '../compose/types.js'
import { attachDevtools } from '../devtools/attach.js'

// Script-tag build of the overlay, loaded on demand by desire-path.iife.js (URL flag
// ?desire-path-devtools, Ctrl/⌘+Shift+Y, desirePath.devtools()): adds attachDevtools to
// window.desirePath and attaches to the page's tracker at once. The loader calls
// attachDevtools(desirePath.tracker) too after loading: attaching twice is harmless.
const w = window as unknown as { desirePath?: { attachDevtools?: typeof attachDevtools; tracker?: unknown } }
const dp = (w.desirePath ||= {})
dp.attachDevtools = attachDevtools
const t = dp.tracker as Tracker | undefined
if (t && typeof t == 'object' && typeof t.journey == 'function' && typeof t.on == 'function') attachDevtools(t)
