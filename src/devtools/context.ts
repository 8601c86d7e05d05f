import type { Inspection } from '../core/types.js'
import type { Tracker } from '../compose/types.js'
import type { PanelId, Prefs } from './prefs.js'
import type { Preview } from './simulate.js'

/**
 * One attached overlay: what it shows and the means to redraw it. Shared by controller.ts,
 * parts.ts and actions.ts. `_` members are mangled in the build (internal).
 * @internal
 */
export interface Ctx {
  t: Tracker
  _doc: Document
  _win: Window | null
  _host: HTMLElement
  _parts: Parts
  _storage: Storage | undefined
  _prefs: Prefs
  _open: boolean
  _panel: PanelId
  _sim: Preview | null
  /** the definition, `inspect().options.journey`: undefined until an inspection came */
  _raw: unknown
  /** the last inspection that could be read */
  _ins: Inspection | null
  /** why the last `inspect()` could not be read ('' if it could) */
  _insErr: string
  /** which tab sends now (undefined: the browser cannot tell) */
  _flusher: Flusher
  /** detached: late promises and timers do nothing */
  _dead: boolean
  /** a redraw at the next frame */
  _paint(): void
  /** a fresh inspect(), then a redraw */
  _refresh(): void
  /** a line in the status bar */
  _say(text: string): void
  /** expands or collapses (and moves focus to the tabs or the badge) */
  _setOpen(open: boolean, focus?: boolean): void
  /** shows a panel */
  _setPanel(id: PanelId, focus?: boolean): void
  _timer?: ReturnType<typeof setInterval> | undefined
  /** the stage ids the jump select lists now (undefined: not built yet) */
  _stages?: string
}

/** The overlay's fixed elements (parts.ts builds them). */
export interface Parts {
  _badge: HTMLButtonElement
  _box: HTMLElement
  _header: HTMLElement
  _tabs: Record<PanelId, HTMLButtonElement>
  _panels: Record<PanelId, HTMLElement>
  _sim: HTMLElement
  _simText: HTMLElement
  _select: HTMLSelectElement
  _jump: HTMLButtonElement
  _status: HTMLElement
}

/** Which tab sends: this one, another one, none (null); undefined when the browser cannot tell (no Web Locks). */
export type Flusher = 'this tab' | 'another tab' | null | undefined
