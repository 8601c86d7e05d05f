import { guard } from './dom.js'
import { adoptStyles } from './styles.js'

// The overlay's custom element: an open shadow root (host CSS can't reach in, ours can't
// leak out), fixed to the viewport and draggable within it.

/** The overlay's tag name: `document.querySelector('desire-path-devtools').shadowRoot`. */
export const TAG = 'desire-path-devtools'

export interface Pos {
  x: number
  y: number
}

/**
 * The host element with its shadow root. The element is defined once per window; where
 * custom elements are missing it stays a plain element, which takes a shadow root too
 * (its name is a valid custom element name).
 */
export function createHost(doc: Document): { host: HTMLElement; root: ShadowRoot } {
  const win = doc.defaultView
  guard(() => {
    const ce = win?.customElements
    if (ce && !ce.get(TAG)) ce.define(TAG, class extends (win as typeof globalThis).HTMLElement {})
  })
  const host = doc.createElement(TAG)
  const root = host.attachShadow({ mode: 'open' })
  // without constructable stylesheets: unstyled, but at least fixed in a corner (CSSOM, no inline CSS text)
  if (!adoptStyles(root, win))
    for (const [k, v] of [['position', 'fixed'], ['right', '12px'], ['bottom', '12px'], ['z-index', '2147483600']]) host.style.setProperty(k!, v!)
  return { host, root }
}

/** Moves `host` to `p`, kept inside the viewport; returns where it went. */
export function place(host: HTMLElement, p: Pos): Pos {
  const win = host.ownerDocument.defaultView
  const r = host.getBoundingClientRect()
  const x = Math.round(Math.max(0, Math.min(p.x, (win?.innerWidth ?? 0) - r.width)))
  const y = Math.round(Math.max(0, Math.min(p.y, (win?.innerHeight ?? 0) - r.height)))
  const s = host.style
  s.setProperty('left', x + 'px')
  s.setProperty('top', y + 'px')
  s.setProperty('right', 'auto')
  s.setProperty('bottom', 'auto')
  return { x, y }
}

/**
 * Pointer drags on `handle` move `host`; `moved` gets the new place on release. A press
 * that moves less than 4 px stays a click; after a drag, the click that follows is eaten.
 * Presses on a button inside the handle (not the handle itself) are theirs.
 */
export function draggable(handle: HTMLElement, host: HTMLElement, moved: (p: Pos) => void): void {
  let start: { x: number; y: number; left: number; top: number } | undefined
  let dragged = false
  let at: Pos | undefined
  handle.addEventListener('pointerdown', (e) =>
    guard(() => {
      const on = e.target as Element
      if (e.button != 0 || (on != handle && on.closest?.('button,select'))) return
      const r = host.getBoundingClientRect()
      start = { x: e.clientX, y: e.clientY, left: r.left, top: r.top }
      dragged = false
      guard(() => handle.setPointerCapture(e.pointerId))
    }),
  )
  handle.addEventListener('pointermove', (e) =>
    guard(() => {
      if (!start) return
      const dx = e.clientX - start.x
      const dy = e.clientY - start.y
      if (!dragged && Math.abs(dx) + Math.abs(dy) < 4) return
      dragged = true
      at = place(host, { x: start.left + dx, y: start.top + dy })
    }),
  )
  const end = () => {
    if (start && dragged && at) guard(() => moved(at!))
    start = undefined
  }
  handle.addEventListener('pointerup', end)
  handle.addEventListener('pointercancel', end)
  handle.addEventListener(
    'click',
    (e) => {
      if (!dragged) return
      dragged = false
      e.stopImmediatePropagation()
      e.preventDefault()
    },
    true,
  )
}
