// Reload storm: a page tracks { i } for i = 0..999 on a timer, keeping the next index in
// localStorage, while the runner reloads it 20 times mid-stream and 30% of collector replies
// fail (500, 429 + Retry-After: 1, dropped connection). After the 1,000th event faults stop
// and one more load lets the SDK recover. Every index must arrive, each under exactly one
// messageId; resends (an unload send that could not be confirmed) are counted, not failed.
import { idbCount, outcomes, pageUrl, rng, settle, sleep, tally, watch } from './helpers.mjs'

const TOTAL = 1000
const RELOADS = 20
const FAIL_RATE = 0.3

export default async function reloadStorm(env) {
  const rand = rng(env.seed ^ 0x5eed)
  let inject = true
  const injected = { 500: 0, 429: 0, drop: 0 }
  const c = await env.collector({
    fault() {
      if (!inject || rand() >= FAIL_RATE) return
      const k = rand()
      if (k < 1 / 3) return injected[500]++, { status: 500 }
      if (k < 2 / 3) return injected[429]++, { status: 429, headers: { 'Retry-After': '1' } }
      return injected.drop++, 'drop'
    },
  })
  const { context } = await env.launch()
  const key = 'storm-' + env.seed
  const opts = { endpoint: c.endpoint, storageKey: key, flushAt: 20, flushInterval: 250, retryBase: 150, retryMax: 1500, requestTimeout: 5000 }
  const url = pageUrl(c.origin, 'stream.html', { o: opts, total: String(TOTAL), per: '2', every: '10', nextKey: key + ':test-next' })
  const page = await context.newPage()
  const w = watch(page)
  const t0 = Date.now()
  await page.goto(url)

  // Reload points spread over the stream: one random index in each of RELOADS equal slots.
  const lo = 20
  const slot = (TOTAL - 2 * lo) / RELOADS
  const points = Array.from({ length: RELOADS }, (_, k) => Math.floor(lo + k * slot + rand() * slot))
  const reloads = []
  for (const at of points) {
    await page.waitForFunction((t) => (window.__stream?.next ?? 0) >= t, at, { polling: 5, timeout: 60_000 })
    await sleep(Math.floor(rand() * 40)) // land anywhere in the SDK's write/flush cycle
    const next = await page.evaluate(() => window.__stream.next)
    await page.reload({ waitUntil: 'load' })
    reloads.push(next)
  }
  await page.waitForFunction(() => window.__stream?.done, null, { polling: 20, timeout: 60_000 })
  const streamMs = Date.now() - t0
  const duringFaults = outcomes(c.requests)
  const acceptedWhileFaulty = tally(c.accepted).unique

  // Recovery: faults off, one more load (which tracks nothing and flushes what is stored).
  inject = false
  const recoverAt = Date.now()
  await page.reload({ waitUntil: 'load' })
  const indexOf = (e) => e.properties?.i
  const covered = () => new Set(c.accepted.map(indexOf)).size >= TOTAL
  // Done when every index arrived and nothing is left stored; give up early when nothing is
  // left stored and the collector has been quiet for 1.5 s (what is missing won't come).
  let drained = false
  while (Date.now() - recoverAt < 45_000) {
    const rows = await idbCount(page, key)
    if (rows <= 0 && covered()) {
      drained = true
      break
    }
    if (rows <= 0 && Date.now() - recoverAt > 3000 && (await settle(c, { quiet: 1500, timeout: 2000 }))) break
    await sleep(200)
  }
  const recoverMs = Date.now() - recoverAt
  const left = await idbCount(page, key)
  await settle(c)
  await page.close() // a last pagehide must not resend acknowledged events
  await settle(c)

  // --- checks
  const byIndex = new Map() // i -> Set(messageId)
  for (const e of c.accepted) {
    const i = indexOf(e)
    if (!byIndex.has(i)) byIndex.set(i, new Set())
    byIndex.get(i).add(e.messageId)
  }
  const lost = []
  const split = []
  for (let i = 0; i < TOTAL; i++) {
    const ids = byIndex.get(i)
    if (!ids) lost.push(i)
    else if (ids.size > 1) split.push(i)
  }
  const unexpected = [...byIndex.keys()].filter((i) => !(Number.isInteger(i) && i >= 0 && i < TOTAL))
  const t = tally(c.accepted)
  const req = outcomes(c.requests)
  // For a lost index: was it ever on the wire, and with what outcome?
  const lostTrace = lost.slice(0, 10).map((i) => ({
    i,
    requests: c.requests.filter((r) => r.batch?.some((e) => indexOf(e) === i)).map((r) => ({ n: r.n, status: r.status, events: r.batch.length })),
  }))
  // How close to a reload (in indices; the page tracks 2 every 10 ms) each lost index was.
  const lostNearReload = lost.map((i) => Math.min(...reloads.map((r) => Math.abs(i - r))))
  const failures = []
  if (lost.length) failures.push(`${lost.length} indices never accepted: ${lost.slice(0, 20).join(', ')}${lost.length > 20 ? ', ...' : ''}`)
  if (split.length) failures.push(`${split.length} indices accepted under more than one messageId: ${split.slice(0, 20).join(', ')}`)
  if (unexpected.length) failures.push(`unexpected indices accepted: ${unexpected.slice(0, 10).join(', ')}`)
  if (left > 0) failures.push(`queue not drained ${recoverMs} ms after faults stopped (${left} rows left in IndexedDB)`)
  if (reloads.length != RELOADS) failures.push(`only ${reloads.length} reloads`)
  if (w.pageErrors.length || w.rejections.length) failures.push(`page errors: ${[...w.pageErrors, ...w.rejections].slice(0, 3).join(' | ')}`)

  return {
    name: 'reload storm',
    ok: !failures.length,
    details: {
      summary:
        `${TOTAL - lost.length}/${TOTAL} indices, ${lost.length} lost, ${split.length} split; ` +
        `${t.unique} messageIds accepted, ${t.resent} resent (${t.extra} extra copies); ` +
        `${req.total} requests (${req.failed} failed: ${req['500'] || 0}x500 ${req['429'] || 0}x429 ${req.dropped || 0} dropped); ` +
        `${RELOADS} reloads, stream ${(streamMs / 1000).toFixed(1)} s, recovery ${(recoverMs / 1000).toFixed(1)} s`,
      failures,
      total: TOTAL,
      lost,
      lostTrace,
      lostMaxDistanceFromAReload: lost.length ? Math.max(...lostNearReload) : null,
      split,
      acceptedEvents: c.accepted.length,
      uniqueMessageIds: t.unique,
      resentMessageIds: t.resent,
      extraCopies: t.extra,
      requests: req,
      requestsWhileFaulty: duringFaults,
      injected,
      acceptedUniqueWhenStreamEnded: acceptedWhileFaulty,
      reloadsAtIndex: reloads,
      streamMs,
      recoverMs,
      idbRowsLeft: left,
      complete: drained,
      pageErrors: w.pageErrors,
      unhandledRejections: w.rejections,
      consoleErrors: w.consoleErrors.slice(0, 10),
    },
  }
}
