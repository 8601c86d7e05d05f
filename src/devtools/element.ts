import { guard } from './dom.js'
import { adoptStyles } from './styles.js'

// The overlay's custom element: an open shadow root (host CSS can't reach in, ours can't
// leak out), fixed to the viewport and draggable within it.

/** The overlay's tag name: `document.querySelector('desire-path-devtools').shadowRoot`. */
const TAG = 'desire-path-devtools'

interface Pos {
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
  if (!adoptStyles(root, win)) css(host, { position: 'fixed', right: '12px', bottom: '12px', 'z-index': '2147483600' })
  return { host, root }
}

/** Sets CSS properties of `el` through the CSSOM (never inline CSS text: a strict CSP refuses that). */
const css = (el: HTMLElement, props: Record<string, string>) => {
  for (const k in props) el.style.setProperty(k, props[k]!)
}

/** `v` rounded, kept within 0…`room`. */
const clamp = (v: number, room: number) => Math.round(Math.max(0, Math.min(v, room)))

/** Moves `host` to `p`, kept inside the viewport; returns where it went. */
export function place(host: HTMLElement, p: Pos): Pos {
  const win = host.ownerDocument.defaultView
  const r = host.getBoundingClientRect()
  const x = clamp(p.x, (win?.innerWidth ?? 0) - r.width)
  const y = clamp(p.y, (win?.innerHeight ?? 0) - r.height)
  css(host, { left: x + 'px', top: y + 'px', right: 'auto', bottom: 'auto' })
  return { x, y }
}

/**
 * Pointer drags on `handle` move `host`; `moved` gets the new place on release. A press
 * that moves less than 4 px stays a click; after a drag, the click that follows is eaten.
 * Presses on a button inside the handle (not the handle itself) are theirs.
 */
export function draggable(handle: HTMLElement, host: HTMLElement, moved: (p: Pos) => void): void {
  /** while pressed: where the pointer and the host's corner were at the press */
  let start: { x: number; y: number; left: number; top: number } | undefined
  /** where this press dragged the host to; undefined while it is a click */
  let at: Pos | undefined
  handle.addEventListener('pointerdown', (e) =>
    guard(() => {
      const on = e.target as Element
      if (e.button != 0 || (on != handle && on.closest?.('button,select'))) return
      const r = host.getBoundingClientRect()
      start = { x: e.clientX, y: e.clientY, left: r.left, top: r.top }
      at = undefined
      // last: where capture throws, the drag works uncaptured
      handle.setPointerCapture(e.pointerId)
    }),
  )
  handle.addEventListener('pointermove', (e) =>
    guard(() => {
      if (!start) return
      const dx = e.clientX - start.x
      const dy = e.clientY - start.y
      if (at || Math.abs(dx) + Math.abs(dy) >= 4) at = place(host, { x: start.left + dx, y: start.top + dy })
    }),
  )
  const end = () => {
    if (start && at) guard(() => moved(at!))
    start = undefined
  }
  handle.addEventListener('pointerup', end)
  handle.addEventListener('pointercancel', end)
  handle.addEventListener(
    'click',
    (e) => {
      if (!at) return
      at = undefined
      e.stopImmediatePropagation()
      e.preventDefault()
    },
    true,
  )
}
