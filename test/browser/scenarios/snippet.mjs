// The snippet on a marketing page, under `script-src 'self' 'sha256-<the snippet>';
// require-trusted-types-for 'script'` (the README's CSP): the snippet is the only inline
// script, everything else a same-origin file. Four pages:
//   calls   — ten calls (page, identify, eight tracks, after init) on the stub while the
//             server holds the build back 800 ms: all ten must arrive, once, in order, each
//             with the timestamp of its call (not of the replay), and settled() must resolve;
//   blocked — the build answers 404: no page error, the stub still takes calls after the
//             failure, and keeps at most 1000 (the rest counted as lost);
//   twice   — the snippet pasted twice: one build request, one tracker, each event once;
//   data    — no inline script at all: one <script src=build data-endpoint data-write-key>,
//             which sends a page view with the write key.
// And examples/marketing-site as it is: its named page view with the UTM parameters, a
// tagged CTA, the consideration stage a demo request leads to (the demo's journey,
// examples/journeys/b2b-saas.json, served at /journey.json as `npm run demo` serves it).
// No securitypolicyviolation (a listener installed before any script) and no page error.
import { readFileSync } from 'node:fs'
import { waitFor, watch } from './helpers.mjs'
import { watchSecurity } from './nudge-common.mjs'
import { sha256, snippetFor, VIOLATIONS } from './snippet-common.mjs'

const BUILD = '/dist/desire-path.iife.js'
const html = (head) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>snippet</title>${head}</head><body><h1>Landing</h1><a href="/pricing?utm_source=test">Pricing</a></body></html>`

export default async function snippet(env) {
  const failures = []
  const fail = (m) => failures.push(m)
  const details = {}
  // the pages name the collector's own origin, known once it listens: filled in after
  const pages = {}
  const c = await env.collector({ delay: { [BUILD]: 800 }, pages })
  const origin = c.origin
  const own = snippetFor(origin + BUILD)
  const blocked = snippetFor(origin + '/blocked/desire-path.iife.js')
  const csp = (...inline) => `default-src 'self'; script-src 'self' ${inline.map(sha256).join(' ')}; require-trusted-types-for 'script'`
  const page = (head, ...inline) => ({ body: html(head), headers: { 'content-security-policy': csp(...inline) } })
  Object.assign(pages, {
    '/calls.html': page(`<script>${own}</script><script src="/test/browser/pages/snippet-calls.js"></script>`, own),
    '/blocked.html': page(`<script>${blocked}</script><script src="/test/browser/pages/snippet-blocked.js"></script>`, blocked),
    '/blocked/desire-path.iife.js': { body: 'blocked', status: 404, type: 'text/plain' },
    '/twice.html': page(`<script>${own}</script><script>${own}</script><script src="/test/browser/pages/snippet-calls.js"></script>`, own),
    '/data.html': page(`<script src="${BUILD}" async data-endpoint="${origin}/v1/batch" data-write-key="wk_data"></script>`),
    '/journey.json': { body: readFileSync(new URL('../../../examples/journeys/b2b-saas.json', import.meta.url), 'utf8'), type: 'application/json' },
  })
  const { context, close } = await env.launch()
  await context.addInitScript(VIOLATIONS)
  const open = async (path) => {
    const p = await context.newPage()
    const w = watch(p)
    const s = watchSecurity(p)
    const buildRequests = []
    p.on('request', (r) => r.url().includes('desire-path.iife.js') && buildRequests.push(r.url()))
    await p.goto(origin + path)
    return { p, w, s, buildRequests }
  }
  const clean = async (name, { p, w, s }) => {
    const v = await p.evaluate(() => window.__violations).catch(() => ['(page gone)'])
    if (v.length) fail(`${name}: securitypolicyviolation ${v.join('; ')}`)
    if (s.csp.length) fail(`${name}: CSP console reports ${s.csp.join('; ')}`)
    if (w.pageErrors.length || w.rejections.length) fail(`${name}: page errors ${[...w.pageErrors, ...w.rejections].join('; ')}`)
    const errs = await p.evaluate(() => window.__pageErrors).catch(() => [])
    if (errs.length) fail(`${name}: ${errs.join('; ')}`)
    return v.length + s.csp.length
  }
  let violations = 0
  try {
    // calls before load
    const calls = await open('/calls.html?key=dp-calls')
    const names = ['page', 'identify', ...Array.from({ length: 8 }, (_, i) => 'Step ' + (i + 1))]
    const of = (e) => (e.type == 'track' ? e.event : e.type)
    const arrived = await waitFor(() => c.accepted.filter((e) => names.includes(of(e))).length >= 10 && c.accepted, { timeout: 15_000 })
    const got = (arrived || c.accepted).filter((e) => names.includes(of(e)))
    const made = await calls.p.evaluate(() => ({ calls: window.__calls, builtBefore: window.__builtBefore }))
    if (made.builtBefore) fail('calls: the build was there before the calls (the server did not hold it back)')
    if (got.length != 10) fail(`calls: ${got.length}/10 events arrived`)
    if (got.map(of).join() != names.join()) fail(`calls: out of order: ${got.map(of).join(', ')}`)
    const mis = got.filter((e) => {
      const k = made.calls.find((x) => x.name == of(e))
      const t = Date.parse(e.timestamp)
      return !k || t < k.before || t > k.after
    })
    if (mis.length) fail(`calls: ${mis.length} events without their call's time (e.g. ${mis[0] && mis[0].timestamp})`)
    const settled = await calls.p.evaluate(() => window.__settled).catch((e) => String(e))
    if (settled != 'settled') fail(`calls: settled() on the stub gave ${settled}`)
    details.calls = { arrived: got.length, inOrder: got.map(of).join() == names.join(), originalTimes: got.length - mis.length, heldBackMs: 800 }
    violations += await clean('calls', calls)
    await calls.p.close()

    // blocked build
    const b = await open('/blocked.html')
    const stub = await waitFor(() => b.p.evaluate(() => window.__stub.length == 2 && window.__stub), { timeout: 10_000 })
    if (!stub) fail('blocked: the second burst of calls did not run (or threw)')
    else {
      if (stub[1].built) fail('blocked: a build appeared')
      if (stub[1].queued > 1000) fail(`blocked: the stub keeps ${stub[1].queued} calls (at most 1000)`)
      if (stub[1].queued + stub[1].lost != 1 + 1210 + 2 * 2) fail(`blocked: ${stub[1].queued} kept + ${stub[1].lost} lost != calls made`)
    }
    details.blocked = stub && stub[1]
    violations += await clean('blocked', b)
    await b.p.close()

    // pasted twice
    const before = c.accepted.length
    const t = await open('/twice.html?key=dp-twice')
    await waitFor(() => c.accepted.length - before >= 10, { timeout: 15_000 })
    await t.p.evaluate(() => window.__settled)
    await t.p.evaluate(() => window.desirePath.flush())
    const twice = c.accepted.slice(before)
    const trackers = await t.p.evaluate(() => document.querySelectorAll('script[src*="desire-path.iife.js"]').length)
    if (trackers != 1 || t.buildRequests.length != 1) fail(`twice: ${trackers} build tags, ${t.buildRequests.length} build requests`)
    if (twice.length != 10) fail(`twice: ${twice.length} events for 10 calls`)
    details.twice = { buildTags: trackers, buildRequests: t.buildRequests.length, events: twice.length }
    violations += await clean('twice', t)
    await t.p.close()

    // data attributes, no inline script
    const d = await open('/data.html')
    const pv = await waitFor(() => c.requests.find((r) => r.batch?.some((e) => e.type == 'page' && e.properties?.path == '/data.html')), { timeout: 10_000 })
    if (!pv) fail('data: no page view from the data-attribute configuration')
    else if (pv.writeKey != 'wk_data') fail(`data: write key ${pv.writeKey} (data-write-key="wk_data")`)
    details.data = { pageView: !!pv, writeKey: pv?.writeKey }
    violations += await clean('data', d)
    await d.p.close()

    // the marketing-site example, as it is in examples/ (its CSP meta allows its snippet by hash)
    const m = await open('/examples/marketing-site/index.html?utm_source=newsletter&utm_medium=email&utm_campaign=friday-launch')
    const landed = await waitFor(() => c.accepted.find((e) => e.type == 'page' && e.properties?.path == '/examples/marketing-site/index.html'), { timeout: 10_000 })
    if (!landed) fail('example: no page view')
    else if (!String(landed.properties.search).includes('utm_campaign=friday-launch')) fail(`example: page view without its UTM parameters: ${landed.properties.search}`)
    else if (landed.name != 'Home') fail(`example: the page view is named ${landed.name}, not Home (its meta dp-page)`)
    await m.p.waitForFunction(() => window.desirePath?.journey?.()?.stage == 'awareness', null, { timeout: 10_000 }).catch(() => fail('example: journey not started (stage awareness)'))
    await m.p.click('a[data-dp-cta="see-pricing"]')
    const cta = await waitFor(() => c.accepted.find((e) => e.event == 'CTA Clicked' && e.properties?.cta == 'see-pricing'), { timeout: 10_000 })
    if (!cta) fail('example: the tagged CTA sent no CTA Clicked')
    await m.p.waitForURL(/pricing\.html$/)
    await m.p.click('button[data-dp-event="Demo Requested"]')
    const stage = await waitFor(() => m.p.evaluate(() => window.desirePath.settled().then(() => window.desirePath.journey()?.stage)).then((s) => s == 'consideration' && s), { timeout: 10_000 })
    if (!stage) fail(`example: stage after the pricing page and a demo request: ${await m.p.evaluate(() => window.desirePath.journey()?.stage)}`)
    details.example = { pageView: !!landed, cta: !!cta, stage: stage || null }
    violations += await clean('example', m)
    await m.p.close()
  } catch (e) {
    fail('error: ' + (e?.stack || e))
  } finally {
    await close()
  }
  return {
    name: 'snippet: calls before load, blocked, pasted twice, data attributes, strict CSP',
    ok: !failures.length,
    details: { summary: `calls ${JSON.stringify(details.calls)}; blocked ${JSON.stringify(details.blocked)}; twice ${JSON.stringify(details.twice)}; data ${JSON.stringify(details.data)}; example ${JSON.stringify(details.example)}; ${violations} CSP violations`, failures, ...details },
  }
}
