// Snippet and overlay benchmark (headless Chromium, the built dist/): `node bench/snippet.mjs`
// after `npm run build`; `npm run bench` runs it last.
//   1. the snippet's cost to the page: its run time (a mark before it, one after), a call on
//      the stub, and the replay of 1,000 kept calls once the build arrives (median of 9 pages);
//   2. the overlay's cost to the host: requestAnimationFrame callbacks are timed (wrapped
//      before the overlay loads) while 20 events a second arrive for 5 s, open and collapsed.
import { startCollector } from '../test/collector-server.mjs'
import { launch } from '../test/browser/drivers/chromium.mjs'
import { snippetFor } from '../test/browser/scenarios/snippet-common.mjs'

const BUILD = '/dist/desire-path.iife.js'
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length ? s[Math.min(s.length - 1, Math.round((s.length - 1) * q))] : NaN
}
const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '-')
const own = (origin) => snippetFor(origin + BUILD)

const pages = {}
const c = await startCollector({ pages, delay: { [BUILD]: 300 }, lifetimeMs: 120_000 })
pages['/snippet.html'] = {
  // marks right before and after the snippet: inline too, so no fetch falls between them
  body: `<!doctype html><html><head><meta charset="utf-8"><script>window.__t0 = performance.now()</script><script>${own(c.origin)}</script><script>window.__t1 = performance.now()</script><script src="/bench/pages/snippet-bench.js"></script></head><body>snippet</body></html>`,
}
pages['/overlay.html'] = {
  body: `<!doctype html><html><head><meta charset="utf-8"><script src="/dist/desire-path.iife.js"></script><script src="/bench/pages/overlay-bench.js"></script></head><body>overlay</body></html>`,
}
const { context, close } = await launch()
const out = {}
try {
  const runs = []
  for (let i = 0; i < 9; i++) {
    const p = await context.newPage()
    await p.goto(c.origin + '/snippet.html')
    runs.push(await p.waitForFunction(() => window.__snippetBench, null, { timeout: 15_000, polling: 200 }).then((h) => h.jsonValue()))
    await p.close()
  }
  out.snippet = {
    runMs: quantile(runs.map((r) => r.snippetMs), 0.5),
    perCallUs: quantile(runs.map((r) => r.perCallUs), 0.5),
    replay1000Ms: quantile(runs.map((r) => r.replayMs), 0.5),
    replayMaxMs: Math.max(...runs.map((r) => r.replayMs)),
  }
  const p = await context.newPage()
  await p.goto(c.origin + '/overlay.html')
  // polling by timer: Playwright's default polls by requestAnimationFrame, which the page counts
  out.overlay = await p.waitForFunction(() => window.__overlayBench, null, { timeout: 30_000, polling: 500 }).then((h) => h.jsonValue())
  await p.close()
} finally {
  await close()
  await c.close()
}
const s = out.snippet
const o = out.overlay
console.log('snippet and overlay (Chromium, dist/)')
console.log(`  snippet run (stub defined, build requested): ${fmt(s.runMs)} ms median of 9 pages`)
console.log(`  a call on the stub: ${fmt(s.perCallUs)} µs`)
console.log(`  replay of 1,000 kept calls when the build arrives: ${fmt(s.replay1000Ms, 1)} ms median, ${fmt(s.replayMaxMs, 1)} ms worst`)
console.log(`  overlay open, 20 events/s for 5 s: ${o.open.frames} frame callbacks, ${fmt(o.open.medianMs)} ms median, ${fmt(o.open.maxMs)} ms worst, ${fmt(o.open.totalMs, 1)} ms in all`)
console.log(`  overlay collapsed, the same: ${o.collapsed.frames} frame callbacks, ${fmt(o.collapsed.totalMs, 1)} ms in all`)
console.log(`  track() with the overlay open: ${fmt(o.trackOpenUs)} µs per call (without it: ${fmt(o.trackBareUs)} µs)`)
