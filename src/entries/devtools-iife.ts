import type { Tracker } from '../compose/types.js'
import { attachDevtools } from '../devtools/attach.js'
import { beside } from '../devtools/validator.js'

// Script-tag build of the overlay, loaded on demand by desire-path.iife.js (URL flag
// ?desire-path-devtools, Ctrl/⌘+Shift+Y, desirePath.devtools()): adds attachDevtools to
// window.desirePath and attaches to the page's tracker at once. The loader calls
// attachDevtools(desirePath.tracker) too after loading: attaching twice is harmless.

// the validator, when a refused definition needs it, is dist/validate.js beside this file
beside.url = (document.currentScript as HTMLScriptElement | null)?.src || ''
const w = window as unknown as { desirePath?: { attachDevtools?: typeof attachDevtools; tracker?: unknown } }
const dp = (w.desirePath ||= {})
dp.attachDevtools = attachDevtools
// a tracker there yet (one with on()): the loader attaches to it later otherwise
const t = dp.tracker as Tracker | undefined
if (typeof t?.on == 'function') attachDevtools(t)
