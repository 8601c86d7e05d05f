import { message, note } from './dom.js'
import { journeyPanel } from './journey-panel.js'
import { nudgesPanel } from './nudges-panel.js'
import type { PanelId } from './prefs.js'
import { identityPanel, queuePanel } from './queue-panel.js'
import type { View } from './state.js'

// Drawing a panel without disturbing the reader: drawn off-screen, swapped in only when
// its text changed (a selection, a scroll position survive the once-a-second redraw).

const DRAW: Record<PanelId, (into: HTMLElement, v: View) => void> = { journey: journeyPanel, nudges: nudgesPanel, queue: queuePanel, identity: identityPanel }

/** Draws panel `id` for `v` into `el`; a panel that fails says so instead. */
export function drawPanel(el: HTMLElement, id: PanelId, v: View): void {
  const fresh = el.ownerDocument.createElement('div')
  try {
    DRAW[id](fresh, v)
  } catch (e) {
    fresh.replaceChildren()
    note(fresh, 'This panel failed: ' + message(e), 'e')
  }
  if (!el.firstChild || fresh.textContent != el.textContent) el.replaceChildren(...fresh.childNodes)
}

/**
 * Runs `fn` at the next animation frame (a timeout where requestAnimationFrame is
 * missing), at most once however often it is asked for. Returns `ask` and `cancel`.
 */
export function frames(win: Window | null, fn: () => void): { ask(): void; cancel(): void } {
  let id: number | ReturnType<typeof setTimeout> | undefined
  const raf = typeof win?.requestAnimationFrame == 'function'
  const run = () => {
    id = undefined
    fn()
  }
  return {
    ask() {
      if (id === undefined) id = raf ? win!.requestAnimationFrame(run) : setTimeout(run, 16)
    },
    cancel() {
      if (id === undefined) return
      if (raf) win!.cancelAnimationFrame(id as number)
      else clearTimeout(id)
      id = undefined
    },
  }
}
