// desire-path benchmark: `npm run bench` (builds first) or `node bench/run.mjs [--profile]`.
// Measures the SDK in headless Chromium against the local collector (test/collector-server.mjs)
// and prints each figure with its target and PASS/MISS; also writes bench/results.json.
// A MISS is a result, not a failure: the exit code is non-zero only when the harness breaks.
import os from 'node:os'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { startCollector } from '../test/collector-server.mjs'
import { launch } from '../test/browser/chromium.mjs'
import { printProfile, profileTrack, useProfileBundle } from './profile.mjs'

const PROFILE = process.argv.includes('--profile')
const RESULTS = fileURLToPath(new URL('./results.json', import.meta.url))
const IIFE = fileURLToPath(new URL('../dist/desire-path.iife.js', import.meta.url))
const GLOBAL_TIMEOUT_MS = 150_000
// Cross-origin isolation: performance.now() resolution ~5 µs instead of 100 µs.
const ISOLATED = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }
const CFG = {
  perRound: 100, // track() calls per timed round
  warmupRounds: 30,
  rounds: 300,
  burst: 10_000,
  burstWarmup: 1_000,
  delivery: 2_000,
  deliveryWarmup: 500,
}
const MiB = 1024 * 1024

// --- cleanup: everything opened is closed in finally blocks, and by a global timeout
const closers = []
const opened = (close) => (closers.push(close), close)
const closeAll = async () => {
  while (closers.length) await closers.pop()().catch(() => {})
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
const r2 = (x) => Math.round(x * 100) / 100
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length

/** A fresh collector (so a fresh origin, hence fresh storage) and page for one measurement. */
async function withPage(context, fn, { before, ...collectorOptions } = {}) {
  const c = await startCollector({ headers: ISOLATED, lifetimeMs: GLOBAL_TIMEOUT_MS + 30_000, ...collectorOptions })
  const closeC = opened(() => c.close())
  const page = await context.newPage()
  const closeP = opened(() => page.close())
  const pageErrors = []
  page.on('pageerror', (e) => pageErrors.push(String(e)))
  try {
    if (before) await before(page)
    await page.goto(c.origin + '/bench/pages/index.html')
    await page.waitForFunction(() => window.desirePath && window.bench)
    const out = await fn(page, c)
    if (pageErrors.length) out.pageErrors = pageErrors
    return out
  } finally {
    await closeP()
    await closeC()
    closers.splice(closers.indexOf(closeP), 1)
    closers.splice(closers.indexOf(closeC), 1)
  }
}

async function heapUsed(cdp) {
  for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage')
  const h = await cdp.send('Runtime.getHeapUsage')
  return h.usedSize
}

async function main() {
  if (!existsSync(IIFE)) throw new Error('dist/desire-path.iife.js is missing: run `npx rollup -c` (npm run bench builds first)')
  const started = Date.now()
  const browser = await launch()
  opened(browser.close)
  const { context } = browser

  // --- machine info
  const info = await withPage(context, async (page) => {
    const cdp = await context.newCDPSession(page)
    const v = await cdp.send('Browser.getVersion')
    const pageInfo = await page.evaluate(() => window.bench.info())
    const longtaskSelfTest = await page.evaluate(() => window.bench.longtaskSelfTest())
    return { browser: v.product, v8: v.jsVersion, ...pageInfo, longtaskSelfTest }
  })
  const cpus = os.cpus()
  const machine = {
    cpu: cpus[0]?.model?.trim() || 'unknown',
    cores: cpus.length,
    memoryGiB: r2(os.totalmem() / 1024 ** 3),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    browser: info.browser,
    v8: info.v8,
    crossOriginIsolated: info.crossOriginIsolated,
    timerResolutionUs: r2(info.timerResolutionUs),
  }
  const sdkBytes = readFileSync(IIFE).length

  // --- 1. track() cost
  const rounds = await withPage(context, (page, c) =>
    page.evaluate((a) => window.bench.trackRounds(a), { endpoint: c.endpoint, storageKey: 'bench-track', warmupRounds: CFG.warmupRounds, rounds: CFG.rounds, perRound: CFG.perRound }),
  )
  const trackMedian = quantile(rounds.meansUs, 0.5)
  const trackP95 = quantile(rounds.meansUs, 0.95)

  // --- 2 + 3. 10,000-call burst: long tasks, then time until all are in IndexedDB (nothing sent)
  const burst = await withPage(context, (page, c) =>
    page.evaluate((a) => window.bench.burstPersist(a), { endpoint: c.endpoint, storageKey: 'bench-burst', n: CFG.burst, warmup: CFG.burstWarmup }),
  )
  const longest = Math.max(0, ...burst.longtasks.map((t) => t.durationMs))
  const eventsPerSec = (burst.count / burst.persistMs) * 1000

  // --- 4. 2,000-event delivery with default batching
  const delivery = await withPage(context, async (page, c) => {
    await page.evaluate((a) => window.bench.deliverySetup(a), { endpoint: c.endpoint, storageKey: 'bench-deliver', warmup: CFG.deliveryWarmup })
    const n0 = c.requests.length
    const r = await page.evaluate((a) => window.bench.deliveryBurst(a), { n: CFG.delivery })
    const reqs = c.requests.slice(n0)
    const seen = new Set()
    let completeAt
    for (const q of reqs) {
      for (const e of q.batch || []) if (e.event == 'Burst Event') seen.add(e.messageId)
      if (completeAt === undefined && seen.size >= CFG.delivery) completeAt = q.at
    }
    return {
      ...r,
      requests: reqs.length,
      batchSizes: reqs.map((q) => q.batch?.length ?? 0),
      batchBytes: reqs.map((q) => q.bytes),
      statuses: reqs.map((q) => q.status),
      received: seen.size,
      deliverMs: completeAt === undefined ? NaN : completeAt - r.epochMs,
      dupes: c.dupes(),
    }
  })

  // --- 5. heap growth across the 2,000-event delivery (fresh page, after forced GCs)
  const heap = await withPage(context, async (page, c) => {
    const cdp = await context.newCDPSession(page)
    await page.evaluate((a) => window.bench.deliverySetup(a), { endpoint: c.endpoint, storageKey: 'bench-heap', warmup: CFG.deliveryWarmup })
    const before = await heapUsed(cdp)
    const r1 = await page.evaluate((a) => window.bench.deliveryBurst(a), { n: CFG.delivery })
    const after = await heapUsed(cdp)
    // a second identical burst: growth that repeats is retention, growth that doesn't is one-off (JIT code, caches)
    const r2_ = await page.evaluate((a) => window.bench.deliveryBurst(a), { n: CFG.delivery })
    const after2 = await heapUsed(cdp)
    await cdp.detach()
    return { before, after, after2, growth: after - before, growth2: after2 - after, acked: [r1.ackedMs, r2_.ackedMs], errors: r2_.errors, dropped: r2_.dropped }
  })

  // --- optional CPU profile of track()
  let profile
  if (PROFILE) {
    let served
    profile = await withPage(
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

  // --- report
  const fig = (id, name, value, unit, target, pass, detail) => ({ id, name, value: typeof value == 'number' ? r2(value) : value, unit, target, result: pass ? 'PASS' : 'MISS', detail })
  const figures = [
    fig('1a', 'track() median', trackMedian, 'µs/call', '≤ 5 µs', trackMedian <= 5, `${CFG.rounds} rounds × ${CFG.perRound} calls after ${CFG.warmupRounds} warm-up rounds; per-call mean of each round`),
    fig('1b', 'track() p95', trackP95, 'µs/call', '≤ 20 µs', trackP95 <= 20, `min ${r2(Math.min(...rounds.meansUs))}, max ${r2(Math.max(...rounds.meansUs))} µs over rounds`),
    fig('2a', 'long tasks in 10k burst', burst.longtasks.length, 'tasks', 'none', burst.longtasks.length == 0, burst.longtasks.map((t) => `${r2(t.durationMs)} ms at +${r2(t.startMs)} ms`).join(', ') || 'none'),
    fig('2b', 'longest long task', longest, 'ms', 'none (< 50 ms)', longest < 50, `the synchronous loop of ${CFG.burst} calls alone took ${r2(burst.loopMs)} ms (${r2((burst.loopMs * 1000) / CFG.burst)} µs/call)`),
    fig('3a', 'persist 10k to IndexedDB', burst.persistMs, 'ms', '≤ 1000 ms', burst.persistMs <= 1000, `first track() → commit of the transaction holding the last put; then count() = ${burst.count}; flushAt 1e6 + flushInterval 1 h, so nothing is sent (${burst.sent} sent)`),
    fig('3b', 'persist throughput', Math.round(eventsPerSec), 'events/s', '≥ 10,000/s', eventsPerSec >= 10_000, `${burst.txs.length} write transactions (${[...new Set(burst.txs.map((t) => t.puts))].join('/')} puts), ${r2(mean(burst.txs.map((t) => t.durationMs)))} ms each on average; first began at +${r2(burst.txs[0]?.startMs ?? NaN)} ms`),
    fig('4a', 'deliver 2k burst', delivery.deliverMs, 'ms', '≤ 1000 ms', delivery.deliverMs <= 1000, `first track() → collector holds all ${delivery.received}/${CFG.delivery}; tracker saw all acks at ${r2(delivery.ackedMs)} ms`),
    fig('4b', 'requests for 2k burst', delivery.requests, 'requests', '≤ 5', delivery.requests <= 5, `batch sizes ${delivery.batchSizes.join('/')}, ${delivery.batchBytes.map((b) => Math.round(b / 1000) + ' kB').join('/')}; statuses ${[...new Set(delivery.statuses)].join(',')}`),
    fig('5', 'heap growth after 2k delivery', heap.growth / MiB, 'MiB', '≤ 1 MiB', heap.growth <= MiB, `V8 usedSize after forced GC: ${r2(heap.before / MiB)} → ${r2(heap.after / MiB)} MiB; a 2nd identical burst: ${heap.growth2 >= 0 ? '+' : ''}${Math.round(heap.growth2 / 1024)} KiB`),
  ]
  // Checks of the harness itself: a failed one means the figures can't be trusted (exit code 1).
  const checks = {
    crossOriginIsolated: info.crossOriginIsolated === true,
    longtaskObserverWorks: info.longtaskSelfTest.some((d) => d >= 50),
    noPageErrors: ![rounds, burst, delivery, heap].some((x) => x.pageErrors),
    nothingSentDuringPersist: burst.sent == 0,
  }
  // Checks of the SDK (reported, not fatal: a benchmark reports): nothing lost, nothing doubled.
  const sdkChecks = {
    burstAllStored: burst.count == CFG.burst && !burst.dropped,
    deliveryAllReceivedOnce: delivery.received == CFG.delivery && delivery.dupes == 0 && !delivery.dropped,
  }

  console.log(`\ndesire-path benchmark  ${new Date(started).toISOString()}`)
  console.log(`machine   ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}`)
  console.log(`browser   ${machine.browser} (V8 ${machine.v8}), headless; Node ${machine.node}`)
  console.log(`page      crossOriginIsolated=${machine.crossOriginIsolated}, performance.now() step ${machine.timerResolutionUs} µs; dist/desire-path.iife.js ${sdkBytes} B`)
  console.log(`method    track() cost: ${CFG.rounds} rounds of ${CFG.perRound} synchronous calls (5-field properties), each round timed`)
  console.log(`          with performance.now(), a setTimeout(0) between rounds; figures are quantiles of the per-call mean of each round.`)
  console.log(`          10k burst: one synchronous loop; long tasks from PerformanceObserver('longtask'); persistence seen by counting`)
  console.log(`          put() calls per IndexedDB transaction and crediting them at its 'complete' event.`)
  console.log(`          2k delivery: default batching, collector on 127.0.0.1; heap: CDP HeapProfiler.collectGarbage ×3 + Runtime.getHeapUsage.`)
  console.log(`          Each measurement: fresh collector (origin), page and storageKey.\n`)
  const cols = [
    ['#', (f) => f.id],
    ['figure', (f) => f.name],
    ['value', (f) => String(f.value)],
    ['unit', (f) => f.unit],
    ['target', (f) => f.target],
    ['result', (f) => f.result],
  ]
  const width = cols.map(([h, get]) => Math.max(h.length, ...figures.map((f) => get(f).length)))
  const row = (cells) => cells.map((c, i) => c.padEnd(width[i])).join('  ')
  console.log(row(cols.map(([h]) => h)))
  console.log(row(width.map((w) => '-'.repeat(w))))
  for (const f of figures) console.log(row(cols.map(([, get]) => get(f))))
  console.log('\ndetails')
  for (const f of figures) console.log(`  ${f.id.padEnd(3)} ${f.detail}`)
  const noise = { track: rounds.errors, burst: burst.errors, delivery: delivery.errors, heap: heap.errors }
  if (Object.values(noise).some((e) => Object.keys(e).length)) console.log(`  tracker errors seen: ${JSON.stringify(noise)}`)
  const failed = Object.entries(checks).filter(([, ok]) => !ok)
  console.log(`\nharness checks: ${failed.length ? 'FAILED ' + failed.map(([k]) => k).join(', ') : 'all ok'} (${Object.keys(checks).join(', ')})`)
  const sdkFailed = Object.entries(sdkChecks).filter(([, ok]) => !ok)
  console.log(`SDK checks:     ${sdkFailed.length ? 'WARNING ' + sdkFailed.map(([k]) => k).join(', ') : 'all ok'} (${Object.keys(sdkChecks).join(', ')})`)
  const misses = figures.filter((f) => f.result == 'MISS').length
  console.log(`${figures.length - misses}/${figures.length} figures within target; ${((Date.now() - started) / 1000).toFixed(1)} s`)
  if (profile) printProfile(profile, profile.calls)

  writeFileSync(
    RESULTS,
    JSON.stringify(
      {
        date: new Date(started).toISOString(),
        machine,
        sdkBytes,
        config: CFG,
        figures,
        checks,
        sdkChecks,
        raw: {
          trackMeansUs: rounds.meansUs.map(r2),
          burst,
          delivery: { ...delivery, epochMs: undefined },
          heap,
          longtaskSelfTest: info.longtaskSelfTest,
        },
        ...(profile && { profile }),
      },
      null,
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
