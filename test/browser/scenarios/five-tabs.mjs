// Five tabs: five pages of one origin (one browser context, so one IndexedDB queue, one
// Web Lock, one BroadcastChannel) each create a tracker and track 200 events at the same
// moment. All 1,000 must arrive and none twice, also after the tabs are closed. Run twice:
// against a healthy collector, then one failing 25% of batches with HTTP 500 (failed
// batches are not accepted, so they are no excuse for a duplicate either).
import { outcomes, pageUrl, rng, settle, sleep, tally, waitFor, watch } from './helpers.mjs'

const TABS = 5
const PER_TAB = 200

export default async function fiveTabs(env) {
  const rounds = [await round(env, 'healthy collector')]
  const rand = rng(env.seed ^ 0x7ab5)
  rounds.push(await round(env, '25% HTTP 500', () => (rand() < 0.25 ? { status: 500 } : undefined)))
  const failures = rounds.flatMap((r) => r.failures.map((f) => `${r.round}: ${f}`))
  return {
    name: 'five tabs',
    ok: !failures.length,
    details: { summary: rounds.map((r) => `[${r.round}] ${r.summary}`).join('; '), failures, rounds },
  }
}

async function round(env, name, fault) {
  const c = await env.collector({ fault })
  const { context, close } = await env.launch()
  const opts = { endpoint: c.endpoint, storageKey: 'tabs-' + env.seed, flushInterval: 300, retryBase: 100, retryMax: 1000, requestTimeout: 5000 }
  const url = pageUrl(c.origin, 'sdk.html', { o: opts })
  const pages = []
  const watches = []
  for (let t = 0; t < TABS; t++) {
    const p = await context.newPage()
    watches.push(watch(p))
    await p.goto(url)
    pages.push(p)
  }
  // Kick off together: every tab waits for the same wall-clock instant, then tracks in
  // bursts of 10 with a random pause, so tabs' writes and flushes interleave.
  const startAt = Date.now() + 400
  const t0 = Date.now()
  const tracked = await Promise.all(
    pages.map((p, tab) =>
      p.evaluate(
        async ({ tab, startAt, n }) => {
          while (Date.now() < startAt) await new Promise((r) => setTimeout(r, 1))
          for (let i = 0; i < n; i++) {
            window.dp.track('tab event', { tab, i })
            if (i % 10 == 9) await new Promise((r) => setTimeout(r, Math.random() * 8))
          }
          return { visibility: document.visibilityState, hasLocks: !!navigator.locks }
        },
        { tab, startAt, n: PER_TAB },
      ),
    ),
  )
  const key = (e) => `${e.properties?.tab}:${e.properties?.i}`
  const all = await waitFor(() => new Set(c.accepted.map(key)).size >= TABS * PER_TAB, { timeout: 30_000, interval: 100 })
  const deliveredMs = Date.now() - t0
  await settle(c, { quiet: 1000 })
  const before = { dupes: c.dupes(), ...tally(c.accepted) }
  const sentByTabs = await Promise.all(pages.map((p) => p.evaluate(() => window.__dp.sent)))

  // Closing the tabs (pagehide) must not resend what the collector acknowledged.
  const closeFrom = c.requests.length
  for (const p of pages) await p.close()
  await sleep(300)
  await settle(c)
  const after = { dupes: c.dupes(), ...tally(c.accepted) }

  const pairs = new Set(c.accepted.map(key))
  const missing = []
  for (let t = 0; t < TABS; t++) for (let i = 0; i < PER_TAB; i++) if (!pairs.has(`${t}:${i}`)) missing.push(`${t}:${i}`)
  const req = outcomes(c.requests)
  const batchSizes = c.requests.map((r) => r.batch?.length ?? 0)
  const errors = watches.flatMap((w) => [...w.pageErrors, ...w.rejections])
  const failures = []
  if (missing.length) failures.push(`${missing.length} events never arrived: ${missing.slice(0, 10).join(', ')}`)
  if (before.dupes) failures.push(`${before.dupes} duplicate events (${before.resent} messageIds accepted more than once) before closing the tabs`)
  if (after.dupes > before.dupes) failures.push(`${after.dupes - before.dupes} duplicates sent when the tabs were closed`)
  if (!all) failures.push(`not all delivered within 30 s (${pairs.size}/${TABS * PER_TAB})`)
  if (errors.length) failures.push(`page errors: ${errors.slice(0, 3).join(' | ')}`)

  await close()
  await c.close()
  return {
      round: name,
      summary:
        `${pairs.size}/${TABS * PER_TAB} arrived in ${(deliveredMs / 1000).toFixed(1)} s, dupes ${before.dupes} (after closing tabs ${after.dupes}); ` +
        `${req.total} requests (${req.failed} failed), batch sizes ${Math.min(...batchSizes)}-${Math.max(...batchSizes)}; sent per tab ${sentByTabs.join('/')}`,
      failures,
      missing: missing.slice(0, 50),
      dupesBeforeClose: before.dupes,
      dupesAfterClose: after.dupes,
      resentMessageIds: after.resent,
      requests: req,
      requestsOnClose: c.requests.length - closeFrom,
      batchSizes,
      sentByTabs,
      tabs: tracked,
      deliveredMs,
      pageErrors: errors,
  }
}
