import { afterEach, describe, expect, it, vi } from 'vitest'
import { attachDevtools } from '../../../src/entries/devtools.js'
import type { Tracker } from '../../../src/compose/types.js'
import { $, fakeTracker, host, memoryStorage, root, text } from './fake.js'

const detachers: (() => void)[] = []
const attach = (t: Tracker, o: Parameters<typeof attachDevtools>[1] = {}) => {
  const d = attachDevtools(t, { storage: null, ...o })
  detachers.push(d)
  return d
}
afterEach(() => {
  detachers.splice(0).forEach((d) => d())
  vi.useRealTimers()
  vi.restoreAllMocks()
})
const key = (target: EventTarget, init: KeyboardEventInit) => target.dispatchEvent(new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init }))
const pointer = (el: Element, type: string, x: number, y: number) => el.dispatchEvent(new PointerEvent(type, { bubbles: true, clientX: x, clientY: y, button: 0, pointerId: 1 }))

describe('the overlay element', () => {
  it('is one <desire-path-devtools> with an open shadow root: nothing of it in the page, no <style>, no inline CSS text', async () => {
    const { tracker } = fakeTracker()
    attach(tracker)
    expect(document.querySelectorAll('desire-path-devtools')).toHaveLength(1)
    expect(customElements.get('desire-path-devtools')).toBeDefined()
    expect(host()!.shadowRoot).not.toBeNull()
    expect(document.querySelector('[data-dp]')).toBeNull() // all inside the shadow root
    await vi.waitFor(() => expect(text('stage')).toBe('Activated'))
    expect(root().querySelector('style, script, link')).toBeNull()
    expect(root().querySelector('[style]')).toBeNull()
  })

  it('adopts a constructable stylesheet with :host{all:initial} and a dark scheme, where the browser has them', () => {
    // jsdom has CSSStyleSheet but no adoptedStyleSheets: give its shadow roots one
    Object.defineProperty(ShadowRoot.prototype, 'adoptedStyleSheets', { configurable: true, writable: true, value: [] })
    try {
      attach(fakeTracker().tracker)
      const sheets = root().adoptedStyleSheets
      expect(sheets).toHaveLength(1)
      const css = Array.from(sheets[0]!.cssRules, (r) => r.cssText).join('\n')
      expect(css).toMatch(/:host\s*\{[^}]*all: initial/)
      expect(css).toContain('prefers-color-scheme: dark')
      expect(css).toContain(':focus-visible')
      expect(host()!.getAttribute('style')).toBeNull() // placed by the sheet, not by inline styles
    } finally {
      delete (ShadowRoot.prototype as { adoptedStyleSheets?: unknown }).adoptedStyleSheets
    }
  })

  it('renders what the tracker says as text, never as markup', async () => {
    const evil = '<img src=x onerror="window.pwned=1">'
    const { tracker } = fakeTracker({ journey: { stage: evil, since: Date.now(), history: [], exited: null, progress: 0, next: { id: 'x', label: evil }, signals: [] } })
    attach(tracker)
    await vi.waitFor(() => expect(text('stage')).toBe(evil))
    expect(root().querySelector('img')).toBeNull()
    expect(text('next')).toBe(evil)
  })

  it('attaching the same tracker again expands the same overlay and returns the same detach', async () => {
    const { tracker, listeners } = fakeTracker()
    const d1 = attach(tracker, { open: false })
    const subscribed = listeners()
    expect($('overlay').hidden).toBe(true)
    const d2 = attach(tracker)
    expect(d2).toBe(d1)
    expect(document.querySelectorAll('desire-path-devtools')).toHaveLength(1)
    expect($('overlay').hidden).toBe(false)
    expect(listeners()).toBe(subscribed)
  })

  it('attaching another tracker replaces the overlay of the first', () => {
    const a = fakeTracker()
    const b = fakeTracker()
    attach(a.tracker)
    attach(b.tracker)
    expect(document.querySelectorAll('desire-path-devtools')).toHaveLength(1)
    expect(a.listeners()).toBe(0)
    expect(b.listeners()).toBeGreaterThan(0)
  })

  it('detach removes the element, its tracker subscriptions, timers and key listeners', async () => {
    vi.useFakeTimers()
    const f = fakeTracker()
    const detach = attach(f.tracker)
    expect(f.listeners()).toBeGreaterThan(0)
    detach()
    expect(host()).toBeNull()
    expect(f.listeners()).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
    // the shortcut no longer brings it back, and a second detach is harmless
    key(document, { key: 'Y', ctrlKey: true, shiftKey: true })
    detach()
    expect(host()).toBeNull()
    // attaching again after detach builds a new overlay
    attach(f.tracker)
    expect(host()).not.toBeNull()
  })

  it('never subscribes to nudge offers (that would make the tracker offer nudges to the overlay)', () => {
    const { t, tracker } = fakeTracker()
    attach(tracker)
    expect(t.on.mock.calls.map((c) => c[0])).not.toContain('nudge')
  })

  it('never throws into the page: a broken tracker shows a message', async () => {
    const broken = {
      journey: () => {
        throw new Error('boom')
      },
      on: () => {
        throw new Error('no events')
      },
    } as unknown as Tracker
    expect(() => attach(broken)).not.toThrow()
    await vi.waitFor(() => expect(text('journey-error')).toBe('journey() threw: boom'))
    $('tab-queue').click()
    await vi.waitFor(() => expect(text('queue-error')).toBe('This tracker has no inspect().'))
    expect(text('badge')).toContain('error')
    expect(() => attach(null as unknown as Tracker)).not.toThrow()
  })

  it('a storage that throws is ignored', () => {
    const storage = { getItem: () => { throw new Error('denied') }, setItem: () => { throw new Error('denied') } } as unknown as Storage
    expect(() => attach(fakeTracker().tracker, { storage })).not.toThrow()
    expect(() => $('tab-nudges').click()).not.toThrow()
    expect($('panel-nudges').hidden).toBe(false)
  })
})

describe('collapsing, keyboard and tabs', () => {
  it('collapses to a badge showing the stage, and expands again', async () => {
    attach(fakeTracker().tracker)
    $('collapse').click()
    expect($('overlay').hidden).toBe(true)
    expect($('badge').hidden).toBe(false)
    await vi.waitFor(() => expect(text('badge')).toBe('desire-path · Activated'))
    expect($('badge').getAttribute('aria-expanded')).toBe('false')
    expect(root().activeElement).toBe($('badge'))
    $('badge').click()
    expect($('overlay').hidden).toBe(false)
    expect($('badge').hidden).toBe(true)
    expect(root().activeElement).toBe($('tab-journey'))
  })

  it('Esc collapses; Ctrl/⌘+Shift+Y toggles', () => {
    attach(fakeTracker().tracker)
    key($('tab-journey'), { key: 'Escape' })
    expect($('overlay').hidden).toBe(true)
    key(document, { key: 'Y', ctrlKey: true, shiftKey: true })
    expect($('overlay').hidden).toBe(false)
    key(document, { key: 'y', metaKey: true, shiftKey: true })
    expect($('overlay').hidden).toBe(true)
    // without Shift it is the page's
    key(document, { key: 'y', ctrlKey: true })
    expect($('overlay').hidden).toBe(true)
  })

  it('starts collapsed with open: false', () => {
    attach(fakeTracker().tracker, { open: false })
    expect($('overlay').hidden).toBe(true)
    expect($('badge').hidden).toBe(false)
  })

  it('has ARIA tabs: one selected, its panel shown, arrow keys move between them', () => {
    attach(fakeTracker().tracker)
    expect($('tabs').getAttribute('role')).toBe('tablist')
    const tabs = ['journey', 'nudges', 'queue', 'identity'].map((id) => $<HTMLButtonElement>('tab-' + id))
    expect(tabs.map((t) => t.getAttribute('role'))).toEqual(['tab', 'tab', 'tab', 'tab'])
    expect(tabs.map((t) => t.tagName)).toEqual(['BUTTON', 'BUTTON', 'BUTTON', 'BUTTON'])
    expect(tabs.map((t) => t.getAttribute('aria-selected'))).toEqual(['true', 'false', 'false', 'false'])
    expect(tabs.map((t) => t.tabIndex)).toEqual([0, -1, -1, -1])
    expect($('panel-journey').getAttribute('role')).toBe('tabpanel')
    expect($('panel-journey').getAttribute('aria-labelledby')).toBe(tabs[0]!.id)
    key(tabs[0]!, { key: 'ArrowRight' })
    expect(tabs[1]!.getAttribute('aria-selected')).toBe('true')
    expect(root().activeElement).toBe(tabs[1])
    expect($('panel-nudges').hidden).toBe(false)
    expect($('panel-journey').hidden).toBe(true)
    key(tabs[1]!, { key: 'ArrowLeft' })
    key(tabs[0]!, { key: 'ArrowLeft' })
    expect(tabs[3]!.getAttribute('aria-selected')).toBe('true')
  })
})

describe('dragging and what is remembered', () => {
  it('drags by the header, kept inside the viewport; position and panel survive a reload', () => {
    const storage = memoryStorage()
    const d = attach(fakeTracker().tracker, { storage })
    vi.spyOn(host()!, 'getBoundingClientRect').mockReturnValue({ left: 0, top: 0, width: 300, height: 200, right: 300, bottom: 200, x: 0, y: 0, toJSON() {} })
    const header = $('handle')
    pointer(header, 'pointerdown', 10, 10)
    pointer(header, 'pointermove', 210, 110)
    expect(host()!.style.left).toBe('200px')
    expect(host()!.style.top).toBe('100px')
    pointer(header, 'pointermove', 5000, -300)
    expect(host()!.style.left).toBe(innerWidth - 300 + 'px')
    expect(host()!.style.top).toBe('0px')
    pointer(header, 'pointerup', 5000, -300)
    $('tab-queue').click()
    d()
    attach(fakeTracker().tracker, { storage })
    expect(host()!.style.left).toBe(innerWidth - 300 + 'px')
    expect($('tab-queue').getAttribute('aria-selected')).toBe('true')
    expect($('panel-queue').hidden).toBe(false)
  })

  it('a press on the badge that does not move is a click; a drag of the badge is not', () => {
    attach(fakeTracker().tracker, { open: false })
    const badge = $('badge')
    pointer(badge, 'pointerdown', 10, 10)
    pointer(badge, 'pointermove', 60, 60)
    pointer(badge, 'pointerup', 60, 60)
    badge.click()
    expect($('overlay').hidden).toBe(true)
    pointer(badge, 'pointerdown', 10, 10)
    pointer(badge, 'pointerup', 11, 10)
    badge.click()
    expect($('overlay').hidden).toBe(false)
  })
})

describe('cost to the page', () => {
  it('polls inspect() only while the Queue panel is open and expanded', async () => {
    vi.useFakeTimers()
    const { t, tracker } = fakeTracker()
    attach(tracker)
    const asked = t.inspect.mock.calls.length // once at opening: the definition
    vi.advanceTimersByTime(5000)
    expect(t.inspect.mock.calls.length).toBe(asked)
    $('tab-queue').click()
    await vi.advanceTimersByTimeAsync(3000)
    expect(t.inspect.mock.calls.length).toBeGreaterThanOrEqual(asked + 3)
    $('collapse').click()
    const collapsed = t.inspect.mock.calls.length
    await vi.advanceTimersByTimeAsync(5000)
    expect(t.inspect.mock.calls.length).toBe(collapsed)
  })

  it('while collapsed, only the badge follows the journey: panels are not redrawn', async () => {
    const f = fakeTracker()
    attach(f.tracker, { open: false })
    await vi.waitFor(() => expect(text('badge')).toBe('desire-path · activated'))
    expect($('panel-journey').childElementCount).toBe(0)
    expect(f.t.inspect).not.toHaveBeenCalled()
    f.state.journey = { ...f.state.journey!, stage: 'visitor' }
    f.emit('stage', { from: 'activated', to: 'visitor', at: Date.now(), cause: 'host' })
    await vi.waitFor(() => expect(text('badge')).toBe('desire-path · visitor'))
    expect($('panel-journey').childElementCount).toBe(0)
  })

  it('redraws at most once per frame however many events come', async () => {
    const f = fakeTracker()
    attach(f.tracker)
    await vi.waitFor(() => expect(text('stage')).toBe('Activated'))
    f.t.journey.mockClear()
    for (let i = 0; i < 20; i++) f.emit('stage', { from: 'visitor', to: 'activated', at: Date.now(), cause: 'host' })
    await vi.waitFor(() => expect(f.t.journey).toHaveBeenCalled())
    expect(f.t.journey.mock.calls.length).toBeLessThanOrEqual(2)
  })
})
