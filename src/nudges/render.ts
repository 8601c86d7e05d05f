import type { NudgeDecision, NudgeSlot } from './types.js'

/** Anything with the tracker's `on('nudge')`: the tracker itself, or a test double. */
export interface NudgeSource {
  on(type: 'nudge', handler: (decision: NudgeDecision) => void): () => void
}

export interface RenderOptions {
  /** default: the global `document` */
  document?: Document
  /** where the element holding the shadow root goes (default `document.body`) */
  root?: HTMLElement
  /**
   * Your own rendering of a nudge's content into `into` (an element inside the renderer's
   * shadow root, beside the close button). Return `false` to get the default text rendering.
   */
  render?: (decision: NudgeDecision, into: HTMLElement) => boolean | void
  /** CSS custom properties set on the shadow host: `{ '--dp-accent': '#0a7' }` */
  theme?: Record<string, string>
  /** the slots this renderer shows (default all): leave one to your own component, `useNudge(slot)` in desire-path/react */
  slots?: NudgeSlot[]
}

/** One nudge on screen. */
interface Shown {
  s: NudgeSlot
  box: HTMLElement
  anchor: Element | null
  dismiss(): void
  close(): void
}

type Bag = Record<string, unknown>

// Custom properties (with defaults) are the theme; nothing here is ever an inline style.
const CSS = `:host{all:initial;display:block}
.dp{position:fixed;z-index:var(--dp-z,2147483000);box-sizing:border-box;max-width:min(380px,calc(100vw - 16px));padding:16px 44px 16px 16px;background:var(--dp-bg,#fff);color:var(--dp-fg,#1f2328);font:var(--dp-font,14px/1.5 system-ui,sans-serif);border:1px solid transparent;border-radius:var(--dp-radius,10px);box-shadow:var(--dp-shadow,0 8px 28px rgba(0,0,0,.22));animation:dp-in .18s ease-out}
.bd{position:fixed;inset:0;z-index:calc(var(--dp-z,2147483000) + 1);display:flex;align-items:center;justify-content:center;background:rgba(0,0,0,.45);animation:dp-in .18s}
.modal{position:relative;max-width:min(480px,calc(100vw - 32px))}
.banner{top:0;left:0;right:0;max-width:none;border-radius:0}
.popover:not(.at){right:16px;bottom:16px}
.tooltip{max-width:min(280px,calc(100vw - 16px));padding:8px 36px 8px 12px;font-size:13px}
.inline{position:relative;z-index:auto;max-width:none;box-shadow:none;border-color:rgba(128,128,128,.35)}
.t{display:block;margin:0 0 4px;font-size:1.08em;font-weight:600;line-height:1.3}
.b{margin:0}
.a{display:flex;flex-wrap:wrap;gap:8px;margin-top:12px}
.c{display:inline-block;padding:6px 14px;border:0;border-radius:6px;background:var(--dp-accent,#2563eb);color:#fff;font:inherit;font-weight:600;text-decoration:none;cursor:pointer}
.c+.c{background:none;color:inherit;box-shadow:inset 0 0 0 1px rgba(128,128,128,.5)}
.x{position:absolute;top:6px;right:6px;width:30px;height:30px;padding:0;border:0;border-radius:6px;background:none;color:inherit;font:inherit;font-size:20px;line-height:1;cursor:pointer;opacity:.7}
.x:hover{opacity:1}
:focus-visible{outline:2px solid var(--dp-accent,#2563eb);outline-offset:2px}
@keyframes dp-in{from{opacity:0;transform:translateY(6px)}}
@media (prefers-reduced-motion:reduce){*{animation:none!important;transition:none!important}}`

const SLOTS: NudgeSlot[] = ['modal', 'popover', 'banner', 'tooltip', 'inline']
const FOCUSABLE = 'a[href],button,input,select,textarea,[tabindex]'

const safe = (f: () => unknown): void => {
  try {
    f()
  } catch {
    // never into the host page
  }
}
const str = (v: unknown): string => (typeof v == 'string' ? v : typeof v == 'number' && isFinite(v) ? '' + v : '')
const bag = (v: unknown): Bag => (v && typeof v == 'object' && !Array.isArray(v) ? (v as Bag) : {})

/**
 * The default nudge renderer: shows each `dp.on('nudge')` decision in its slot (modal,
 * popover, banner, tooltip, inline), reports `shown`, `clicked` and `dismissed`, and
 * returns `detach`, which removes its listeners and elements. Text only ever goes in as
 * text; styles are constructable stylesheets, so a strict CSP and Trusted Types are fine.
 * @example const detach = renderNudges(dp, { theme: { '--dp-accent': '#0a7' } })
 */
export function renderNudges(dp: NudgeSource, options: RenderOptions = {}): () => void {
  const doc = options.document || (typeof document == 'object' ? document : undefined)
  if (!doc) return () => {}
  const win = doc.defaultView
  const open: Shown[] = []
  let host: HTMLElement | undefined
  let root: ShadowRoot | undefined
  let sheet: CSSStyleSheet | null | undefined
  let n = 0

  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string, parent?: Node): HTMLElementTagNameMap[K] => {
    const e = doc.createElement(tag)
    if (cls) e.className = cls
    if (text) e.textContent = text
    parent?.appendChild(e)
    return e
  }
  /** The element a selector names, if it is on screen (a hidden or head element counts as missing). */
  const find = (sel: unknown): Element | null => {
    try {
      const e = str(sel) ? doc.querySelector(str(sel)) : null
      return e && e.checkVisibility?.() !== false ? e : null
    } catch {
      return null // not a valid selector
    }
  }
  const href = (h: unknown): string => {
    try {
      const u = new URL(str(h), doc.baseURI)
      return str(h) && /^https?:$/.test(u.protocol) ? u.href : ''
    } catch {
      return ''
    }
  }
  // the element that has focus, inside (open) shadow roots too
  const active = (): Element | null => {
    let a = doc.activeElement
    while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement
    return a
  }
  const shadow = (e: HTMLElement): ShadowRoot => {
    const r = e.attachShadow({ mode: 'open' })
    safe(() => {
      if (sheet === undefined) {
        sheet = null
        const s = new (win as unknown as { CSSStyleSheet: typeof CSSStyleSheet }).CSSStyleSheet()
        s.replaceSync(CSS)
        sheet = s
      }
      if (sheet && 'adoptedStyleSheets' in r) r.adoptedStyleSheets = [sheet]
    })
    const theme = bag(options.theme)
    for (const k of Object.keys(theme)) if (k.startsWith('--')) safe(() => e.style.setProperty(k, str(theme[k])))
    return r
  }
  const place = (o: Shown): void => {
    if (!o.anchor || !win) return
    const a = o.anchor.getBoundingClientRect()
    const b = o.box.getBoundingClientRect()
    let top = a.bottom + 8
    if (top + b.height > win.innerHeight && a.top - 8 - b.height >= 0) top = a.top - 8 - b.height
    const left = Math.max(8, Math.min(a.left + a.width / 2 - b.width / 2, win.innerWidth - b.width - 8))
    o.box.style.setProperty('top', top + 'px')
    o.box.style.setProperty('left', left + 'px')
  }
  const replace = () => safe(() => open.forEach(place))

  const show = (d: NudgeDecision) =>
    safe(() => {
      const slot = d.nudge.slot
      const c = bag(d.nudge.content)
      if (!(options.slots || SLOTS).includes(slot) || open.some((o) => o.s == slot)) return // busy: the core releases it
      const anchor = slot == 'tooltip' || slot == 'popover' ? find(c.anchor) : null
      const target = slot == 'inline' ? find(c.target) : null
      if ((slot == 'tooltip' && !anchor) || (slot == 'inline' && !target)) return

      const id = 'dp' + ++n
      const dialog = slot != 'banner' && slot != 'inline'
      const box = el('div', 'dp ' + slot + (anchor ? ' at' : ''))
      const x = el('button', 'x', '×', box)
      x.type = 'button'
      x.setAttribute('aria-label', str(c.dismissLabel) || 'Dismiss')
      const into = el('div', '', '', box)

      let custom = false
      if (options.render)
        try {
          custom = options.render(d, into) !== false
        } catch {
          custom = false
        }
      let title: HTMLElement | undefined
      let body: HTMLElement | undefined
      if (!custom) {
        into.textContent = ''
        if (str(c.title)) title = el(slot == 'modal' || slot == 'popover' ? 'h2' : 'strong', 't', str(c.title), into)
        if (str(c.body)) body = el('p', 'b', str(c.body), into)
        const row = el('div', 'a')
        for (const v of Array.isArray(c.cta) ? c.cta : [c.cta]) {
          const cta = bag(v)
          const label = str(cta.label)
          if (!label) continue
          const url = href(cta.href)
          const b = el(url ? 'a' : 'button', 'c', label, row)
          if (url) (b as HTMLAnchorElement).href = url
          else (b as HTMLButtonElement).type = 'button'
          b.addEventListener('click', () =>
            safe(() => {
              o.close()
              safe(() => d.clicked(str(cta.id) || undefined))
            }),
          )
        }
        if (row.firstChild) into.appendChild(row)
        else if (!title && !body) return // nothing to show: not shown, the core releases it
      }

      if (dialog) box.setAttribute('role', 'dialog')
      else box.setAttribute('role', 'region')
      if (slot == 'modal') box.setAttribute('aria-modal', 'true')
      if (title && dialog) box.setAttribute('aria-labelledby', (title.id = id + 't'))
      else box.setAttribute('aria-label', str(c.title) || 'Notification')
      if (body && dialog) box.setAttribute('aria-describedby', (body.id = id + 'b'))

      const prev = slot == 'modal' ? active() : null
      const outer = slot == 'modal' ? el('div', 'bd') : box
      if (outer != box) outer.appendChild(box)
      let wrap: HTMLElement | undefined
      if (target) {
        wrap = el('div')
        shadow(wrap).appendChild(outer)
        target.appendChild(wrap)
      } else {
        if (!host) root = shadow((host = el('div')))
        if (!host.isConnected) (options.root || doc.body || doc.documentElement).appendChild(host)
        root!.appendChild(outer)
      }

      const o: Shown = {
        s: slot,
        box,
        anchor,
        close: () => {
          const i = open.indexOf(o)
          if (i < 0) return
          open.splice(i, 1)
          ;(wrap || outer).remove()
          if (prev?.isConnected) safe(() => (prev as HTMLElement).focus())
        },
        dismiss: () => {
          o.close()
          safe(() => d.dismissed())
        },
      }
      x.addEventListener('click', () => safe(o.dismiss))
      open.push(o)
      place(o)
      if (slot == 'modal') x.focus()
      safe(() => d.shown())
    })

  const key = (e: KeyboardEvent) =>
    safe(() => {
      // the modal if any, else the nudge that has focus: an Esc meant for the page (its own
      // menu, say) must not dismiss a banner, which may end it for good
      const f = active()
      const top = open.find((o) => o.s == 'modal') || open.find((o) => f && o.box.contains(f))
      if (!top || e.defaultPrevented) return
      if (e.key == 'Escape' || e.key == 'Esc') top.dismiss()
      else if (e.key == 'Tab' && top.s == 'modal') {
        // keep focus inside the modal: wrap around at both ends
        const f = Array.from(top.box.querySelectorAll<HTMLElement>(FOCUSABLE)).filter((e) => e.tabIndex >= 0 && !(e as HTMLButtonElement).disabled)
        const i = f.indexOf(active() as HTMLElement)
        const j = e.shiftKey ? (i > 0 ? -1 : f.length - 1) : i < 0 || i == f.length - 1 ? 0 : -1
        if (j >= 0) {
          e.preventDefault()
          f[j]?.focus()
        }
      }
    })

  let off: () => void = () => {}
  safe(() => (off = dp.on('nudge', show)))
  doc.addEventListener('keydown', key)
  win?.addEventListener('scroll', replace, { capture: true, passive: true })
  win?.addEventListener('resize', replace)

  return () =>
    safe(() => {
      safe(off)
      doc.removeEventListener('keydown', key)
      win?.removeEventListener('scroll', replace, true)
      win?.removeEventListener('resize', replace)
      for (const o of open.slice().reverse()) o.close()
      host?.remove()
      host = root = undefined
    })
}
