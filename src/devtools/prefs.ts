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

/** The remembered prefs, or `{}`. */
export function loadPrefs(storage: Storage | undefined): Prefs {
  try {
    const v = JSON.parse(storage?.getItem(KEY) || '{}') as Prefs
    return { ...(Number.isFinite(v.x) && Number.isFinite(v.y) && { x: v.x, y: v.y }), ...(PANELS.includes(v.panel!) && { panel: v.panel }) }
  } catch {
    return {}
  }
}

/** Remembers `prefs`; a storage that refuses is ignored. */
export function savePrefs(storage: Storage | undefined, prefs: Prefs): void {
  try {
    storage?.setItem(KEY, JSON.stringify(prefs))
  } catch {
    // full, blocked or read-only: the overlay just forgets
  }
}
