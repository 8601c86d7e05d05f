// desire-path benchmark: `npm run bench` (builds first) or `node bench/run.mjs [--profile]`.
// Measures the built SDK (dist/desire-path.iife.js) in headless Chromium against the local
// collector (test/collector-server.mjs), prints each figure with its target and PASS/MISS,
// and writes bench/results.json. A MISS is a result, not a failure: the exit code is 1 only
// when a harness check fails (figures untrustworthy) and 2 when the harness itself breaks.
import os from 'node:os'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { startCollector } from '../test/collector-server.mjs'
import { launch } from '../test/browser/drivers/chromium.mjs'
import { printProfile, profileTrack, useProfileBundle } from './profile.mjs'

const PROFILE = process.argv.includes('--profile')
const RESULTS = fileURLToPath(new URL('./results.json', import.meta.url))
const IIFE = fileURLToPath(new URL('../dist/desire-path.iife.js', import.meta.url))
const GLOBAL_TIMEOUT_MS = +(process.env.BENCH_TIMEOUT_MS || 400_000)
// Cross-origin isolation: performance.now() resolution ~5 µs instead of 100 µs.
const ISOLATED = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }
const CFG = {
  perRound: 100, // track() calls per timed round
  warmupRounds: 30,
  rounds: 300,
  burst: 10_000,
  burstWarmup: 1_000, // calls on a separate tracker first, so the burst runs warm (JIT) code
  delivery: 2_000,
  deliveryWarmup: 500, // delivered before the measured burst
  repeats: 5, // bursts and deliveries are repeated on fresh pages; figures are medians / worst cases
  flood: 100_000, // tracked in chunks of floodChunk calls, a setTimeout(0) between chunks
  floodChunk: 100,
  floodRepeats: +(process.env.FLOOD_REPEATS || 3),
  bigDelivery: 10_000, // one synchronous loop, delivered with default options
  bigRepeats: 3,
  readyRepeats: 9, // fresh pages; cold-start figures are noisy
}
// `--only flood` runs just the 100k flood (figure 7), for working on the pipeline
const ONLY = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined
const MiB = 1024 * 1024

// --- cleanup: everything opened is closed in finally blocks, and by a global timeout
const closers = new Set()
const closeAll = async () => {
  for (const close of [...closers].reverse()) await close().catch(() => {})
  closers.clear()
}
const killer = setTimeout(async () => {
  console.error(`bench: global timeout (${GLOBAL_TIMEOUT_MS / 1000} s), aborting`)
  await closeAll()
  process.exit(2)
}, GLOBAL_TIMEOUT_MS)

// --- stats
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b)
  const i = (s.length - 1) * q // linear interpolation between closest ranks
  const lo = Math.floor(i)
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (i - lo)
}
const median = (xs) => quantile(xs, 0.5)
const r2 = (x) => Math.round(x * 100) / 100
const list = (xs, unit = '') => xs.map((x) => Math.round(x) + unit).join(' / ')

/** A fresh collector (so a fresh origin, hence fresh storage) and page for one measurement. */
async function withPage(context, fn, { before, path = '/bench/pages/index.html' } = {}) {
  const c = await startCollector({ headers: ISOLATED, lifetimeMs: GLOBAL_TIMEOUT_MS + 30_000 })
  const closeC = () => c.close()
  closers.add(closeC)
  let page
  const closeP = () => page?.close() ?? Promise.resolve()
  closers.add(closeP)
  const pageErrors = []
  try {
    page = await context.newPage()
    page.on('pageerror', (e) => pageErrors.push(String(e)))
    if (before) await before(page)
    await page.goto(c.origin + path)
    await page.waitForFunction(() => window.desirePath && (window.bench || window.__ready))
    const out = await fn(page, c)
    if (pageErrors.length) out.pageErrors = pageErrors
    return out
  } finally {
    for (const close of [closeP, closeC]) {
      closers.delete(close)
      await close().catch(() => {})
    }
  }
}

async function heapUsed(cdp) {
  for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage')
  return (await cdp.send('Runtime.getHeapUsage')).usedSize
}

const machineInfo = async (context) => {
  const info = await withPage(context, async (page) => {
    const cdp = await context.newCDPSession(page)
    const v = await cdp.send('Browser.getVersion')
    const pageInfo = await page.evaluate(() => window.bench.info())
    const longtaskSelfTest = await page.evaluate(() => window.bench.longtaskSelfTest())
    return { browser: v.product, v8: v.jsVersion, ...pageInfo, longtaskSelfTest }
  })
  const cpus = os.cpus()
  return {
    cpu: cpus[0]?.model?.trim() || 'unknown',
    cores: cpus.length,
    memoryGiB: r2(os.totalmem() / 1024 ** 3),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    browser: info.browser,
    v8: info.v8,
    crossOriginIsolated: info.crossOriginIsolated,
    timerResolutionUs: r2(info.timerResolutionUs),
    longtaskSelfTest: info.longtaskSelfTest,
  }
}

/** Figure 1: rounds of track() calls. */
const measureTrack = (context) =>
  withPage(context, (page, c) =>
    page.evaluate((a) => window.bench.trackRounds(a), { endpoint: c.endpoint, storageKey: 'bench-track', warmupRounds: CFG.warmupRounds, rounds: CFG.rounds, perRound: CFG.perRound }),
  )

/** Figures 2 and 3: a 10,000-call burst, nothing sent, until all are committed to IndexedDB. */
const measureBurst = (context, i) =>
  withPage(context, (page, c) =>
    page.evaluate((a) => window.bench.burstPersist(a), { endpoint: c.endpoint, storageKey: 'bench-burst-' + i, n: CFG.burst, warmup: CFG.burstWarmup }),
  )

/** Figure 4: a 2,000-event burst delivered with default batching (figure 8: n events, gzip). */
const measureDelivery = (context, i, n = CFG.delivery, compression) =>
  withPage(context, async (page, c) => {
    await page.evaluate((a) => window.bench.deliverySetup(a), { endpoint: c.endpoint, storageKey: 'bench-deliver-' + i, warmup: CFG.deliveryWarmup, compression })
    const n0 = c.requests.length
    const r = await page.evaluate((a) => window.bench.deliveryBurst(a), { n })
    const reqs = c.requests.slice(n0)
    const seen = new Set()
    let completeAt
    for (const q of reqs) {
      for (const e of q.batch || []) if (e.event == 'Burst Event') seen.add(e.messageId)
      if (completeAt === undefined && seen.size >= n) completeAt = q.at
    }
    const { epochMs, ...rest } = r
    return {
      ...rest,
      requests: reqs.length,
      wireBytes: reqs.reduce((b, q) => b + q.bytes, 0),
      wireEvents: reqs.reduce((b, q) => b + (q.batch?.length || 0), 0),
      batchSizes: reqs.map((q) => q.batch?.length ?? 0),
      batchBytes: reqs.map((q) => q.bytes),
      statuses: [...new Set(reqs.map((q) => q.status))],
      received: seen.size,
      // collector clock (Date.now() when the body was read) minus the page's Date.now() before the first call
      deliverMs: completeAt === undefined ? NaN : completeAt - epochMs,
      dupes: c.dupes(),
    }
  })

/**
 * Figure 7: 100,000 events tracked in 100-call chunks and delivered with default options.
 * The heap is sampled over CDP every 100 ms (no forced GC: the peak a page would see).
 */
const measureFlood = (context, i) =>
  withPage(context, async (page, c) => {
    const cdp = await context.newCDPSession(page)
    // every 100 ms the heap in use (garbage included: what the page pays); every 10th
    // sample after a forced GC (what the tracker keeps alive)
    let peak = 0
    let livePeak = 0
    let sampling = true
    const sampler = (async () => {
      for (let k = 1; sampling; k++) {
        peak = Math.max(peak, (await cdp.send('Runtime.getHeapUsage')).usedSize)
        if (k % 10 == 0) {
          await cdp.send('HeapProfiler.collectGarbage')
          livePeak = Math.max(livePeak, (await cdp.send('Runtime.getHeapUsage')).usedSize)
        }
        await new Promise((r) => setTimeout(r, 100))
      }
    })()
    const base = (await cdp.send('Runtime.getHeapUsage')).usedSize
    const n0 = c.requests.length
    let r
    try {
      r = await page.evaluate((a) => window.bench.flood(a), { endpoint: c.endpoint, storageKey: 'bench-flood-' + i, n: CFG.flood, chunk: CFG.floodChunk, timeout: 60_000 })
    } finally {
      sampling = false
      await sampler
      await cdp.detach()
    }
    const reqs = c.requests.slice(n0)
    const seen = new Set()
    let copies = 0
    let completeAt
    for (const q of reqs) {
      if (q.status < 200 || q.status > 299) continue
      for (const e of q.batch || [])
        if (e.event == 'Flood Event') {
          copies++
          seen.add(e.messageId)
        }
      if (completeAt === undefined && seen.size >= CFG.flood) completeAt = q.at
    }
    const { epochMs, ...rest } = r
    return {
      ...rest,
      requests: reqs.length,
      received: seen.size,
      dupes: copies - seen.size,
      deliverMs: completeAt === undefined ? NaN : completeAt - epochMs,
      heapBase: base,
      heapPeak: peak,
      heapLivePeak: livePeak,
      wireBytes: reqs.reduce((n, q) => n + q.bytes, 0),
      wireEvents: reqs.reduce((n, q) => n + (q.batch?.length || 0), 0),
    }
  })

/** Figure 6: a fresh page, script tag start → tracker ready, then the first track() (bench/pages/ready.html). */
const measureReady = (context) =>
  withPage(context, async (page) => page.evaluate(() => window.__ready), { path: '/bench/pages/ready.html' })

/** Figure 5: V8 heap after forced GCs, before and after a 2,000-event delivery (then a second one). */
const measureHeap = (context) =>
  withPage(context, async (page, c) => {
    const cdp = await context.newCDPSession(page)
    await page.evaluate((a) => window.bench.deliverySetup(a), { endpoint: c.endpoint, storageKey: 'bench-heap', warmup: CFG.deliveryWarmup })
    const before = await heapUsed(cdp)
    const first = await page.evaluate((a) => window.bench.deliveryBurst(a), { n: CFG.delivery })
    const after = await heapUsed(cdp)
    // growth that repeats with each burst is retention; growth that doesn't is one-off (JIT code, caches)
    const second = await page.evaluate((a) => window.bench.deliveryBurst(a), { n: CFG.delivery })
    const after2 = await heapUsed(cdp)
    await cdp.detach()
    return { before, after, after2, growth: after - before, growth2: after2 - after, ackedMs: [first.ackedMs, second.ackedMs], sent: second.sent, errors: second.errors, dropped: second.dropped }
  })

/** Optional: a CPU profile of track() on an unminified build of src/. */
const measureProfile = (context) => {
  let served
  return withPage(
    context,
    async (page, c) => {
      const cdp = await context.newCDPSession(page)
      const a = { endpoint: c.endpoint, storageKey: 'bench-profile', warmupRounds: CFG.warmupRounds, rounds: 200, perRound: CFG.perRound }
      let calls = 0
      const p = await profileTrack(cdp, served, async () => {
        calls = (await page.evaluate((x) => window.bench.trackRounds(x), a)).calls
      })
      return { ...p, calls }
    },
    { before: async (page) => void (served = await useProfileBundle(page, ISOLATED)) },
  )
}

async function main() {
  if (!existsSync(IIFE)) throw new Error('dist/desire-path.iife.js is missing: run `npx rollup -c` (npm run bench builds first)')
  const started = Date.now()
  const browser = await launch()
  closers.add(browser.close)
  const { context } = browser

  const machine = await machineInfo(context)
  const sdkBytes = readFileSync(IIFE).length
  const git = (...a) => execFileSync('git', a, { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  let commit = 'unknown'
  try {
    commit = git('rev-parse', '--short', 'HEAD') + (git('status', '--porcelain', '--', 'src') ? ' + uncommitted src/ changes' : '')
  } catch {
    /* not a git checkout */
  }
  if (ONLY == 'flood') {
    for (let i = 0; i < CFG.floodRepeats; i++) {
      const f = await measureFlood(context, i)
      const { longtasks, ...rest } = f
      console.log(JSON.stringify({ ...rest, longtasks: longtasks.length, longest: Math.max(0, ...longtasks.map((t) => Math.round(t.durationMs))), heapPeakMiB: r2(f.heapPeak / MiB), liveMiB: r2(f.heapLivePeak / MiB), heapBaseMiB: r2(f.heapBase / MiB) }))
    }
    return 0
  }
  const create = await withPage(context, (page, c) => page.evaluate((a) => window.bench.createCost(a), { endpoint: c.endpoint }))
  const track = await measureTrack(context)
  const bursts = []
  const deliveries = []
  for (let i = 0; i < CFG.repeats; i++) {
    bursts.push(await measureBurst(context, i))
    deliveries.push(await measureDelivery(context, i))
  }
  const big = []
  for (let i = 0; i < CFG.bigRepeats; i++) big.push(await measureDelivery(context, 'big-' + i, CFG.bigDelivery))
  const gzipped = []
  for (let i = 0; i < CFG.bigRepeats; i++) gzipped.push(await measureDelivery(context, 'gzip-' + i, CFG.delivery, 'gzip'))
  const ready = []
  for (let i = 0; i < CFG.readyRepeats; i++) ready.push(await measureReady(context))
  const floods = []
  for (let i = 0; i < CFG.floodRepeats; i++) floods.push(await measureFlood(context, i))
  const heap = await measureHeap(context)
  const profile = PROFILE ? await measureProfile(context) : undefined

  // --- figures
  const trackMedian = median(track.meansUs)
  const trackP95 = quantile(track.meansUs, 0.95)
  const loopLong = (b) => b.longtasks.filter((t) => t.startMs < b.loopMs) // the task running the synchronous loop
  const longCounts = bursts.map((b) => b.longtasks.length)
  const longest = Math.max(0, ...bursts.flatMap((b) => b.longtasks.map((t) => t.durationMs)))
  const others = bursts.flatMap((b) => b.longtasks.filter((t) => !loopLong(b).includes(t)))
  const persistMs = median(bursts.map((b) => b.persistMs))
  const rate = (CFG.burst / persistMs) * 1000
  const txMs = bursts.flatMap((b) => b.txs.map((t) => t.durationMs))
  const deliverMs = median(deliveries.map((d) => d.deliverMs))
  const maxRequests = Math.max(...deliveries.map((d) => d.requests))
  const R = CFG.repeats
  const F = CFG.floodRepeats
  const bigMs = median(big.map((d) => d.deliverMs))
  const readyMs = median(ready.map((x) => x.createMs))
  const floodMs = median(floods.map((f) => f.deliverMs))
  const floodBad = Math.max(...floods.map((f) => CFG.flood - f.received + f.dupes))
  const floodLong = Math.max(...floods.map((f) => f.longtasks.length))
  const floodLive = Math.max(...floods.map((f) => f.heapLivePeak))
  const floodUsed = Math.max(...floods.map((f) => f.heapPeak))
  const plainPer = deliveries.reduce((n, d) => n + d.wireBytes, 0) / deliveries.reduce((n, d) => n + d.wireEvents, 0)
  const gzipPer = gzipped.reduce((n, d) => n + d.wireBytes, 0) / gzipped.reduce((n, d) => n + d.wireEvents, 0)

  const fig = (id, name, value, unit, target, pass, detail) => ({ id, name, value: typeof value == 'number' ? r2(value) : value, unit, target, result: pass === undefined ? 'info' : pass ? 'PASS' : 'MISS', detail })
  const figures = [
    fig('1a', 'track() median', trackMedian, 'µs/call', '≤ 5 µs', trackMedian <= 5, `${CFG.rounds} rounds × ${CFG.perRound} calls after ${CFG.warmupRounds} warm-up rounds; quantiles of the per-round mean`),
    fig('1b', 'track() p95', trackP95, 'µs/call', '≤ 20 µs', trackP95 <= 20, `fastest round ${r2(Math.min(...track.meansUs))}, slowest ${r2(Math.max(...track.meansUs))} µs/call`),
    fig('2a', `long tasks, 10k burst (worst of ${R})`, Math.max(...longCounts), 'tasks', 'none', Math.max(...longCounts) == 0, `per run ${longCounts.join(' / ')}; the loop of ${CFG.burst} calls took ${list(bursts.map((b) => b.loopMs), ' ms')} (${r2((median(bursts.map((b) => b.loopMs)) * 1000) / CFG.burst)} µs/call); ${others.length} long task(s) after the loop${others.length ? ': ' + others.map((t) => `${Math.round(t.durationMs)} ms at +${Math.round(t.startMs)} ms`).join(', ') : ''}`),
    fig('2b', `longest long task (of ${R})`, longest, 'ms', 'none (< 50 ms)', longest < 50, 'PerformanceObserver longtask entries from the first call until the last event was committed'),
    fig('3a', `persist 10k to IDB (median of ${R})`, persistMs, 'ms', '≤ 1000 ms', persistMs <= 1000, `per run ${list(bursts.map((b) => b.persistMs), ' ms')}: first track() → 'complete' of the transaction with the last put; count() after: ${bursts.map((b) => b.count).join(' / ')}; nothing sent (flushAt 1e6, flushInterval 1 h)`),
    fig('3b', 'persist throughput', Math.round(rate), 'events/s', '≥ 10,000/s', rate >= 10_000, `${bursts[0].txs.length} write transactions per burst (${[...new Set(bursts[0].txs.map((t) => t.puts))].join('/')} puts each); ${r2(median(txMs))} ms median, ${r2(Math.max(...txMs))} ms max per transaction (creation → complete)`),
    fig('4a', `deliver 2k burst (median of ${R})`, deliverMs, 'ms', '≤ 1000 ms', deliverMs <= 1000, `per run ${list(deliveries.map((d) => d.deliverMs), ' ms')}: first track() → collector holds all ${CFG.delivery}; 'sent' events complete at ${list(deliveries.map((d) => d.ackedMs), ' ms')}`),
    fig('4b', `requests for 2k burst (worst of ${R})`, maxRequests, 'requests', '≤ 5', maxRequests <= 5, `batch sizes ${deliveries.map((d) => d.batchSizes.join('+')).join(' / ')} events; ${deliveries[0].batchBytes.map((b) => Math.round(b / 1000) + ' kB').join('+')}; HTTP ${[...new Set(deliveries.flatMap((d) => d.statuses))].join(',')}`),
    fig('5', 'heap growth after 2k delivery', heap.growth / MiB, 'MiB', '≤ 1 MiB', heap.growth <= MiB, `V8 usedSize after forced GCs ${r2(heap.before / MiB)} → ${r2(heap.after / MiB)} MiB; after a 2nd identical burst ${heap.growth2 >= 0 ? '+' : ''}${Math.round(heap.growth2 / 1024)} KiB more`),
    fig('4c', `deliver 10k burst (median of ${CFG.bigRepeats})`, bigMs, 'ms', '≤ 1500 ms', bigMs <= 1500, `per run ${list(big.map((d) => d.deliverMs), ' ms')} in ${big.map((d) => d.requests).join(' / ')} requests; received ${big.map((d) => d.received).join(' / ')}, dupes ${big.map((d) => d.dupes).join(' / ')}`),
    fig('6', `first createTracker() in a fresh page (median of ${CFG.readyRepeats})`, readyMs, 'ms', '≤ 5 ms', readyMs <= 5, `per page ${ready.map((x) => r2(x.createMs)).join(' / ')} ms (cold code: the first call compiles it); from the script's arrival (resource timing responseEnd), parsing and running the ${Math.round(sdkBytes / 1000)} kB script tag took ${ready.map((x) => r2(x.loadMs)).join(' / ')} ms more; the first track() then ${ready.map((x) => r2(x.firstTrackMs)).join(' / ')} ms (first localStorage access, time zone: Temporal ${ready[0].temporal ? 'present' : 'absent'}); a warm createTracker() after page load ${r2(create.firstMs)} ms, a second one ${r2(create.secondMs)} ms`),
    fig('7a', `100k flood delivered (median of ${F})`, floodMs, 'ms', '≤ 15000 ms', floodMs <= 15_000, `${CFG.flood.toLocaleString('en')} track() calls in ${CFG.floodChunk}-call chunks (setTimeout(0) between) took ${list(floods.map((f) => f.loopMs), ' ms')}; first track() → collector holds all: ${list(floods.map((f) => f.deliverMs), ' ms')}; ${floods.map((f) => f.requests).join(' / ')} requests; default options`),
    fig('7b', `100k flood lost + duplicated (worst of ${F})`, floodBad, 'events', '0', floodBad == 0, `received ${floods.map((f) => f.received).join(' / ')}; duplicates ${floods.map((f) => f.dupes).join(' / ')}; dropped ${floods.map((f) => f.dropped).join(' / ')}; tracker errors ${JSON.stringify(floods.map((f) => f.errors))}`),
    fig('7c', `100k flood long tasks (worst of ${F})`, floodLong, 'tasks', 'none', floodLong == 0, `longest ${r2(Math.max(0, ...floods.flatMap((f) => f.longtasks.map((t) => t.durationMs))))} ms`),
    fig('7d', `100k flood heap peak, live (worst of ${F})`, floodLive / MiB, 'MiB', '≤ 20 MiB', floodLive <= 20 * MiB, `V8 usedSize after a forced GC, sampled each second during the flood: ${floods.map((f) => r2(f.heapLivePeak / MiB)).join(' / ')} MiB (page before the flood ${r2(floods[0].heapBase / MiB)} MiB)`),
    fig('7e', `100k flood heap peak, in use (worst of ${F})`, floodUsed / MiB, 'MiB', '≤ 20 MiB', floodUsed <= 20 * MiB, `V8 usedSize every 100 ms, garbage not yet collected included: ${floods.map((f) => r2(f.heapPeak / MiB)).join(' / ')} MiB`),
    fig('8a', 'bytes per event on the wire', plainPer, 'B/event', '(info)', undefined, `request bodies ÷ events, 2k bursts (5-field properties): ${r2(plainPer)} B plain; ${r2(floods[0].wireBytes / floods[0].wireEvents)} B in the 100k flood`),
    fig('8b', "bytes per event, compression: 'gzip'", gzipPer, 'B/event', '(info)', undefined, `CompressionStream gzip, Content-Encoding: gzip: ${gzipped.map((d) => r2(d.wireBytes / d.wireEvents)).join(' / ')} B/event (${r2(plainPer / gzipPer)}× fewer); delivered in ${list(gzipped.map((d) => d.deliverMs), ' ms')}`),
  ]
  // Checks of the harness itself: a failed one means the figures can't be trusted (exit code 1).
  const measured = [track, ...bursts, ...deliveries, ...big, ...gzipped, ...floods, heap]
  const checks = {
    crossOriginIsolated: machine.crossOriginIsolated === true,
    longtaskObserverWorks: machine.longtaskSelfTest.some((d) => d >= 50),
    noPageErrors: !measured.some((x) => x.pageErrors),
    nothingSentDuringPersist: bursts.every((b) => b.sent == 0),
  }
  // Checks of the SDK (reported, not fatal): nothing lost, nothing doubled, no errors.
  const sdkChecks = {
    burstAllStored: bursts.every((b) => b.count == CFG.burst && !b.dropped),
    deliveryAllReceivedOnce: [...deliveries, ...gzipped].every((d) => d.received == CFG.delivery && d.dupes == 0 && !d.dropped) && big.every((d) => d.received == CFG.bigDelivery && !d.dupes && !d.dropped),
    floodAllReceivedOnce: floodBad == 0,
    noTrackerErrors: measured.every((x) => !Object.keys(x.errors || {}).length),
  }

  // --- print
  console.log(`\ndesire-path benchmark  ${new Date(started).toISOString()}`)
  console.log(`machine   ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}`)
  console.log(`browser   ${machine.browser} (V8 ${machine.v8}), headless; Node ${machine.node}`)
  console.log(`sdk       ${commit}; dist/desire-path.iife.js ${sdkBytes} B`)
  console.log(`page      crossOriginIsolated=${machine.crossOriginIsolated}, performance.now() step ${machine.timerResolutionUs} µs`)
  console.log(`method    1: ${CFG.rounds} rounds of ${CFG.perRound} synchronous track() calls (5-field properties) after ${CFG.warmupRounds} warm-up rounds; each round timed`)
  console.log(`             with performance.now(), a setTimeout(0) between rounds; figures are quantiles of the per-call mean of each round.`)
  console.log(`          2-3: one synchronous loop of ${CFG.burst} calls (code warmed on another tracker); long tasks from PerformanceObserver;`)
  console.log(`             persistence seen by counting put() calls per IndexedDB transaction, credited at its 'complete' event.`)
  console.log(`          4: default batching options, collector on 127.0.0.1 replying 200.  5: CDP HeapProfiler.collectGarbage ×3 + Runtime.getHeapUsage.`)
  console.log(`          6: fresh page per run: performance.now() around the first createTracker() and the first track() (bench/pages/ready.html).`)
  console.log(`          7: ${CFG.flood} track() calls in ${CFG.floodChunk}-call chunks, default options; heap sampled over CDP.  8: request bytes on the wire ÷ events.`)
  console.log(`          Every measurement: fresh collector (origin), page and storageKey; bursts and deliveries run ${R} times.\n`)
  const cols = [
    ['#', (f) => f.id],
    ['figure', (f) => f.name],
    ['value', (f) => String(f.value)],
    ['unit', (f) => f.unit],
    ['target', (f) => f.target],
    ['result', (f) => f.result],
  ]
  const width = cols.map(([h, get]) => Math.max(h.length, ...figures.map((f) => get(f).length)))
  const row = (cells) => cells.map((c, i) => c.padEnd(width[i])).join('  ').trimEnd()
  console.log(row(cols.map(([h]) => h)))
  console.log(row(width.map((w) => '-'.repeat(w))))
  for (const f of figures) console.log(row(cols.map(([, get]) => get(f))))
  console.log('\ndetails')
  for (const f of figures) console.log(`  ${f.id.padEnd(3)} ${f.detail}`)
  const errors = measured.map((x) => x.errors).filter((e) => e && Object.keys(e).length)
  if (errors.length) console.log(`  tracker errors seen: ${JSON.stringify(errors)}`)
  const failed = Object.keys(checks).filter((k) => !checks[k])
  const sdkFailed = Object.keys(sdkChecks).filter((k) => !sdkChecks[k])
  console.log(`\nharness checks: ${failed.length ? 'FAILED ' + failed.join(', ') : 'all ok'} (${Object.keys(checks).join(', ')})`)
  console.log(`SDK checks:     ${sdkFailed.length ? 'WARNING ' + sdkFailed.join(', ') : 'all ok'} (${Object.keys(sdkChecks).join(', ')})`)
  const targeted = figures.filter((f) => f.result != 'info')
  const misses = targeted.filter((f) => f.result == 'MISS').length
  console.log(`${targeted.length - misses}/${targeted.length} figures within target; ${((Date.now() - started) / 1000).toFixed(1)} s`)
  if (profile) printProfile(profile, profile.calls)

  // other benchmarks' keys (bench/learn.mjs writes `learn`, bench/collector.mjs `collector`) are kept
  const kept = existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, 'utf8')) : {}
  writeFileSync(
    RESULTS,
    JSON.stringify(
      {
        ...(kept.learn && { learn: kept.learn }),
        ...(kept.collector && { collector: kept.collector }),
        date: new Date(started).toISOString(),
        machine,
        sdk: { commit, bytes: sdkBytes },
        config: CFG,
        figures,
        checks,
        sdkChecks,
        raw: { create, trackMeansUs: track.meansUs.map(r2), bursts, deliveries, big, gzipped, ready, floods, heap },
        ...(profile && { profile }),
      },
      (k, v) => (typeof v == 'number' && !Number.isInteger(v) ? r2(v) : v),
      2,
    ) + '\n',
  )
  console.log(`wrote ${RESULTS.replace(process.cwd() + '/', '')}`)
  return failed.length ? 1 : 0
}

let code = 0
try {
  code = await main()
} catch (e) {
  console.error('bench: harness error:', e?.stack || e)
  code = 2
} finally {
  await closeAll()
  clearTimeout(killer)
}
process.exit(code)
