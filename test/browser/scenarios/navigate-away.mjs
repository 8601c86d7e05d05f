// Navigate away: a page tracks 50 events and immediately leaves for a page of the origin
// without the SDK; then an SDK page is loaded again and flushes. All 50 must arrive, in
// each of 5 runs (a fresh storageKey each), whether they went out on unload (keepalive)
// or on the next load. Runs alternate between navigating from the page itself in the same
// task as the tracking (location.href = ...) and from the runner right after (page.goto).
// Then 5 more runs where the collector is down (HTTP 503) while the page leaves, so the
// unload send fails and all 50 must come from storage on the next load.
import { outcomes, pageUrl, settle, tally, waitFor, watch } from './helpers.mjs'

const RUNS = 5
const EVENTS = 50

export default async function navigateAway(env) {
  let down = false
  const c = await env.collector({ fault: () => (down ? { status: 503 } : undefined) })
  const { context } = await env.launch()
  const page = await context.newPage()
  const w = watch(page)
  const runs = []
  for (let run = 0; run < 2 * RUNS; run++) {
    const how = run % 2 ? 'page.goto' : 'location.href'
    const failing = run >= RUNS
    const opts = { endpoint: c.endpoint, storageKey: `nav-${env.seed}-${run}`, retryBase: 100, retryMax: 1000, requestTimeout: 5000 }
    const url = pageUrl(c.origin, 'sdk.html', { o: opts })
    const away = `${c.origin}/elsewhere/${run}`
    const mine = (e) => e.properties?.run === run
    const fromReq = c.requests.length
    await page.goto(url)
    await page.waitForFunction(() => window.dp)
    down = failing
    if (how == 'location.href')
      await page.evaluate(
        ({ run, n, away }) => {
          for (let i = 0; i < n; i++) window.dp.track('before leaving', { run, i })
          location.href = away
        },
        { run, n: EVENTS, away },
      )
    else {
      await page.evaluate(({ run, n }) => { for (let i = 0; i < n; i++) window.dp.track('before leaving', { run, i }) }, { run, n: EVENTS })
      await page.goto(away)
    }
    await page.waitForURL(away)
    await page.waitForLoadState('load')
    await settle(c, { quiet: 500 })
    const onUnload = tally(c.accepted, mine).unique
    const unloadRequests = c.requests.length - fromReq
    down = false

    // Next load of an SDK page with the same storageKey: what is stored goes out.
    await page.goto(url)
    const all = await waitFor(() => tally(c.accepted, mine).unique >= EVENTS, { timeout: 15_000, interval: 50 })
    await settle(c, { quiet: 300 })
    const t = tally(c.accepted, mine)
    const got = new Set(c.accepted.filter(mine).map((e) => e.properties.i))
    runs.push({
      run,
      how,
      collector: failing ? 'down while leaving' : 'up',
      arrived: got.size,
      onUnload,
      onNextLoad: t.unique - onUnload,
      resent: t.resent,
      unloadRequests,
      requests: outcomes(c.requests.slice(fromReq)),
      missing: Array.from({ length: EVENTS }, (_, i) => i).filter((i) => !got.has(i)),
      ok: !!all && got.size == EVENTS,
    })
  }
  const errors = [...w.pageErrors, ...w.rejections]
  const failures = runs.filter((r) => !r.ok).map((r) => `run ${r.run} (${r.how}, collector ${r.collector}): ${r.arrived}/${EVENTS} arrived, missing ${r.missing.join(', ')}`)
  if (errors.length) failures.push(`page errors: ${errors.slice(0, 3).join(' | ')}`)
  const line = (set) => {
    const sum = (k) => set.reduce((n, r) => n + r[k], 0)
    return (
      `${set.filter((r) => r.ok).length}/${set.length} complete (${sum('arrived')}/${set.length * EVENTS}), ${sum('onUnload')} on unload + ` +
      `${sum('onNextLoad')} on next load, ${sum('resent')} resent [${set.map((r) => `${r.onUnload}+${r.onNextLoad}`).join(' ')}]`
    )
  }
  return {
    name: 'navigate away',
    ok: !failures.length,
    details: {
      summary: `collector up: ${line(runs.slice(0, RUNS))}; collector down while leaving: ${line(runs.slice(RUNS))}`,
      failures,
      runs,
      pageErrors: errors,
    },
  }
}
