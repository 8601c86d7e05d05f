import { afterEach, describe, expect, it, vi, type Mock } from 'vitest'
import { renderNudges, type RenderOptions } from '../../../src/entries/nudges.js'
import type { NudgeDecision, NudgeSlot } from '../../../src/nudges/types.js'
import type { JsonValue } from '../../../src/compose/types.js'

type Decision = NudgeDecision & { shown: Mock; clicked: Mock; dismissed: Mock; completed: Mock }

// A stand-in for the tracker: the test emits decisions, the acks are spies.
const source = () => {
  const handlers = new Set<(d: NudgeDecision) => void>()
  return {
    on: (_type: 'nudge', fn: (d: NudgeDecision) => void) => {
      handlers.add(fn)
      return () => void handlers.delete(fn)
    },
    emit: (d: unknown) => handlers.forEach((h) => h(d as NudgeDecision)),
    handlers,
  }
}
const decision = (slot: NudgeSlot, content?: JsonValue, id = `${slot}-nudge`): Decision => ({
  nudge: { id, slot, trigger: { signal: 'stalled' }, ...(content === undefined ? {} : { content }) },
  signal: 'stalled',
  explanation: '78% of customers who reached Adoption invited a teammate within 2 days.',
  arm: 'treatment',
  shown: vi.fn(),
  clicked: vi.fn(),
  dismissed: vi.fn(),
  completed: vi.fn(),
})

const detachers: (() => void)[] = []
const setup = (options?: RenderOptions) => {
  const dp = source()
  const detach = renderNudges(dp, options)
  detachers.push(detach)
  return { dp, detach }
}
afterEach(() => {
  detachers.splice(0).forEach((d) => d())
  document.body.replaceChildren()
})

// every open shadow root in the page (the renderer's host, inline hosts)
const roots = (): ShadowRoot[] =>
  Array.from(document.querySelectorAll('*'))
    .map((e) => e.shadowRoot)
    .filter((r): r is ShadowRoot => !!r)
const all = (sel: string): HTMLElement[] => [...Array.from(document.querySelectorAll<HTMLElement>(sel)), ...roots().flatMap((r) => Array.from(r.querySelectorAll<HTMLElement>(sel)))]
const one = (sel: string): HTMLElement => {
  const found = all(sel)
  if (found.length != 1) throw new Error(`${found.length} elements match ${sel}`)
  return found[0]!
}
const nudge = (slot: NudgeSlot) => one(`.dp.${slot}`)
const button = (inside: HTMLElement, name: string) => {
  const b = Array.from(inside.querySelectorAll<HTMLElement>('button,a')).find((e) => (e.getAttribute('aria-label') || e.textContent) == name)
  if (!b) throw new Error(`no button "${name}"`)
  return b
}
const key = (k: string, init: KeyboardEventInit = {}, at: EventTarget = document) => {
  const e = new KeyboardEvent('keydown', { key: k, bubbles: true, composed: true, cancelable: true, ...init })
  at.dispatchEvent(e)
  return e
}
const focused = () => {
  let a = document.activeElement
  while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement
  return a
}
const page = (html: { tag: string; id: string; text?: string }[]) =>
  html.map(({ tag, id, text }) => {
    const e = document.createElement(tag)
    e.id = id
    if (text) e.textContent = text
    document.body.appendChild(e)
    return e
  })

const content = { title: 'Work is better together', body: 'Invite a teammate to your project.', cta: { id: 'invite', label: 'Invite' }, anchor: '#share', target: '#slot' }

describe('renderNudges', () => {
  it.each<[NudgeSlot, string, string]>([
    ['modal', 'dialog', 'H2'],
    ['popover', 'dialog', 'H2'],
    ['banner', 'region', 'STRONG'],
    ['tooltip', 'dialog', 'STRONG'],
    ['inline', 'region', 'STRONG'],
  ])('shows a %s in a shadow root, as text, and reports it shown once', (slot, role, titleTag) => {
    const [, slotEl] = page([
      { tag: 'button', id: 'share', text: 'Share' },
      { tag: 'div', id: 'slot' },
    ])
    const { dp } = setup()
    const d = decision(slot, content)
    dp.emit(d)

    const box = nudge(slot)
    expect(box.getRootNode()).toBeInstanceOf(ShadowRoot)
    expect(box.getAttribute('role')).toBe(role)
    expect(box.querySelector('.t')!.tagName).toBe(titleTag)
    expect(box.querySelector('.t')!.textContent).toBe('Work is better together')
    expect(box.querySelector('.b')!.textContent).toBe('Invite a teammate to your project.')
    expect(button(box, 'Invite').tagName).toBe('BUTTON')
    // the page's own DOM doesn't get the text: it lives in the shadow tree
    expect(document.body.textContent).not.toContain('Work is better together')
    if (slot == 'inline') expect((box.getRootNode() as ShadowRoot).host.parentElement).toBe(slotEl)
    expect(d.shown).toHaveBeenCalledTimes(1)
    expect(d.dismissed).not.toHaveBeenCalled()
  })

  it('labels dialogs by their title and body, and regions by their title', () => {
    page([{ tag: 'button', id: 'share' }])
    const { dp } = setup()
    dp.emit(decision('modal', content))
    dp.emit(decision('banner', { title: 'New: dark mode' }))
    dp.emit(decision('tooltip', { body: 'Share it from here', anchor: '#share' }))
    const modal = nudge('modal')
    expect(modal.getAttribute('aria-modal')).toBe('true')
    const root = modal.getRootNode() as ShadowRoot
    expect(root.getElementById(modal.getAttribute('aria-labelledby')!)!.textContent).toBe('Work is better together')
    expect(root.getElementById(modal.getAttribute('aria-describedby')!)!.textContent).toBe('Invite a teammate to your project.')
    expect(nudge('banner').getAttribute('aria-label')).toBe('New: dark mode')
    expect(nudge('tooltip').getAttribute('aria-label')).toBe('Notification')
    expect(nudge('tooltip').hasAttribute('aria-modal')).toBe(false)
  })

  it('puts hostile strings in as literal text: no element is ever parsed from content', () => {
    const evil = '<img src=x onerror=alert(1)>'
    const { dp } = setup()
    dp.emit(decision('modal', { title: evil, body: '<script>alert(1)</script>', cta: [{ id: 'a', label: evil }], dismissLabel: '<b>x</b>' }))
    const box = nudge('modal')
    expect(box.querySelector('.t')!.textContent).toBe(evil)
    expect(box.querySelector('.b')!.textContent).toBe('<script>alert(1)</script>')
    expect(button(box, evil).textContent).toBe(evil)
    expect(button(box, '<b>x</b>').tagName).toBe('BUTTON')
    expect(all('img, script, b, style')).toEqual([])
    expect(all('[onerror], [onclick]')).toEqual([])
  })

  it('links a call to action only to http(s) URLs; javascript:, data: and junk make it a button', () => {
    const { dp } = setup()
    const d = decision('popover', {
      title: 'Plans',
      cta: [
        { id: 'js', label: 'Run', href: 'javascript:alert(1)' },
        { id: 'data', label: 'Data', href: 'data:text/html,<script>alert(1)</script>' },
        { id: 'obj', label: 'Object', href: { toString: 'https://evil.example' } },
        { id: 'abs', label: 'Pricing', href: 'https://example.com/pricing' },
        { id: 'rel', label: 'Docs', href: '/docs/invite' },
      ],
    })
    dp.emit(d)
    const box = nudge('popover')
    for (const name of ['Run', 'Data', 'Object']) {
      expect(button(box, name).tagName).toBe('BUTTON')
      expect(button(box, name).hasAttribute('href')).toBe(false)
    }
    expect(button(box, 'Pricing').getAttribute('href')).toBe('https://example.com/pricing')
    expect(button(box, 'Docs').getAttribute('href')).toBe(new URL('/docs/invite', location.href).href)
    expect(all('[href^="javascript"], [href^="data"]')).toEqual([])
    button(box, 'Run').click()
    expect(d.clicked).toHaveBeenCalledWith('js')
  })

  it('reports a call to action clicked with its id and closes the nudge', () => {
    const { dp } = setup()
    const d = decision('banner', { title: 'Try it', cta: [{ id: 'yes', label: 'Show me' }, { id: 'later', label: 'Later' }] })
    dp.emit(d)
    button(nudge('banner'), 'Later').click()
    expect(d.clicked).toHaveBeenCalledExactlyOnceWith('later')
    expect(d.dismissed).not.toHaveBeenCalled()
    expect(all('.dp')).toEqual([])
  })

  it('dismisses with the close button, named by dismissLabel or "Dismiss"', () => {
    const { dp } = setup()
    const a = decision('banner', { title: 'A' })
    const b = decision('popover', { title: 'B', dismissLabel: 'Not now' })
    dp.emit(a)
    dp.emit(b)
    const close = button(nudge('banner'), 'Dismiss')
    expect(close.tagName).toBe('BUTTON')
    expect(close.getAttribute('type')).toBe('button')
    close.click()
    expect(a.dismissed).toHaveBeenCalledTimes(1)
    expect(all('.dp.banner')).toEqual([])
    button(nudge('popover'), 'Not now').click()
    expect(b.dismissed).toHaveBeenCalledTimes(1)
    expect(b.clicked).not.toHaveBeenCalled()
    expect(all('.dp')).toEqual([])
  })

  it('dismisses on Escape the modal, or the nudge that has focus; an Escape meant for the page dismisses nothing', () => {
    page([{ tag: 'div', id: 'slot' }, { tag: 'button', id: 'menu' }])
    const { dp } = setup()
    const inline = decision('inline', { title: 'Inline', target: '#slot', cta: { id: 'go', label: 'Go' } })
    const banner = decision('banner', { title: 'Banner', cta: { id: 'go', label: 'Go' } })
    const popover = decision('popover', { title: 'Popover' })
    dp.emit(inline)
    dp.emit(banner)
    dp.emit(popover)
    // focus is on the page (its menu): Esc is the page's business
    document.getElementById('menu')!.focus()
    key('Escape')
    for (const d of [inline, banner, popover]) expect(d.dismissed).not.toHaveBeenCalled()
    // focus in the popover: Esc dismisses it, and only it
    button(nudge('popover'), 'Dismiss').focus()
    key('Escape')
    expect(popover.dismissed).toHaveBeenCalledTimes(1)
    expect(all('.dp.popover')).toEqual([])
    expect(banner.dismissed).not.toHaveBeenCalled()
    button(nudge('banner'), 'Go').focus()
    key('Escape')
    expect(banner.dismissed).toHaveBeenCalledTimes(1)
    button(nudge('inline'), 'Go').focus()
    key('Escape')
    expect(inline.dismissed).toHaveBeenCalledTimes(1)
    // a modal takes Esc wherever focus is
    const modal = decision('modal', { title: 'Modal' })
    dp.emit(modal)
    document.getElementById('menu')!.focus()
    key('Escape')
    expect(modal.dismissed).toHaveBeenCalledTimes(1)
  })

  it('shows one nudge per slot: a second decision for a busy slot is not shown', () => {
    const { dp } = setup()
    const first = decision('banner', { title: 'First' }, 'first')
    const second = decision('banner', { title: 'Second' }, 'second')
    dp.emit(first)
    dp.emit(second)
    expect(second.shown).not.toHaveBeenCalled()
    expect(nudge('banner').textContent).toContain('First')
    // another slot is free
    const modal = decision('modal', { title: 'Modal' })
    dp.emit(modal)
    expect(modal.shown).toHaveBeenCalledTimes(1)
    // once the slot is free again, the next decision shows
    button(nudge('banner'), 'Dismiss').click()
    const third = decision('banner', { title: 'Third' }, 'third')
    dp.emit(third)
    expect(third.shown).toHaveBeenCalledTimes(1)
    expect(nudge('banner').textContent).toContain('Third')
  })

  it('shows only the slots it is given, leaving the others to the host', () => {
    const { dp } = setup({ slots: ['banner'] })
    const popover = decision('popover', { title: 'Yours to render' })
    const banner = decision('banner', { title: 'Ours' })
    dp.emit(popover)
    dp.emit(banner)
    expect(popover.shown).not.toHaveBeenCalled()
    expect(all('.dp.popover')).toHaveLength(0)
    expect(banner.shown).toHaveBeenCalledTimes(1)
    expect(nudge('banner').textContent).toContain('Ours')
  })

  it('does not show a tooltip without its anchor nor an inline nudge without its target', () => {
    page([{ tag: 'div', id: 'present' }])
    const { dp } = setup()
    const ds = [
      decision('tooltip', { title: 'T', anchor: '#missing' }),
      decision('tooltip', { title: 'T' }),
      decision('tooltip', { title: 'T', anchor: '[[bad selector' }),
      decision('inline', { title: 'I', target: '#missing' }),
      decision('inline', { title: 'I', target: '::nope(' }),
      decision('inline', { title: 'I', target: 42 }),
    ]
    for (const d of ds) expect(() => dp.emit(d)).not.toThrow()
    for (const d of ds) expect(d.shown).not.toHaveBeenCalled()
    expect(all('.dp')).toEqual([])
    // the slots were not taken by the failed attempts
    const ok = decision('tooltip', { title: 'T', anchor: '#present' })
    dp.emit(ok)
    expect(ok.shown).toHaveBeenCalledTimes(1)
  })

  it('treats an element that is not on screen (hidden, in <head>) as missing: no show is counted', () => {
    page([{ tag: 'div', id: 'hidden' }])
    // jsdom lays nothing out: say what a browser says of a display:none element
    ;(document.getElementById('hidden') as Element & { checkVisibility(): boolean }).checkVisibility = () => false
    const { dp } = setup()
    const ds = [decision('inline', { title: 'I', target: '#hidden' }), decision('tooltip', { title: 'T', anchor: '#hidden' })]
    for (const d of ds) dp.emit(d)
    for (const d of ds) expect(d.shown).not.toHaveBeenCalled()
    expect(all('.dp')).toEqual([])
  })

  it('places a tooltip under its anchor, and an anchorless popover in the corner', () => {
    const [anchor] = page([{ tag: 'button', id: 'share' }])
    anchor!.getBoundingClientRect = () => ({ top: 100, bottom: 120, left: 50, right: 90, width: 40, height: 20, x: 50, y: 100 }) as DOMRect
    const { dp } = setup()
    dp.emit(decision('tooltip', { body: 'Share from here', anchor: '#share' }))
    dp.emit(decision('popover', { body: 'Corner' }))
    const tip = nudge('tooltip')
    expect(tip.style.getPropertyValue('top')).toBe('128px')
    expect(tip.style.getPropertyValue('left')).toBe('70px')
    // follows the anchor when the page scrolls
    anchor!.getBoundingClientRect = () => ({ top: 10, bottom: 30, left: 50, right: 90, width: 40, height: 20, x: 50, y: 10 }) as DOMRect
    window.dispatchEvent(new Event('scroll'))
    expect(tip.style.getPropertyValue('top')).toBe('38px')
    expect(nudge('popover').style.getPropertyValue('top')).toBe('')
    expect(nudge('popover').classList.contains('at')).toBe(false)
  })

  it('moves focus into a modal and back to where it was when it closes', () => {
    const [before] = page([{ tag: 'button', id: 'mine', text: 'Mine' }])
    before!.focus()
    const { dp } = setup()
    dp.emit(decision('modal', content))
    const modal = nudge('modal')
    expect(focused()).toBe(button(modal, 'Dismiss'))
    key('Escape')
    expect(all('.dp')).toEqual([])
    expect(document.activeElement).toBe(before)
  })

  it('puts its shadow host in options.root when given', () => {
    page([{ tag: 'div', id: 'mount' }])
    const mount = document.getElementById('mount')!
    const { dp } = setup({ root: mount })
    const d = decision('banner', { title: 'Here' })
    dp.emit(d)
    expect(d.shown).toHaveBeenCalledTimes(1)
    expect(mount.children).toHaveLength(1)
    expect(mount.firstElementChild!.shadowRoot!.textContent).toContain('Here')
  })

  it('keeps Tab inside the modal, wrapping at both ends', () => {
    page([{ tag: 'button', id: 'outside' }])
    const { dp } = setup()
    dp.emit(decision('modal', { ...content, cta: [{ id: 'a', label: 'One' }, { id: 'b', label: 'Two' }] }))
    const modal = nudge('modal')
    const first = button(modal, 'Dismiss')
    const last = button(modal, 'Two')
    last.focus()
    const forward = key('Tab', {}, last)
    expect(forward.defaultPrevented).toBe(true)
    expect(focused()).toBe(first)
    const back = key('Tab', { shiftKey: true }, first)
    expect(back.defaultPrevented).toBe(true)
    expect(focused()).toBe(last)
    // in the middle, the browser moves focus as usual
    button(modal, 'One').focus()
    expect(key('Tab', {}, button(modal, 'One')).defaultPrevented).toBe(false)
    // focus that escaped (a click on the page) comes back on Tab
    document.getElementById('outside')!.focus()
    key('Tab')
    expect(focused()).toBe(first)
  })

  it('applies the theme as CSS custom properties on the shadow hosts', () => {
    page([{ tag: 'div', id: 'slot' }])
    const { dp } = setup({ theme: { '--dp-accent': '#0a7', '--dp-radius': '2px', color: 'red' } })
    dp.emit(decision('banner', { title: 'B' }))
    dp.emit(decision('inline', { title: 'I', target: '#slot' }))
    for (const slot of ['banner', 'inline'] as const) {
      const host = (nudge(slot).getRootNode() as ShadowRoot).host as HTMLElement
      expect(host.style.getPropertyValue('--dp-accent')).toBe('#0a7')
      expect(host.style.getPropertyValue('--dp-radius')).toBe('2px')
      expect(host.style.getPropertyValue('color')).toBe('') // only custom properties
    }
  })

  it('styles with an adopted constructable stylesheet (reduced motion respected), never a <style> element', () => {
    const adopted: CSSStyleSheet[][] = []
    Object.defineProperty(ShadowRoot.prototype, 'adoptedStyleSheets', {
      configurable: true,
      get: () => [],
      set: (v: CSSStyleSheet[]) => adopted.push(v),
    })
    try {
      page([{ tag: 'div', id: 'slot' }])
      const { dp } = setup()
      dp.emit(decision('banner', { title: 'B' }))
      dp.emit(decision('inline', { title: 'I', target: '#slot' }))
      expect(adopted).toHaveLength(2)
      expect(adopted[0]![0]).toBe(adopted[1]![0]) // one sheet, shared
      const css = Array.from(adopted[0]![0]!.cssRules, (r) => r.cssText).join('\n')
      expect(css).toMatch(/prefers-reduced-motion: ?reduce/)
      expect(css).toContain('var(--dp-accent')
    } finally {
      delete (ShadowRoot.prototype as { adoptedStyleSheets?: unknown }).adoptedStyleSheets
    }
    expect(all('style, link')).toEqual([])
  })

  it('uses the host render function, and the default text only when it returns false or throws', () => {
    const render = vi.fn((d: NudgeDecision, into: HTMLElement) => {
      if (d.nudge.id == 'fallback') return false
      if (d.nudge.id == 'broken') throw new Error('host bug')
      const p = document.createElement('em')
      p.textContent = 'custom ' + d.nudge.id
      into.appendChild(p)
      return undefined // anything but false: the host rendered it
    })
    const { dp } = setup({ render })
    const custom = decision('banner', content, 'mine')
    const fallback = decision('popover', content, 'fallback')
    const broken = decision('modal', content, 'broken')
    dp.emit(custom)
    dp.emit(fallback)
    dp.emit(broken)
    expect(render).toHaveBeenCalledTimes(3)
    expect(nudge('banner').querySelector('em')!.textContent).toBe('custom mine')
    expect(nudge('banner').querySelector('.t')).toBeNull()
    expect(custom.shown).toHaveBeenCalledTimes(1)
    button(nudge('banner'), 'Dismiss').click() // the close button is still there
    expect(custom.dismissed).toHaveBeenCalledTimes(1)
    for (const slot of ['popover', 'modal'] as const) {
      expect(nudge(slot).querySelector('.t')!.textContent).toBe('Work is better together')
      expect(nudge(slot).querySelector('em')).toBeNull()
    }
    expect(fallback.shown).toHaveBeenCalledTimes(1)
    expect(broken.shown).toHaveBeenCalledTimes(1)
  })

  it('survives broken content, broken decisions and throwing acks', () => {
    const { dp } = setup()
    const numbers = decision('banner', { title: 42, body: { nested: true }, cta: [null, 7, { label: ['x'] }, { label: 'Go' }] })
    expect(() => dp.emit(numbers)).not.toThrow()
    expect(nudge('banner').querySelector('.t')!.textContent).toBe('42')
    expect(nudge('banner').querySelector('.b')).toBeNull()
    expect(Array.from(nudge('banner').querySelectorAll('.c'), (c) => c.textContent)).toEqual(['Go'])
    button(nudge('banner'), 'Go').click()
    expect(numbers.clicked).toHaveBeenCalledWith(undefined) // no id: none reported
    // nothing to show at all: not shown, so the core releases it
    for (const c of [null, 'text', [1, 2], {}, { cta: 'no' }] as JsonValue[]) {
      const d = decision('popover', c)
      expect(() => dp.emit(d)).not.toThrow()
      expect(d.shown).not.toHaveBeenCalled()
    }
    expect(all('.dp')).toEqual([])
    for (const bad of [null, {}, { nudge: null }, { nudge: { slot: 'sidebar', content } }]) expect(() => dp.emit(bad)).not.toThrow()
    expect(all('.dp')).toEqual([])
    // acks that throw stay inside the renderer
    const angry = decision('banner', { title: 'Angry', cta: { id: 'go', label: 'Go' } })
    const boom = () => {
      throw new Error('core bug')
    }
    angry.shown.mockImplementation(boom)
    angry.clicked.mockImplementation(boom)
    expect(() => dp.emit(angry)).not.toThrow()
    expect(() => button(nudge('banner'), 'Go').click()).not.toThrow()
    expect(all('.dp')).toEqual([])
  })

  it('detach removes the listener, every element and the key handling, and restores focus', () => {
    const [mine] = page([
      { tag: 'button', id: 'mine' },
      { tag: 'div', id: 'slot' },
    ])
    mine!.focus()
    const { dp, detach } = setup()
    dp.emit(decision('modal', content))
    dp.emit(decision('inline', { title: 'I', target: '#slot' }))
    const banner = decision('banner', { title: 'B' })
    dp.emit(banner)
    expect(roots()).toHaveLength(2)
    detach()
    expect(roots()).toEqual([])
    expect(document.getElementById('slot')!.childNodes).toHaveLength(0)
    expect(document.body.children).toHaveLength(2) // only the page's own elements
    expect(document.activeElement).toBe(mine)
    expect(dp.handlers.size).toBe(0)
    key('Escape')
    expect(banner.dismissed).not.toHaveBeenCalled()
    expect(() => detach()).not.toThrow()
  })

  it('does nothing without a DOM (server-side rendering)', () => {
    const dp = source()
    vi.stubGlobal('document', undefined)
    try {
      const detach = renderNudges(dp)
      expect(dp.handlers.size).toBe(0)
      expect(() => detach()).not.toThrow()
    } finally {
      vi.unstubAllGlobals()
    }
  })
})
