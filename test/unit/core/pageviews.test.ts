import { afterEach, describe, expect, it, vi } from 'vitest'
import type { StoredEvent } from '../../../src/storage/queue.js'
import type { Tracker, TrackerOptions } from '../../../src/entries/index.js'
import { collector, type WireEvent } from '../../helpers/collector.js'
import { tracker } from '../../helpers/fixtures.js'
import type { Env } from '../../../src/core/env.js'
import { watchPages } from '../../../src/core/pageviews.js'

// `pageviews: 'history' | 'hash'` (src/core/pageviews.ts) on jsdom's window: History API
// (jsdom has no Navigation API; a fake one is put on the window for its path). Page events
// are seen as they are captured, through the plugin slot, and on the wire at the end.

const ORIGIN = location.origin
const made: Tracker[] = []

afterEach(async () => {
  await Promise.all(made.splice(0).map((dp) => dp.shutdown()))
  // whatever a test wrapped on the instance goes: the prototype's methods again
  delete (history as Partial<History>).pushState
  delete (history as Partial<History>).replaceState
  delete (window as { navigation?: unknown }).navigation
})

/** A tracker with page views on; `pages`: its page events as captured, in order. */
function start(pageviews: 'history' | 'hash', o: Partial<TrackerOptions> = {}) {
  const wire = collector()
  const pages: WireEvent[] = []
  const $plugin = () => ({
    $event(rec: StoredEvent) {
      const ev = JSON.parse(rec.s) as WireEvent
      if (ev.type == 'page') pages.push(ev)
    },
    $journey: () => null,
    $settled: async () => {},
    $stage() {},
    $stop: async () => {},
  })
  const t = tracker({ pageviews, $plugin, ...o } as Partial<TrackerOptions>)
  made.push(t.dp)
  return { ...t, wire, pages, urls: () => pages.map((p) => p.properties!.url) }
}

/** One macrotask: the tracker's deferred check (a 0 ms timer set before this one) has run. */
const tick = () => new Promise((r) => setTimeout(r, 0))
/** Resolves after the window's next `type` event (the tracker's listeners, added earlier, have run). */
const next = (type: string) => new Promise((r) => window.addEventListener(type, r, { once: true }))
const at = (path: string) => history.replaceState(null, '', path)

describe('pageviews: the page the tracker starts on', () => {
  it('is recorded once, a task after createTracker', async () => {
    at('/start')
    document.title = 'Start'
    const { pages } = start('history')
    expect(pages).toHaveLength(0) // deferred: the host's own page() may come first
    await vi.waitFor(() => expect(pages).toHaveLength(1))
    expect(pages[0]!.properties).toMatchObject({ url: ORIGIN + '/start', path: '/start', title: 'Start' })
    await tick()
    expect(pages).toHaveLength(1)
  })

  it('is not recorded twice when the host calls dp.page() right after createTracker', async () => {
    at('/landing')
    const { dp, pages, urls } = start('history')
    dp.page({ name: 'Landing' })
    await tick()
    await tick()
    expect(urls()).toEqual([ORIGIN + '/landing'])
    expect(pages[0]!.name).toBe('Landing')
    // the host's page() after its own route change: the tracker's check sees it and adds none
    history.pushState(null, '', '/next')
    dp.page({ name: 'Next' })
    await tick()
    history.pushState(null, '', '/after')
    await vi.waitFor(() => expect(urls()).toHaveLength(3))
    expect(pages.map((p) => p.name ?? null)).toEqual(['Landing', 'Next', null])
    expect(urls()).toEqual([ORIGIN + '/landing', ORIGIN + '/next', ORIGIN + '/after'])
  })
})

describe('pageviews: one page event per distinct URL', () => {
  it('push then an immediate replace (a redirect): one page event, of the final URL, with the title set after it', async () => {
    at('/p0')
    const { pages, urls } = start('history')
    await vi.waitFor(() => expect(pages).toHaveLength(1))
    history.pushState(null, '', '/old-route')
    history.replaceState(null, '', '/new-route')
    await Promise.resolve()
    document.title = 'New route' // a router sets it a microtask later
    await vi.waitFor(() => expect(pages).toHaveLength(2))
    await tick()
    expect(urls()).toEqual([ORIGIN + '/p0', ORIGIN + '/new-route'])
    expect(pages[1]!.properties).toMatchObject({ title: 'New route', referrer: ORIGIN + '/p0' })
  })

  it('replaceState to the same URL (new state) records nothing; pushState to it neither', async () => {
    at('/same')
    const { pages, urls } = start('history')
    await vi.waitFor(() => expect(pages).toHaveLength(1))
    history.replaceState({ scroll: 1 }, '', '/same')
    await tick()
    history.pushState({ scroll: 2 }, '', '/same')
    await tick()
    history.replaceState({ scroll: 3 }, '')
    await tick()
    expect(pages).toHaveLength(1)
    history.pushState(null, '', '/other')
    await vi.waitFor(() => expect(pages).toHaveLength(2))
    expect(urls()).toEqual([ORIGIN + '/same', ORIGIN + '/other'])
  })

  // 50 scripted navigations; the model below is the browser's history list
  const SCRIPT = [
    'push /home', 'push /products', 'replace /products?page=2', 'push /products/42', 'hash reviews',
    'hash specs', 'back', 'back', 'back', 'forward',
    'push /products/42', 'replace /products/42', 'push /cart', 'replace /checkout', 'push /checkout/pay',
    'back', 'back', 'back', 'forward', 'forward',
    'push /checkout#step-2', 'replace /checkout#step-3', 'push /done', 'back', 'hash step-4',
    'push /account', 'push /account/settings', 'replace /account/settings', 'hash profile', 'hash security',
    'back', 'back', 'back', 'forward', 'push /search?q=shoes',
    'push /search?q=boots', 'back', 'forward', 'replace /search?q=boots&sort=price', 'push /',
    'hash top', 'push /#top', 'back', 'forward', 'push /blog',
    'push /blog/post-1', 'back', 'push /blog/post-2', 'back', 'forward',
  ]

  it.each([
    ['history', 31, 'hash changes are not page views'],
    ['hash', 43, 'hash changes are page views'],
  ] as const)("'%s': one page event per route across 50 navigations (%i page views: %s), referrer chained", async (mode, count, _why) => {
    expect(SCRIPT).toHaveLength(50)
    at('/start')
    const { dp, pages, urls, wire: c } = start(mode)
    const key = (u: string) => (mode == 'hash' ? u : u.split('#')[0])
    const stack = [ORIGIN + '/start']
    let i = 0
    const expected = [ORIGIN + '/start']
    await vi.waitFor(() => expect(pages).toHaveLength(1))
    for (const [n, step] of SCRIPT.entries()) {
      const [op, arg = ''] = step.split(' ') as [string, string?]
      const before = location.href
      let heard: Promise<unknown> | undefined
      if (op == 'push' || op == 'replace') {
        const href = new URL(arg, location.href).href
        if (op == 'push') stack.splice(++i, Infinity, href)
        else stack[i] = href
        history[op == 'push' ? 'pushState' : 'replaceState']({ n }, '', arg)
      } else if (op == 'hash') {
        stack.splice(++i, Infinity, location.href.split('#')[0] + '#' + arg)
        heard = next('hashchange') // after popstate
        location.hash = arg
      } else {
        i += op == 'back' ? -1 : 1
        if (i < 0 || i >= stack.length) throw new Error(`step ${n}: ${op} out of the history list`)
        const moved = new URL(stack[i]!).hash != new URL(before).hash
        heard = next(moved ? 'hashchange' : 'popstate')
        history[op == 'back' ? 'back' : 'forward']()
      }
      await heard
      await tick()
      expect(location.href, `step ${n}: ${step}`).toBe(stack[i])
      if (key(stack[i]!) != key(expected.at(-1)!)) expected.push(stack[i]!)
      expect(urls(), `step ${n}: ${step}`).toEqual(expected)
    }
    expect(pages).toHaveLength(count)
    // the same URL again after another one is a new page view (back to it)
    expect(new Set(urls()).size).toBeLessThan(count)
    pages.forEach((p, k) => expect(p.properties!.referrer, `page ${k}`).toBe(k ? pages[k - 1]!.properties!.url : ''))
    await dp.flush()
    const wire = c.accepted.filter((e) => e.type == 'page')
    expect(wire.map((e) => e.properties)).toEqual(pages.map((p) => p.properties))
    expect(wire.map((e) => e.context.page.url)).toEqual(urls())
  })
})

describe('pageviews: the History API wrappers', () => {
  it("keep the method's this, arguments, return value and exceptions", async () => {
    const seen: unknown[] = []
    const earlier = function (this: History, ...a: Parameters<History['pushState']>) {
      seen.push(this, a[0])
      History.prototype.pushState.apply(this, a)
      return 'theirs'
    } as unknown as History['pushState']
    history.pushState = earlier
    at('/w0')
    const { pages, urls, codes } = start('history')
    expect(history.pushState).not.toBe(earlier)
    expect((history.pushState as unknown as (...a: unknown[]) => unknown)({ s: 1 }, '', '/w1')).toBe('theirs')
    expect(seen).toEqual([history, { s: 1 }])
    expect(history.state).toEqual({ s: 1 })
    expect(() => history.pushState(null, '', 'https://elsewhere.test/x')).toThrow()
    // the start's check was still pending: one page view, of where the page is now
    await vi.waitFor(() => expect(pages).toHaveLength(1))
    await tick()
    expect(urls()).toEqual([ORIGIN + '/w1'])
    expect(codes()).toEqual([])
  })

  it('shutdown: no page events after it, listeners and timers gone, history works (unwrapped)', async () => {
    const push = history.pushState
    const replace = history.replaceState
    at('/s0')
    const { dp, pages, codes } = start('hash')
    await vi.waitFor(() => expect(pages).toHaveLength(1))
    history.pushState(null, '', '/s1') // its check is pending at shutdown
    const removed = vi.spyOn(window, 'removeEventListener')
    await dp.shutdown()
    const types = removed.mock.calls.map((c) => c[0])
    removed.mockRestore()
    expect(types).toEqual(expect.arrayContaining(['popstate', 'hashchange']))
    expect(history.pushState).toBe(push)
    expect(history.replaceState).toBe(replace)
    const n = pages.length
    history.pushState({ a: 1 }, '', '/s2')
    expect(location.pathname).toBe('/s2')
    history.replaceState({ a: 2 }, '', '/s3')
    expect(history.state).toEqual({ a: 2 })
    const moved = next('hashchange')
    location.hash = 'h'
    await moved
    const back = next('popstate')
    history.back()
    await back
    await tick()
    await tick()
    expect(pages).toHaveLength(n)
    expect(codes()).toEqual([]) // no page() after shutdown ("call after shutdown ignored")
  })

  it('stop() right after a route change: its pending check never runs', async () => {
    at('/t0')
    const page = vi.fn()
    const e = { $win: window, $loc: location, _guard: (f: () => void) => f } as unknown as Env
    watchPages(e, page, false)() // the start's check, pending
    const stop = watchPages(e, page, false)
    await vi.waitFor(() => expect(page).toHaveBeenCalledTimes(1))
    e._lastPage = location.href // what the tracker's page() notes
    history.pushState(null, '', '/t1')
    stop()
    await tick()
    await tick()
    expect(page).toHaveBeenCalledTimes(1)
    expect(history.pushState).toBe(History.prototype.pushState)
  })

  it('shutdown with a wrapper added after ours: it is left in place and passes through', async () => {
    at('/x0')
    const { dp, pages, codes } = start('history')
    await vi.waitFor(() => expect(pages).toHaveLength(1))
    const ours = history.pushState
    const later = function (this: History, ...a: Parameters<History['pushState']>) {
      return ours.apply(this, a)
    }
    history.pushState = later
    await dp.shutdown()
    expect(history.pushState).toBe(later)
    history.pushState({ k: 1 }, '', '/x1')
    expect(location.pathname).toBe('/x1')
    expect(history.state).toEqual({ k: 1 })
    await tick()
    await tick()
    expect(pages).toHaveLength(1)
    expect(codes()).toEqual([])
  })
})

describe('pageviews: the Navigation API, where there is one', () => {
  /** A stand-in for `window.navigation`: `currententrychange` after each same-document navigation. */
  class FakeNavigation extends EventTarget {
    listeners = 0
    override addEventListener(...a: Parameters<EventTarget['addEventListener']>) {
      if (a[0] == 'currententrychange') this.listeners++
      super.addEventListener(...a)
    }
    override removeEventListener(...a: Parameters<EventTarget['removeEventListener']>) {
      if (a[0] == 'currententrychange') this.listeners--
      super.removeEventListener(...a)
    }
    changed() {
      this.dispatchEvent(new Event('currententrychange'))
    }
  }

  it('listens to currententrychange and leaves history alone; one page event per URL; stop removes the listener', async () => {
    const nav = new FakeNavigation()
    Object.defineProperty(window, 'navigation', { value: nav, configurable: true })
    const push = history.pushState
    const replace = history.replaceState
    at('/n0')
    const { dp, pages, urls } = start('history')
    expect(history.pushState).toBe(push) // not wrapped
    expect(history.replaceState).toBe(replace)
    expect(nav.listeners).toBe(1)
    await vi.waitFor(() => expect(pages).toHaveLength(1))
    history.pushState(null, '', '/n1')
    nav.changed()
    await vi.waitFor(() => expect(pages).toHaveLength(2))
    // push + replace (redirect), each with its event: one page view, of the final URL
    history.pushState(null, '', '/n2')
    nav.changed()
    history.replaceState(null, '', '/n3')
    nav.changed()
    await vi.waitFor(() => expect(pages).toHaveLength(3))
    // same URL, and a fragment change without 'hash': none
    history.replaceState({ x: 1 }, '', '/n3#frag')
    nav.changed()
    await tick()
    expect(urls()).toEqual([ORIGIN + '/n0', ORIGIN + '/n1', ORIGIN + '/n3'])
    expect(pages[2]!.properties!.referrer).toBe(ORIGIN + '/n1')
    await dp.shutdown()
    expect(nav.listeners).toBe(0)
    history.pushState(null, '', '/n4')
    nav.changed()
    await tick()
    expect(pages).toHaveLength(3)
  })

  it("'hash': a fragment change heard through the Navigation API is a page view", async () => {
    const nav = new FakeNavigation()
    Object.defineProperty(window, 'navigation', { value: nav, configurable: true })
    at('/f0')
    const { pages, urls } = start('hash')
    await vi.waitFor(() => expect(pages).toHaveLength(1))
    history.pushState(null, '', '/f0#a')
    nav.changed()
    await vi.waitFor(() => expect(pages).toHaveLength(2))
    expect(urls()).toEqual([ORIGIN + '/f0', ORIGIN + '/f0#a'])
  })
})
