import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { http, HttpResponse } from 'msw'
import { collector, ENDPOINT, server } from '../../helpers/collector.js'
import { MAX_CALLS } from '../../../src/page/types.js'

// The snippet's stub and the build taking it over (entries/snippet.ts, page/page.ts), in
// jsdom, where no script loads: the build's arrival is the import of entries/iife.ts.
type Api = Record<string, any>
const w = window as unknown as { desirePath?: Api }
const snippet = () => import('../../../src/entries/snippet.js')
const build = () => import('../../../src/entries/iife.js')
let warn: { mock: { calls: unknown[][] } } & ((...a: unknown[]) => void)

beforeEach(() => {
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
})
afterEach(async () => {
  await w.desirePath?.tracker?.shutdown()
  delete w.desirePath
  document.head.querySelectorAll('script').forEach((s) => s.remove())
  vi.resetModules()
  vi.restoreAllMocks()
})

/** the options a test page passes to init: the msw collector, sent at once */
// page views are on by default in the script-tag build: off here, but where a test is about them
const options = (extra: Api = {}) => ({ endpoint: ENDPOINT, flushAt: 1, flushInterval: 10, storageKey: 'dp-' + Math.random(), pageviews: false, ...extra })

describe('the snippet', () => {
  it('defines a stub at once and loads the build async, with its SRI hash', async () => {
    await snippet()
    const s = document.head.querySelector('script')!
    expect(s.src).toBe('https://cdn.test/desire-path.iife.js')
    expect(s.integrity).toBe('sha384-test')
    expect(s.crossOrigin).toBe('anonymous')
    expect(() => w.desirePath!.track('Early')).not.toThrow()
  })

  it('replays the calls made before the build arrived, in order, with their original timestamps', async () => {
    const wire = collector()
    await snippet()
    const times: number[] = []
    const now = vi.spyOn(Date, 'now')
    const base = Date.parse('2026-12-01T10:00:00.000Z')
    for (let i = 0; i < 10; i++) {
      now.mockReturnValueOnce(base + i * 1000)
      times.push(base + i * 1000)
      if (i == 3) w.desirePath!.init(options())
      else w.desirePath!.track('Call ' + i)
    }
    now.mockRestore()
    const flushed = w.desirePath!.flush()
    await build()
    await flushed
    await vi.waitFor(() => expect(wire.accepted).toHaveLength(9))
    expect(wire.accepted.map((e) => e.event)).toEqual([0, 1, 2, 4, 5, 6, 7, 8, 9].map((i) => 'Call ' + i))
    expect(wire.accepted.map((e) => Date.parse(e.timestamp))).toEqual(times.filter((_, i) => i != 3))
  })

  it('resolves promise-returning stub calls when their replay does, and honours an early unsubscribe', async () => {
    collector()
    await snippet()
    const seen: string[] = []
    const offEarly = w.desirePath!.on('sent', () => seen.push('early'))
    w.desirePath!.on('sent', () => seen.push('kept'))
    offEarly()
    w.desirePath!.init(options())
    w.desirePath!.track('One')
    const settled = w.desirePath!.settled()
    const flushed = w.desirePath!.flush()
    expect(settled).toBeInstanceOf(Promise)
    await build()
    await expect(flushed).resolves.toBeUndefined()
    await settled
    await vi.waitFor(() => expect(seen).toContain('kept'))
    expect(seen).not.toContain('early')
  })

  it('pasted twice: one stub, one load, and the calls of both go to one tracker', async () => {
    await snippet()
    const first = w.desirePath
    vi.resetModules()
    await snippet()
    expect(w.desirePath).toBe(first)
    expect(document.head.querySelectorAll('script')).toHaveLength(1)
    expect(warn).not.toHaveBeenCalled()
  })

  it('leaves a window.desirePath of someone else alone, with one warning', async () => {
    const theirs = { track: () => 'theirs' }
    w.desirePath = theirs
    await snippet()
    expect(w.desirePath).toBe(theirs)
    expect(document.head.querySelectorAll('script')).toHaveLength(0)
    await build()
    expect(w.desirePath).toBe(theirs)
    expect(Object.keys(theirs)).toEqual(['track'])
    expect(warn).toHaveBeenCalledTimes(2)
    expect(String(warn.mock.calls[0]![0])).toMatch(/desirePath is taken/)
  })

  it('with the build blocked, keeps accepting calls without throwing, and keeps the newest (and the init)', async () => {
    const wire = collector()
    await snippet()
    w.desirePath!.init(options())
    for (let i = 0; i < MAX_CALLS + 50; i++) expect(() => w.desirePath!.track('Call ' + i)).not.toThrow()
    expect(w.desirePath!.$q).toHaveLength(MAX_CALLS)
    expect(w.desirePath!.$lost).toBe(51)
    const errors: string[] = []
    w.desirePath!.on('error', (e: { code: string }) => errors.push(e.code))
    await build()
    await w.desirePath!.flush()
    await vi.waitFor(() => expect(wire.accepted.length).toBe(MAX_CALLS - 2))
    // the oldest went: what arrives starts after them
    expect(wire.accepted[0]!.event).toBe('Call 52')
    expect(warn.mock.calls.some((c) => /5\d calls before the build loaded were dropped/.test(String(c[0])))).toBe(true)
  })
})

describe('the build, as the page\'s one tracker', () => {
  it('reports a second init (onError, once) and ignores it', async () => {
    const onError = vi.fn()
    await build()
    w.desirePath!.init(options({ onError }))
    const first = w.desirePath!.tracker
    w.desirePath!.init(options({ endpoint: 'https://other.test/v1/batch' }))
    w.desirePath!.init(options())
    expect(w.desirePath!.tracker).toBe(first)
    expect(onError).toHaveBeenCalledTimes(1)
    expect(onError.mock.calls[0]![0].message).toMatch(/one tracker per page/)
    expect(warn.mock.calls.filter((c) => /one tracker per page/.test(String(c[0])))).toHaveLength(1)
  })

  it('is configured by the data attributes of its own script tag, and sends a page view', async () => {
    const wire = collector()
    const tag = document.createElement('script')
    tag.dataset.endpoint = ENDPOINT
    tag.dataset.writeKey = 'wk_test'
    document.head.append(tag)
    const current = vi.spyOn(document, 'currentScript', 'get').mockReturnValue(tag)
    await build()
    current.mockRestore()
    // the page view is the tracker's (pageviews), made a task after it starts
    await vi.waitFor(async () => {
      await w.desirePath!.flush()
      expect(wire.accepted.map((e) => e.type)).toEqual(['page'])
    })
    expect(wire.requests[0]!.writeKey).toBe('wk_test')
  })

  it('sends no page view at load with data-page="false"', async () => {
    const wire = collector()
    const tag = document.createElement('script')
    tag.dataset.endpoint = ENDPOINT
    tag.dataset.page = 'false'
    const current = vi.spyOn(document, 'currentScript', 'get').mockReturnValue(tag)
    await build()
    current.mockRestore()
    w.desirePath!.track('Only This')
    await w.desirePath!.flush()
    await vi.waitFor(() => expect(wire.accepted.map((e) => e.event ?? e.type)).toEqual(['Only This']))
  })

  it('loads the overlay from beside the build on desirePath.devtools(), once, and attaches it to the page\'s tracker', async () => {
    collector()
    const tag = document.createElement('script')
    tag.src = 'https://cdn.test/dp/desire-path.iife.js'
    const current = vi.spyOn(document, 'currentScript', 'get').mockReturnValue(tag)
    await build()
    current.mockRestore()
    w.desirePath!.init(options())
    w.desirePath!.devtools()
    w.desirePath!.devtools()
    const tags = document.head.querySelectorAll<HTMLScriptElement>('script[src$="desire-path-devtools.iife.js"]')
    expect([...tags].map((s) => s.src)).toEqual(['https://cdn.test/dp/desire-path-devtools.iife.js'])
    const attached: unknown[] = []
    w.desirePath!.attachDevtools = (t: unknown) => attached.push(t) // what the overlay's file defines
    tags[0]!.dispatchEvent(new Event('load'))
    await vi.waitFor(() => expect(attached).toContain(w.desirePath!.tracker))
  })

  it('loads the overlay on Ctrl+Shift+Y', async () => {
    await build()
    expect(document.head.querySelector('script[src$="desire-path-devtools.iife.js"]')).toBeNull()
    window.dispatchEvent(new KeyboardEvent('keydown', { code: 'KeyY', key: 'Y', ctrlKey: true, shiftKey: true }))
    expect(document.head.querySelector('script[src$="desire-path-devtools.iife.js"]')).not.toBeNull()
  })

  it('fetches a journey given as a URL before it starts, and replays what waited meanwhile', async () => {
    const wire = collector()
    const journey = { id: 'j', version: '1.0', stages: [{ id: 'visitor', entry: { all: [] } }, { id: 'signed-up', entry: { event: { name: 'Signed Up' } } }] }
    server.use(http.get('https://site.test/journey.json', () => HttpResponse.json(journey)))
    await build()
    const onError = vi.fn()
    w.desirePath!.init(options({ journey: 'https://site.test/journey.json', onError }))
    w.desirePath!.track('Signed Up')
    await vi.waitFor(() => expect(w.desirePath!.tracker).toBeDefined())
    await w.desirePath!.settled()
    expect(onError).not.toHaveBeenCalled()
    expect(w.desirePath!.journey()?.stage).toBe('signed-up')
    await w.desirePath!.flush()
    await vi.waitFor(() => expect(wire.accepted.some((e) => e.event == 'Signed Up')).toBe(true))
  })

  it('goes on without the journey when its URL fails, and says so', async () => {
    const wire = collector()
    server.use(http.get('https://site.test/missing.json', () => new HttpResponse(null, { status: 404 })))
    const onError = vi.fn()
    await build()
    w.desirePath!.init(options({ journey: 'https://site.test/missing.json', onError }))
    w.desirePath!.track('Still Tracked')
    await vi.waitFor(() => expect(onError).toHaveBeenCalled())
    expect(onError.mock.calls[0]![0].code).toBe('journey_invalid')
    expect(w.desirePath!.journey()).toBeNull()
    await w.desirePath!.flush()
    await vi.waitFor(() => expect(wire.accepted.map((e) => e.event)).toEqual(['Still Tracked']))
  })

  it('with nudges in the journey, loads their policy (desire-path-nudges.iife.js) from beside the build before it starts', async () => {
    collector()
    const journey = { id: 'j', version: '1.0', stages: [{ id: 'visitor', entry: { all: [] } }], nudges: [{ id: 'hi', slot: 'banner', trigger: { rule: { all: [] } }, content: { title: 'Hi' } }] }
    const tag = document.createElement('script')
    tag.src = 'https://cdn.test/dp/desire-path.iife.js'
    const current = vi.spyOn(document, 'currentScript', 'get').mockReturnValue(tag)
    await build()
    current.mockRestore()
    const onError = vi.fn()
    w.desirePath!.init(options({ journey, onError }))
    w.desirePath!.track('Waits For The Policy')
    const loading = document.head.querySelector<HTMLScriptElement>('script[src$="desire-path-nudges.iife.js"]')!
    expect(loading.src).toBe('https://cdn.test/dp/desire-path-nudges.iife.js')
    expect(w.desirePath!.tracker).toBeUndefined()
    await import('../../../src/entries/nudges-iife.js') // the file runs...
    loading.dispatchEvent(new Event('load')) // ...and its load event follows
    await vi.waitFor(() => expect(w.desirePath!.tracker).toBeDefined())
    await w.desirePath!.settled()
    expect(w.desirePath!.journey()?.nudges?.map((n: { id: string }) => n.id)).toEqual(['hi'])
    expect(onError).not.toHaveBeenCalled()
  })

  it('starts without nudges, and says why, when their policy does not load', async () => {
    collector()
    const journey = { id: 'j', version: '1.0', stages: [{ id: 'visitor', entry: { all: [] } }], nudges: [{ id: 'hi', slot: 'banner', trigger: { rule: { all: [] } }, content: { title: 'Hi' } }] }
    await build()
    const onError = vi.fn()
    w.desirePath!.init(options({ journey, onError }))
    document.head.querySelector('script[src$="desire-path-nudges.iife.js"]')!.dispatchEvent(new Event('error'))
    await vi.waitFor(() => expect(w.desirePath!.tracker).toBeDefined())
    expect(onError.mock.calls.map((c) => c[0].message).join()).toMatch(/nudges need their policy: load desire-path-nudges.iife.js/)
    w.desirePath!.track('Still Journeying')
    await w.desirePath!.settled()
    expect(w.desirePath!.journey()?.stage).toBe('visitor')
    expect(w.desirePath!.journey()?.nudges).toBeUndefined()
  })

  it("sends the page view and those of route changes by default (pageviews: 'history'), once each, even when the page calls page() too", async () => {
    const wire = collector()
    await build()
    w.desirePath!.init(options({ pageviews: undefined }))
    w.desirePath!.page() // what pages did before: no second page view of the same URL
    await vi.waitFor(() => expect(wire.accepted.map((e) => e.type)).toEqual(['page']))
    const first = location.href
    history.pushState(null, '', '/pricing?plan=pro')
    await vi.waitFor(() => expect(wire.accepted.map((e) => e.properties?.path)).toEqual([new URL(first).pathname, '/pricing']))
    expect(wire.accepted[1]!.properties!.referrer).toBe(first)
    history.replaceState(null, '', first)
  })

  it('tracks clicks on elements tagged data-dp-event, with their data-dp-* properties', async () => {
    const wire = collector()
    await build()
    w.desirePath!.init(options())
    const a = document.createElement('a')
    a.dataset.dpEvent = 'CTA Clicked'
    a.dataset.dpCta = 'pricing'
    const inner = document.createElement('span')
    a.append(inner)
    document.body.append(a)
    inner.click()
    await w.desirePath!.flush()
    await vi.waitFor(() => expect(wire.accepted).toHaveLength(1))
    expect(wire.accepted[0]).toMatchObject({ event: 'CTA Clicked', properties: { cta: 'pricing' } })
    a.remove()
  })
})
