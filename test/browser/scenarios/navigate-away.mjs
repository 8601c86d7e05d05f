// Navigate away: a page tracks 50 events and immediately leaves for a page of the origin
// without the SDK; then an SDK page is loaded again and flushes. All 50 must arrive, in
// each of 5 runs (a fresh storageKey each), whether they went out on unload (keepalive)
// or on the next load. Runs alternate between navigating from the page itself in the same
// task as the tracking (location.href = ...) and from the runner right after (page.goto).
// `navigateAway(env, { down: true })` (navigate-away-offline.mjs) is the same with the
// collector answering 503 while the page leaves: then everything must come from storage.
// Every run also reads the request bodies of the unload: no event may go out twice in one
// unload (pagehide and visibilitychange both fire; they share one in-flight set). Unload
// sends are marked (harness.js `markUnload`): an ordinary request made before the page
// went, answered 503, and then the unload send are a retry after a failure, not a double.
import { idbCount, outcomes, pageUrl, settle, sleep, tally, watch } from './helpers.mjs'

const RUNS = 10
const EVENTS = 50

export default (env) => navigateAway(env, { down: false })

export async function navigateAway(env, { down: failing }) {
  let down = false
  const c = await env.collector({ fault: () => (down ? { status: 503 } : undefined) })
  const { context } = await env.launch()
  const page = await context.newPage()
  const w = watch(page)
  const runs = []
  for (let run = 0; run < RUNS; run++) {
    const how = run % 2 ? 'page.goto' : 'location.href'
    const opts = { endpoint: c.endpoint, storageKey: `nav-${failing ? 'down' : 'up'}-${env.seed}-${run}`, retryBase: 100, retryMax: 1000, requestTimeout: 5000, markUnload: true }
    const url = pageUrl(c.origin, 'sdk.html', { o: opts })
    const away = `${c.origin}/elsewhere/${run}`
    const mine = (e) => e.properties?.run === run
    const fromReq = c.requests.length
    await page.goto(url)
    await page.waitForFunction(() => window.dp)
    down = failing
    if (how == 'location.href')
      await page
        .evaluate(
          ({ run, n, away }) => {
            for (let i = 0; i < n; i++) window.dp.track('before leaving', { run, i })
            location.href = away
          },
          { run, n: EVENTS, away },
        )
        .catch((e) => {
          // the navigation may win the race with evaluate's reply
          if (!/context was destroyed|navigat/i.test(String(e))) throw e
        })
    else {
      await page.evaluate(({ run, n }) => { for (let i = 0; i < n; i++) window.dp.track('before leaving', { run, i }) }, { run, n: EVENTS })
      await page.goto(away)
    }
    await page.waitForURL(away)
    await page.waitForLoadState('load')
    await settle(c, { quiet: 500 })
    const onUnload = tally(c.accepted, mine).unique
    const unloadRequests = outcomes(c.requests.slice(fromReq))
    const copies = new Map()
    for (const q of c.requests.slice(fromReq)) if (q.headers['x-dp-unload']) for (const e of q.batch || []) if (mine(e)) copies.set(e.messageId, (copies.get(e.messageId) || 0) + 1)
    const twiceOnUnload = [...copies.values()].filter((n) => n > 1).length
    down = false

    // Next load of an SDK page with the same storageKey: what is stored goes out. Wait until
    // all arrived, or (at most 15 s) until nothing is left stored and the collector is quiet.
    await page.goto(url)
    const loadedAt = Date.now()
    for (;;) {
      if (tally(c.accepted, mine).unique >= EVENTS || Date.now() - loadedAt > 15_000) break
      if (Date.now() - loadedAt > 3000 && (await idbCount(page, opts.storageKey)) <= 0 && (await settle(c, { quiet: 1000, timeout: 1500 }))) break
      await sleep(50)
    }
    await settle(c, { quiet: 300 })
    const t = tally(c.accepted, mine)
    const got = new Set(c.accepted.filter(mine).map((e) => e.properties.i))
    // what the next-load page knows, to tell "not stored" from "stored but not sent"
    const state = got.size < EVENTS ? await diagnose(page, opts.storageKey) : undefined
    runs.push({
      run,
      how,
      arrived: got.size,
      onUnload,
      onNextLoad: t.unique - onUnload,
      resent: t.resent,
      unloadRequests,
      twiceOnUnload,
      marked: c.requests.slice(fromReq).filter((q) => q.headers['x-dp-unload']).length,
      unloadSends: c.requests.slice(fromReq).map((q) => ({ sentAt: q.sentAt, at: q.at, events: q.batch?.length, status: q.status })),
      requests: outcomes(c.requests.slice(fromReq)),
      missing: Array.from({ length: EVENTS }, (_, i) => i).filter((i) => !got.has(i)),
      ok: got.size == EVENTS && !twiceOnUnload,
      nextLoadState: state,
    })
  }
  const errors = [...w.pageErrors, ...w.rejections]
  const failures = runs
    .filter((r) => !r.ok)
    .map((r) => `run ${r.run} (${r.how}): ${r.arrived}/${EVENTS} arrived, ${r.twiceOnUnload} sent twice during the unload; on the next load: ${JSON.stringify(r.nextLoadState)}`)
  if (errors.length) failures.push(`page errors: ${errors.slice(0, 3).join(' | ')}`)
  const sum = (k) => runs.reduce((n, r) => n + r[k], 0)
  return {
    name: failing ? 'navigate away, collector down while leaving' : 'navigate away',
    ok: !failures.length,
    details: {
      summary:
        `${runs.filter((r) => r.ok).length}/${RUNS} runs complete (${sum('arrived')}/${RUNS * EVENTS} events): ${sum('onUnload')} arrived during unload, ` +
        `${sum('onNextLoad')} on the next load, ${sum('twiceOnUnload')} sent twice within an unload (${sum('marked')} unload sends), ${sum('resent')} resent on a later load [unload+next per run: ${runs.map((r) => `${r.onUnload}+${r.onNextLoad}`).join(' ')}]`,
      failures,
      runs,
      pageErrors: errors,
    },
  }
}

const diagnose = async (page, key) => ({
  rowsStored: await idbCount(page, key).catch((e) => String(e)),
  ...(await page
    .evaluate(
      async (key) => ({
        reported: window.__dp?.codes,
        backoff: localStorage.getItem(key + ':backoff'),
        locksHeld: ((await navigator.locks?.query?.())?.held || []).map((l) => l.name),
      }),
      key,
    )
    .catch((e) => ({ error: String(e) }))),
})
