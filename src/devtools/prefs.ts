import { guard } from './dom.js'

// What the overlay remembers between page loads: where it was dragged to and which panel
// was open. In the host's storage (localStorage by default), guarded: private modes and
// sandboxed frames throw on access, and a full or foreign value is ignored.

export const PANELS = ['journey', 'nudges', 'queue', 'identity'] as const
export type PanelId = (typeof PANELS)[number]

export interface Prefs {
  x?: number
  y?: number
  panel?: PanelId
}

const KEY = 'desire-path:devtools'

/** The remembered prefs, or `{}` (nothing stored, unreadable, or not ours). */
export const loadPrefs = (storage: Storage | undefined): Prefs =>
  guard(() => {
    const v = JSON.parse(storage?.getItem(KEY) || '{}') as Prefs
    return { ...(Number.isFinite(v.x) && Number.isFinite(v.y) && { x: v.x, y: v.y }), ...(PANELS.includes(v.panel!) && { panel: v.panel }) }
  }) || {}

/** Remembers `prefs`; a storage that refuses (full, blocked, read-only) is ignored: the overlay just forgets. */
export const savePrefs = (storage: Storage | undefined, prefs: Prefs) => guard(() => storage?.setItem(KEY, JSON.stringify(prefs)))
