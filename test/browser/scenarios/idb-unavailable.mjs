// IndexedDB unavailable: in each variant an init script (or the indexedDB option) breaks
// IndexedDB before the SDK loads; the page tracks events. They must still be delivered,
// nothing may reach the page as an uncaught error or unhandled rejection, and onError must
// get a `storage_fallback` error.
import { outcomes, pageUrl, tally, waitFor, watch } from './helpers.mjs'

const EVENTS = 25

// Init scripts, run before any page script.
const VARIANTS = [
  {
    name: 'indexedDB getter throws',
    init: `Object.defineProperty(window, 'indexedDB', { configurable: true, get() { throw new DOMException('The user denied permission to access the database.', 'SecurityError') } })`,
  },
  {
    name: 'indexedDB missing',
    init: `Object.defineProperty(window, 'indexedDB', { configurable: true, value: undefined })`,
  },
  {
    name: 'open() throws',
    init: `IDBFactory.prototype.open = function () { throw new DOMException('A mutation operation was attempted on a database that did not allow mutations.', 'InvalidStateError') }`,
  },
  {
    name: 'open() fails (onerror)',
    init: `IDBFactory.prototype.open = function () {
      const req = { result: undefined, error: null, onerror: null, onsuccess: null, onupgradeneeded: null, onblocked: null, addEventListener() {}, removeEventListener() {} }
      setTimeout(() => { req.error = new DOMException('Internal error opening backing store.', 'UnknownError'); req.onerror && req.onerror({ type: 'error', target: req, preventDefault() {} }) }, 5)
      return req
    }`,
  },
  {
    name: 'open() never settles',
    init: `IDBFactory.prototype.open = function () { return { onerror: null, onsuccess: null, onupgradeneeded: null, onblocked: null, addEventListener() {}, removeEventListener() {} } }`,
  },
  {
    name: 'writes throw QuotaExceededError',
    init: `IDBObjectStore.prototype.put = function () { throw new DOMException('The quota has been exceeded.', 'QuotaExceededError') }`,
  },
  {
    name: 'indexedDB option: open() never settles',
    // no init script: the page passes a factory whose open() never fires (see below)
    option: 'hang',
  },
]

export default async function idbUnavailable(env) {
  const c = await env.collector()
  const { context } = await env.launch()
  const variants = []
  for (let v = 0; v < VARIANTS.length; v++) {
    const variant = VARIANTS[v]
    const page = await context.newPage()
    const w = watch(page)
    if (variant.init) await page.addInitScript(`try { ${variant.init} } catch (e) { console.error('[dp-test] init script failed: ' + e) }`)
    const opts = { endpoint: c.endpoint, storageKey: `noidb-${env.seed}-${v}`, flushAt: 10, flushInterval: 200, retryBase: 100, retryMax: 1000, requestTimeout: 5000 }
    await page.goto(pageUrl(c.origin, 'sdk.html'))
    const t0 = Date.now()
    const r = await page.evaluate(
      async ({ opts, v, n, option }) => {
        const out = { createThrew: null, trackThrew: 0, flushRejected: null }
        if (option == 'hang') opts.indexedDB = { open: () => ({}), deleteDatabase: () => ({}), databases: async () => [], cmp: () => 0 }
        try {
          window.__makeTracker(opts)
        } catch (e) {
          out.createThrew = String(e)
          return out
        }
        const track = (i) => {
          try {
            window.dp.track('no storage', { v, i })
          } catch {
            out.trackThrew++
          }
        }
        for (let i = 0; i < 10; i++) track(i)
        await new Promise((r) => setTimeout(r, 50))
        for (let i = 10; i < n; i++) track(i)
        try {
          await window.dp.flush()
        } catch (e) {
          out.flushRejected = String(e)
        }
        return out
      },
      { opts, v, n: EVENTS, option: variant.option },
    )
    const mine = (e) => e.properties?.v === v
    const all = await waitFor(() => tally(c.accepted, mine).unique >= EVENTS, { timeout: 12_000, interval: 50 })
    const ms = Date.now() - t0
    await new Promise((r) => setTimeout(r, 200)) // late errors/rejections
    const seen = await page.evaluate(() => ({ reported: window.__dp.codes, messages: window.__dp.messages.slice(0, 4), pageErrors: window.__pageErrors }))
    const got = tally(c.accepted, mine)
    const errors = [...new Set([...w.pageErrors, ...w.rejections, ...seen.pageErrors])]
    const problems = []
    if (r.createThrew) problems.push(`createTracker threw: ${r.createThrew}`)
    if (r.trackThrew) problems.push(`track() threw ${r.trackThrew} times`)
    if (r.flushRejected) problems.push(`flush() rejected: ${r.flushRejected}`)
    if (!all) problems.push(`${got.unique}/${EVENTS} delivered`)
    if (errors.length) problems.push(`${errors.length} uncaught error(s)/rejection(s): ${errors.slice(0, 2).join(' | ')}`)
    if (!seen.reported?.storage_fallback) problems.push(`no storage_fallback reported via onError (reported: ${JSON.stringify(seen.reported)})`)
    variants.push({ variant: variant.name, ok: !problems.length, delivered: got.unique, dupes: got.extra, deliveredMs: ms, reported: seen.reported, messages: seen.messages, errors, problems })
    await page.close()
  }
  const failures = variants.filter((x) => !x.ok).map((x) => `${x.variant}: ${x.problems.join('; ')}`)
  return {
    name: 'IndexedDB unavailable',
    ok: !failures.length,
    details: {
      summary:
        `${variants.filter((x) => x.ok).length}/${variants.length} variants ok; delivered ${variants.map((x) => x.delivered).join('/')} of ${EVENTS}, ` +
        `storage_fallback reported in ${variants.filter((x) => x.reported?.storage_fallback).length}/${variants.length}, ` +
        `${variants.reduce((n, x) => n + x.errors.length, 0)} page errors, slowest ${(Math.max(...variants.map((x) => x.deliveredMs)) / 1000).toFixed(1)} s`,
      failures,
      variants,
      requests: outcomes(c.requests),
    },
  }
}
