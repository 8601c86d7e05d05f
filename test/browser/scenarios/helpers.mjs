// Shared bits of the browser scenarios (not a scenario itself).

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** Polls `pred` until it returns something truthy (returned) or `timeout` ms pass (false). */
export async function waitFor(pred, { timeout = 10_000, interval = 50 } = {}) {
  const end = Date.now() + timeout
  for (;;) {
    const v = await pred()
    if (v) return v
    if (Date.now() > end) return false
    await sleep(interval)
  }
}

/** Waits until the collector saw no new request for `quiet` ms (at most `timeout`). */
export async function settle(c, { quiet = 400, timeout = 5_000 } = {}) {
  const end = Date.now() + timeout
  let n = c.requests.length
  let since = Date.now()
  while (Date.now() < end) {
    await sleep(50)
    if (c.requests.length != n) {
      n = c.requests.length
      since = Date.now()
    } else if (Date.now() - since >= quiet) return true
  }
  return false
}

/** Seeded PRNG (mulberry32), so a failing run can be replayed with the same faults. */
export function rng(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export const pageUrl = (origin, file, params = {}) => {
  const u = new URL(`/test/browser/pages/${file}`, origin)
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, typeof v == 'string' ? v : JSON.stringify(v))
  return u.href
}

/**
 * Installed in every page before any script: uncaught errors and unhandled rejections are
 * kept in window.__pageErrors and also logged with a prefix, so they survive reloads
 * (the runner listens to the console).
 */
export const INIT_SCRIPT = `(() => {
  const errs = (window.__pageErrors = [])
  const note = (kind, v) => {
    const text = kind + ': ' + (v && (v.stack || v.message) || String(v))
    errs.push(text)
    console.error('[dp-test] ' + text)
  }
  addEventListener('error', (e) => note('error', e.error || e.message))
  addEventListener('unhandledrejection', (e) => note('unhandledrejection', e.reason))
})()`

/** Records uncaught errors / unhandled rejections of a page across its navigations. */
export function watch(page) {
  const w = { pageErrors: [], rejections: [], consoleErrors: [] }
  page.on('pageerror', (e) => w.pageErrors.push(String(e?.stack || e).slice(0, 500)))
  page.on('console', (m) => {
    const t = m.text()
    if (t.startsWith('[dp-test] unhandledrejection')) w.rejections.push(t.slice(10, 510))
    else if (m.type() == 'error' && !t.startsWith('[dp-test]') && !/Failed to load resource/.test(t)) w.consoleErrors.push(t.slice(0, 300))
  })
  return w
}

/** Counts of accepted copies per messageId, among accepted events passing `filter`. */
export function tally(accepted, filter = () => true) {
  const copies = new Map()
  for (const e of accepted) if (filter(e)) copies.set(e.messageId, (copies.get(e.messageId) || 0) + 1)
  let resent = 0
  let extra = 0
  for (const n of copies.values())
    if (n > 1) {
      resent++
      extra += n - 1
    }
  return { unique: copies.size, copies, resent, extra }
}

/** Requests by outcome: { total, ok, 500: n, 429: n, dropped: n, ... }. */
export function outcomes(requests) {
  const o = { total: requests.length, ok: 0, failed: 0 }
  for (const r of requests) {
    if (r.status >= 200 && r.status < 300) o.ok++
    else {
      o.failed++
      const k = r.status === 0 ? 'dropped' : String(r.status)
      o[k] = (o[k] || 0) + 1
    }
  }
  return o
}

/** Events in the tracker's IndexedDB queue (rows are pages of events); -1 if the database does not exist (never creates it). */
export const idbCount = (page, name) =>
  page.evaluate(async (name) => {
    const dbs = (await indexedDB.databases?.()) || []
    if (!dbs.some((d) => d.name == name)) return -1
    return new Promise((resolve) => {
      const r = indexedDB.open(name)
      r.onerror = () => resolve(-2)
      r.onsuccess = () => {
        const db = r.result
        if (!db.objectStoreNames.contains('events')) return db.close(), resolve(-3)
        const c = db.transaction('events').objectStore('events').getAll()
        c.onsuccess = () => (db.close(), resolve(c.result.reduce((n, p) => n + (p.r ? p.r.length : 1), 0)))
        c.onerror = () => (db.close(), resolve(-4))
      }
    })
  }, name)
