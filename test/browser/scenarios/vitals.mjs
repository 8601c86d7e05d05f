// Web vitals arrive once per page view with the right stage: vitals.html builds a tracker
// with a two-stage journey (visitor → signup on `Signed Up`) from dist/journey.js and calls
// captureVitals from dist/vitals.js (web-vitals through an import map). The customer lands
// (TTFB and FCP reported: visitor), a banner shifts the layout, a slow click ends LCP
// (visitor), `Signed Up` moves the tab to signup, a tab switch (visibilitychange hidden,
// then visible) makes web-vitals report CLS and INP (signup); a second shift and a slower
// click change both, and the navigation away makes web-vitals report them again, which must
// not be sent. The collector must hold each of LCP, FCP, TTFB, CLS and INP exactly once, with
// that stage, the page's route and the first final value; the page no error.
//   DP_VITALS_DIST=/tmp/vit   serve that build as /dist/ (a build beside dist/, for a run
//                             before `npm run build`)
import { readFileSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { pageUrl, settle, tally, waitFor, watch } from './helpers.mjs'

class Abort extends Error {}
const ROOT = fileURLToPath(new URL('../../..', import.meta.url))
const EVENT = 'Web Vitals'
const ROUTE = '/test/browser/pages/vitals.html'
const DEFINITION = {
  id: 'trial',
  version: '1.0',
  stages: [
    { id: 'visitor', entry: { all: [] } },
    { id: 'signup', entry: { event: { name: 'Signed Up' } } },
  ],
}
/** the stage each metric must carry: when web-vitals reported it final */
const WANT = { TTFB: 'visitor', FCP: 'visitor', LCP: 'visitor', CLS: 'signup', INP: 'signup' }

/** web-vitals (the collector serves no node_modules but idb's), and DP_VITALS_DIST's build as /dist/ */
function servedFiles() {
  const js = (body) => ({ body, type: 'text/javascript' })
  const pages = { '/node_modules/web-vitals/dist/web-vitals.js': js(readFileSync(ROOT + 'node_modules/web-vitals/dist/web-vitals.js', 'utf8')) }
  const dir = process.env.DP_VITALS_DIST
  if (dir) for (const f of readdirSync(dir)) if (f.endsWith('.js')) pages['/dist/' + f] = js(readFileSync(`${dir}/${f}`, 'utf8'))
  return pages
}

export default async function vitals(env) {
  const c = await env.collector({ pages: servedFiles() })
  const { context } = await env.launch()
  const failures = []
  const fail = (m) => failures.push(m)
  const r = { failures }
  const page = await context.newPage()
  const w = watch(page)
  const mine = (name) => c.accepted.filter((e) => e.event === EVENT && e.properties?.metric === name)
  const arrived = (...names) => waitFor(() => names.every((n) => mine(n).length), { timeout: 10_000 }).then(Boolean)
  /** the first step that failed ends the run (the rest would only wait) */
  const step = (ok, message) => {
    if (!ok) throw new Abort(message)
  }
  try {
    const o = { endpoint: c.endpoint, storageKey: `vitals-${env.seed}`, flushInterval: 200, retryBase: 100, retryMax: 1000, journey: DEFINITION }
    await page.goto(pageUrl(c.origin, 'vitals.html', { o }))
    const created = await waitFor(() => page.evaluate(() => (window.__vitals?.createError ? 'error: ' + window.__vitals.createError : !!window.dp)), { timeout: 5_000 })
    if (created !== true) throw new Error(`no tracker on the page: ${created || 'vitals.js never ran'}`)
    const anon = await page.evaluate(() => window.dp.anonymousId)
    // CLS needs the Layout Instability API (Chromium only; not in Firefox or WebKit): where
    // the engine has none, CLS must not be sent at all (nothing made up)
    const types = await page.evaluate(() => PerformanceObserver.supportedEntryTypes || [])
    const want = Object.fromEntries(Object.entries(WANT).filter(([n]) => n != 'CLS' || types.includes('layout-shift')))
    r.measured = Object.keys(want)
    const grown = ['INP', 'CLS'].filter((n) => n in want)

    // 1. the load: TTFB and FCP are final at once
    const t0 = Date.now()
    step(await arrived('TTFB', 'FCP'), 'TTFB and FCP never arrived after load')
    r.loadMs = Date.now() - t0
    // 2. a layout shift with no input near it, then a slow click: LCP is final at the first input
    await page.evaluate(() => window.__shift())
    await page.click('#go')
    // Headless Chromium runs no idle callback after a long input task until something asks
    // for a frame, and web-vitals ends LCP (and reads INP's entries) in an idle callback:
    // the mouse moving on is that something, as it would be for a person.
    await page.mouse.move(1, 1)
    step(await arrived('LCP'), 'LCP never arrived after the first click')
    // (each poll asks for a frame: after a long task headless Chromium has idle time only then)
    const read = (n) => waitFor(() => page.evaluate((n) => (requestAnimationFrame(() => {}), window.__interactionsRead >= n), n), { timeout: 5_000 })
    step(await read(1), 'web-vitals never read the first click')
    // 3. the customer moves on: signup
    await page.evaluate(() => window.dp.track('Signed Up'))
    step(await waitFor(() => page.evaluate(() => window.dp.journey()?.stage === 'signup'), { timeout: 8_000, interval: 25 }), 'the tab never reached signup')
    // 4. a tab switch: hidden (headless Chromium never hides a page by itself), then visible
    const flip = (state) =>
      page.evaluate((state) => {
        if (state === 'hidden') {
          Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' })
          Object.defineProperty(document, 'hidden', { configurable: true, get: () => true })
        } else {
          // back to the browser's own (visible), which the navigation away turns hidden for real
          delete document.visibilityState
          delete document.hidden
        }
        document.dispatchEvent(new Event('visibilitychange', { bubbles: true }))
      }, state)
    await flip('hidden')
    step(await arrived(...grown), `${grown.join(' and ')} never arrived after the page hid`)
    await flip('visible')
    // 5. both get worse after the tab came back: web-vitals reports them again at the next hide
    step(await waitFor(() => page.evaluate(() => performance.now() - window.__lastInput > 600)), 'the first click never grew 600 ms old')
    await page.evaluate(() => ((window.__busy = 240), window.__shift()))
    await page.click('#go')
    await page.mouse.move(2, 2)
    step(await read(2), 'web-vitals never read the second click')
    Object.assign(r, await page.evaluate(() => ({ codes: { ...window.__vitals.codes }, messages: window.__vitals.messages.slice() })))
    // 6. the navigation away (a real hide)
    await page.goto(new URL('/elsewhere', c.origin).href)
    await settle(c, { quiet: 600 })
    r.raw = await page.evaluate(() => JSON.parse(sessionStorage.getItem('dp-vitals-raw') || '[]'))

    const vitals = c.accepted.filter((e) => e.event === EVENT)
    r.sent = vitals.map((e) => ({ ...e.properties }))
    for (const [name, stage] of Object.entries(want)) {
      const got = mine(name)
      const t = tally(got)
      // once per page view: one messageId (a resend of the same one is delivery's at-least-once, counted below)
      if (t.unique !== 1) fail(`${name}: ${t.unique} events (messageIds) sent for one page view (want exactly one)`)
      const p = got[0]?.properties
      if (!p) continue
      if (p.stage !== stage) fail(`${name} carries stage ${p.stage} (want ${stage})`)
      if (p.route !== ROUTE) fail(`${name} carries route ${p.route} (want ${ROUTE})`)
      if (typeof p.value !== 'number' || !(p.value >= 0) || !['good', 'needs-improvement', 'poor'].includes(p.rating) || !/^v\d+-/.test(p.id || '')) fail(`${name}: odd properties ${JSON.stringify(p)}`)
      if (name !== 'CLS' && !Number.isInteger(p.value)) fail(`${name} value ${p.value} is not whole milliseconds`)
      if (got[0].anonymousId !== anon) fail(`${name} from another anonymousId`)
    }
    const others = vitals.filter((e) => !(e.properties?.metric in want))
    if (others.length) fail(`unexpected ${EVENT} events: ${others.map((e) => e.properties?.metric).join(', ')}`)
    // web-vitals itself reported INP and CLS again at the navigation (both grew after the tab
    // came back): the first final value was sent, the repeat was not
    r.rawCounts = Object.fromEntries(Object.keys(WANT).map((n) => [n, r.raw.filter((m) => m.name === n).length]))
    for (const name of grown) {
      const raw = r.raw.filter((m) => m.name === name)
      const p = mine(name)[0]?.properties
      if (raw.length < 2) fail(`web-vitals reported ${name} ${raw.length}x: the repeat was never exercised`)
      else if (!(raw.at(-1).value > raw[0].value)) fail(`${name} did not grow after the tab came back: ${raw.map((m) => m.value).join(', ')}`)
      const first = raw[0] && (name === 'CLS' ? Math.round(raw[0].value * 1e4) / 1e4 : Math.round(raw[0].value))
      if (p && p.value !== first) fail(`${name} sent ${p.value}, web-vitals' first final value was ${first} (reports: ${raw.map((m) => m.value).join(', ')})`)
    }
    const inp = mine('INP')[0]?.properties
    if (inp && !(inp.value >= 80)) fail(`INP ${inp.value} ms, under the click's 80 ms of work`)
    const cls = mine('CLS')[0]?.properties
    if (cls && !(cls.value > 0)) fail(`CLS ${cls.value}: the banner's shift was not counted`)
    // resends (same messageId) are the pipeline's at-least-once delivery, which a collector
    // dedupes; reported, not failed here (the delivery scenarios hold that line)
    r.resent = tally(vitals).extra
    if (Object.keys(r.codes).length) fail(`onError: ${JSON.stringify(r.codes)} ${r.messages.slice(0, 3).join(' | ')}`)
  } catch (e) {
    fail(e instanceof Abort ? e.message : String(e?.stack || e).split('\n')[0])
  }
  const errors = [...w.pageErrors, ...w.rejections, ...w.consoleErrors]
  if (errors.length) fail(`page errors: ${errors.slice(0, 3).join(' | ')}`)
  const byName = (n) => {
    const p = mine(n)[0]?.properties
    return p ? `${n} ${p.value}@${p.stage}` : `${n} -`
  }
  return {
    name: 'web vitals arrive once per page with the right stage',
    ok: !failures.length,
    details: {
      summary: `${Object.keys(WANT).map(byName).join(', ')}; ${c.accepted.filter((e) => e.event === EVENT).length} ${EVENT} events; web-vitals reported ${Object.entries(r.rawCounts || {}).map(([n, k]) => `${n}×${k}`).join(' ')}; TTFB+FCP at the collector ${r.loadMs ?? '-'} ms after the tracker started${r.resent ? `; ${r.resent} resent copies (same messageId)` : ''}`,
      failures,
      ...r,
    },
  }
}
