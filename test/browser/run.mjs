// Real-browser integration suite: `npm run test:browser`.
// Runs each scenario of ./scenarios in turn against a local collector (127.0.0.1) in
// Debian's browsers (./drivers), prints one line per scenario, writes
// test-results/browser-<engine>.json per engine and test-results/browser.json (all of
// them), and ends with "N passed, N failed" (exit 1 if any failed). Needs a built dist/.
//   --browser chromium|firefox|all   the engines (default chromium)
//   DP_SEED=123        replay a run's fault/reload choices (printed at the start)
//   DP_ONLY=name,...   run only the scenarios whose file name matches
//   --throttle N       slow every page's CPU N× (CDP Emulation.setCPUThrottlingRate, Chromium only), as on a loaded machine
//   --repeat N         run the whole suite N times (no retries: every run counts)
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { startCollector } from '../collector-server.mjs'
import { ENGINES, engine } from './drivers/index.mjs'
import { INIT_SCRIPT } from './scenarios/helpers.mjs'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const IIFE = ROOT + 'dist/desire-path.iife.js'
const OUT_DIR = ROOT + 'test-results'

// Scenario files, in run order, with their own time limits.
const SCENARIOS = [
  { file: 'reload-storm.mjs', timeout: 180_000 },
  { file: 'five-tabs.mjs', timeout: 90_000 },
  { file: 'flood.mjs', timeout: 90_000 },
  { file: 'navigate-away.mjs', timeout: 120_000 },
  { file: 'navigate-away-offline.mjs', timeout: 120_000 },
  { file: 'idb-unavailable.mjs', timeout: 120_000 },
  { file: 'journey-reload.mjs', timeout: 60_000 },
  { file: 'journey-tabs.mjs', timeout: 60_000 },
  { file: 'learned-path.mjs', timeout: 90_000 },
  { file: 'identity-tabs.mjs', timeout: 90_000 },
  { file: 'nudge-tabs.mjs', timeout: 60_000 },
  { file: 'nudge-reload.mjs', timeout: 60_000 },
  { file: 'nudge-csp.mjs', timeout: 60_000 },
  { file: 'nudge-xss.mjs', timeout: 120_000 },
  { file: 'snippet.mjs', timeout: 90_000 },
  { file: 'devtools.mjs', timeout: 90_000 },
  { file: 'vitals.mjs', timeout: 60_000 },
  { file: 'privacy-consent.mjs', timeout: 90_000 },
  { file: 'privacy-redaction.mjs', timeout: 90_000 },
  { file: 'demo.mjs', timeout: 150_000 },
]

if (!existsSync(IIFE)) {
  console.error(`test:browser: ${IIFE} is missing; run \`npm run build\` first.`)
  process.exit(1)
}
const browserArg = process.argv.includes('--browser') ? process.argv[process.argv.indexOf('--browser') + 1] : 'chromium'
const BROWSERS = browserArg == 'all' ? Object.keys(ENGINES) : [browserArg]
if (!BROWSERS.every((b) => ENGINES[b])) {
  console.error(`test:browser: --browser ${browserArg}: one of ${Object.keys(ENGINES).join(', ')}, all`)
  process.exit(1)
}
const drivers = {}
for (const b of BROWSERS) {
  drivers[b] = await engine(b)
  if (drivers[b].error) {
    console.error(`test:browser: ${drivers[b].error}`)
    process.exit(1)
  }
}
// A stale build would test old code: say so (the suite tests dist/, not src/).
const newest = (dir) =>
  readdirSync(dir, { withFileTypes: true }).reduce((t, e) => Math.max(t, e.isDirectory() ? newest(`${dir}/${e.name}`) : statSync(`${dir}/${e.name}`).mtimeMs), 0)
try {
  if (newest(ROOT + 'src') > statSync(IIFE).mtimeMs) console.warn('test:browser: warning: src/ changed after dist/ was built; run `npm run build` to test the current code')
} catch {
  /* no src/ (installed package): nothing to compare */
}

const arg = (name, d) => {
  const i = process.argv.indexOf('--' + name)
  const v = i < 0 ? d : Number(process.argv[i + 1])
  if (!(v >= 1)) {
    console.error(`test:browser: --${name} needs a number >= 1`)
    process.exit(1)
  }
  return v
}
const THROTTLE = arg('throttle', 1)
if (THROTTLE > 1 && BROWSERS.some((b) => b != 'chromium')) {
  console.error('test:browser: --throttle uses CDP, Chromium only: run it with --browser chromium')
  process.exit(1)
}
const REPEAT = arg('repeat', 1)
const seed = process.env.DP_SEED ? Number(process.env.DP_SEED) >>> 0 : (Math.random() * 2 ** 32) >>> 0
const only = process.env.DP_ONLY?.split(',').filter(Boolean)
// Throttled pages run slower: the scenario and suite limits stretch with the rate.
const GLOBAL_TIMEOUT = 8 * 60_000 * REPEAT * THROTTLE * BROWSERS.length
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
  if (BROWSERS.length > 1)
    for (const b of BROWSERS) {
      const mine = results.filter((r) => r.browser == b)
      console.log(`${b}: ${mine.filter((r) => r.ok).length} passed, ${mine.filter((r) => !r.ok).length} failed`)
    }
  if (REPEAT > 1) {
    const by = new Map()
    for (const r of results) by.set(`${r.browser} ${r.name}`, [...(by.get(`${r.browser} ${r.name}`) || []), r.ok])
    for (const [name, oks] of by) console.log(`${oks.filter(Boolean).length}/${oks.length} ${name}`)
  }
  try {
    mkdirSync(OUT_DIR, { recursive: true })
    const report = (scenarios, more) => ({ seed, throttle: THROTTLE, repeat: REPEAT, startedAt: new Date(started).toISOString(), ...more, timedOut, passed: scenarios.filter((r) => r.ok).length, failed: scenarios.filter((r) => !r.ok).length, scenarios })
    for (const b of BROWSERS) {
      const mine = results.filter((r) => r.browser == b || !r.browser)
      writeFileSync(`${OUT_DIR}/browser-${b}.json`, JSON.stringify(report(mine, { browser: b, path: drivers[b].path, ms: mine.reduce((t, r) => t + (r.details?.ms || 0), 0) }), null, 2) + '\n')
    }
    writeFileSync(OUT_DIR + '/browser.json', JSON.stringify(report(results, { browsers: BROWSERS, ms: Date.now() - started }), null, 2) + '\n')
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
  /** The engine this run of the scenario is in: 'chromium', 'firefox'. */
  browser: BROWSERS[0],
  /** A fresh browser profile (persistent context), with the error-recording init script; closed after the scenario. */
  async launch() {
    const b = await drivers[env.browser].launch()
    closers.push(b.close)
    await b.context.addInitScript(INIT_SCRIPT)
    if (THROTTLE > 1) {
      const slow = (p) => b.context.newCDPSession(p).then((s) => s.send('Emulation.setCPUThrottlingRate', { rate: THROTTLE })).catch(() => {})
      b.context.pages().forEach(slow)
      b.context.on('page', slow)
    }
    return b
  },
  /** A collector on 127.0.0.1; closed after the scenario. */
  async collector(o = {}) {
    const c = await startCollector({ lifetimeMs: GLOBAL_TIMEOUT, ...o })
    closers.push(c.close)
    return c
  },
}

console.log(`desire-path browser suite (seed ${seed}, ${BROWSERS.map((b) => drivers[b].path).join(', ')}${THROTTLE > 1 ? `, CPU throttled ${THROTTLE}×` : ''}${REPEAT > 1 ? `, ${REPEAT} runs` : ''})`)
try {
  for (const browser of BROWSERS)
  for (let run = 1; run <= REPEAT && !finished; run++)
  for (const s of SCENARIOS) {
    env.browser = browser
    if (only && !only.some((o) => s.file.includes(o))) continue
    const t0 = Date.now()
    current = `${s.file} (${browser})`
    let r
    let timer
    try {
      const { default: run } = await import(`./scenarios/${s.file}`)
      const p = run(env)
      p.catch(() => {}) // if it times out, its late failure (browser closed under it) is moot
      r = await Promise.race([
        p,
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${(s.timeout * THROTTLE) / 1000} s`)), s.timeout * THROTTLE))),
      ])
    } catch (e) {
      r = { name: s.file.replace(/\.mjs$/, ''), ok: false, details: { error: String(e?.stack || e) } }
    } finally {
      clearTimeout(timer)
      await closeAll()
    }
    r.details = { ...r.details, ms: Date.now() - t0 }
    if (finished) break
    if (REPEAT > 1) r.run = run
    r.browser = browser
    results.push(r)
    const d = r.details
    console.log(`${r.ok ? 'PASS' : 'FAIL'}${BROWSERS.length > 1 ? ` ${browser}` : ''}${REPEAT > 1 ? ` [${run}/${REPEAT}]` : ''} ${r.name} (${(d.ms / 1000).toFixed(1)} s): ${d.summary ?? String(d.error ?? '').split('\n')[0]}`)
    for (const f of d.failures || []) console.log(`     - ${f}`)
  }
} finally {
  clearTimeout(globalTimer)
  await closeAll()
}
finish(false)
