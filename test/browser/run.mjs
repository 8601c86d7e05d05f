// Headless-Chromium integration suite of the event pipeline: `npm run test:browser`.
// Runs each scenario of ./scenarios in turn against a local collector (127.0.0.1) and
// Debian's Chromium, prints one line per scenario, writes test-results/browser.json and
// ends with "N passed, N failed" (exit 1 if any failed). Needs a built dist/ (npm run build).
//   DP_SEED=123        replay a run's fault/reload choices (printed at the start)
//   DP_ONLY=name,...   run only the scenarios whose file name matches
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { startCollector } from '../collector-server.mjs'
import { CHROMIUM, launch } from './chromium.mjs'
import { INIT_SCRIPT } from './scenarios/helpers.mjs'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const IIFE = ROOT + 'dist/desire-path.iife.js'
const OUT_DIR = ROOT + 'test-results'
const GLOBAL_TIMEOUT = 8 * 60_000

// Scenario files, in run order, with their own time limits.
const SCENARIOS = [
  { file: 'reload-storm.mjs', timeout: 180_000 },
  { file: 'five-tabs.mjs', timeout: 90_000 },
  { file: 'navigate-away.mjs', timeout: 120_000 },
  { file: 'navigate-away-offline.mjs', timeout: 120_000 },
  { file: 'idb-unavailable.mjs', timeout: 120_000 },
  { file: 'journey-reload.mjs', timeout: 60_000 },
  { file: 'journey-tabs.mjs', timeout: 60_000 },
  { file: 'identity-tabs.mjs', timeout: 90_000 },
  { file: 'nudge-tabs.mjs', timeout: 60_000 },
  { file: 'nudge-reload.mjs', timeout: 60_000 },
  { file: 'nudge-csp.mjs', timeout: 60_000 },
  { file: 'nudge-xss.mjs', timeout: 120_000 },
]

if (!existsSync(IIFE)) {
  console.error(`test:browser: ${IIFE} is missing; run \`npm run build\` first.`)
  process.exit(1)
}
if (!existsSync(CHROMIUM)) {
  console.error(`test:browser: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH).`)
  process.exit(1)
}
// A stale build would test old code: say so (the suite tests dist/, not src/).
const newest = (dir) =>
  readdirSync(dir, { withFileTypes: true }).reduce((t, e) => Math.max(t, e.isDirectory() ? newest(`${dir}/${e.name}`) : statSync(`${dir}/${e.name}`).mtimeMs), 0)
try {
  if (newest(ROOT + 'src') > statSync(IIFE).mtimeMs) console.warn('test:browser: warning: src/ changed after dist/ was built; run `npm run build` to test the current code')
} catch {
  /* no src/ (installed package): nothing to compare */
}

const seed = process.env.DP_SEED ? Number(process.env.DP_SEED) >>> 0 : (Math.random() * 2 ** 32) >>> 0
const only = process.env.DP_ONLY?.split(',').filter(Boolean)
const started = Date.now()
const results = []

// Everything a scenario opens is closed here, whatever happens to the scenario.
let closers = []
const closeAll = async () => {
  const list = closers.reverse()
  closers = []
  for (const close of list) await Promise.race([close().catch(() => {}), new Promise((r) => setTimeout(r, 10_000))])
}

// Writes test-results/browser.json and prints the last line, once, then exits.
let finished = false
let current = 'setup'
const finish = (timedOut) => {
  if (finished) return
  finished = true
  const passed = results.filter((r) => r.ok).length
  const failed = results.length - passed
  try {
    mkdirSync(OUT_DIR, { recursive: true })
    const report = { seed, startedAt: new Date(started).toISOString(), ms: Date.now() - started, timedOut, passed, failed, scenarios: results }
    writeFileSync(OUT_DIR + '/browser.json', JSON.stringify(report, null, 2) + '\n')
  } catch (e) {
    console.error(`test:browser: could not write ${OUT_DIR}/browser.json: ${e}`)
  }
  console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s, details in test-results/browser.json)`)
  console.log(`${passed} passed, ${failed} failed`)
  process.exit(failed || !results.length || timedOut ? 1 : 0)
}

const globalTimer = setTimeout(async () => {
  console.log(`test:browser: global timeout (${GLOBAL_TIMEOUT / 1000} s) reached, stopping`)
  results.push({ name: 'global timeout', ok: false, details: { error: `suite exceeded ${GLOBAL_TIMEOUT / 1000} s, in ${current}` } })
  await Promise.race([closeAll(), new Promise((r) => setTimeout(r, 15_000))])
  finish(true)
}, GLOBAL_TIMEOUT)

const env = {
  seed,
  /** A fresh Chromium persistent context, with the error-recording init script; closed after the scenario. */
  async launch() {
    const b = await launch()
    closers.push(b.close)
    await b.context.addInitScript(INIT_SCRIPT)
    return b
  },
  /** A collector on 127.0.0.1; closed after the scenario. */
  async collector(o = {}) {
    const c = await startCollector({ lifetimeMs: GLOBAL_TIMEOUT, ...o })
    closers.push(c.close)
    return c
  },
}

console.log(`desire-path browser suite (seed ${seed}, ${CHROMIUM})`)
try {
  for (const s of SCENARIOS) {
    if (only && !only.some((o) => s.file.includes(o))) continue
    const t0 = Date.now()
    current = s.file
    let r
    let timer
    try {
      const { default: run } = await import(`./scenarios/${s.file}`)
      const p = run(env)
      p.catch(() => {}) // if it times out, its late failure (browser closed under it) is moot
      r = await Promise.race([
        p,
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${s.timeout / 1000} s`)), s.timeout))),
      ])
    } catch (e) {
      r = { name: s.file.replace(/\.mjs$/, ''), ok: false, details: { error: String(e?.stack || e) } }
    } finally {
      clearTimeout(timer)
      await closeAll()
    }
    r.details = { ...r.details, ms: Date.now() - t0 }
    if (finished) break
    results.push(r)
    const d = r.details
    console.log(`${r.ok ? 'PASS' : 'FAIL'} ${r.name} (${(d.ms / 1000).toFixed(1)} s): ${d.summary ?? String(d.error ?? '').split('\n')[0]}`)
    for (const f of d.failures || []) console.log(`     - ${f}`)
  }
} finally {
  clearTimeout(globalTimer)
  await closeAll()
}
finish(false)
