#!/usr/bin/env node
// `npm run demo`: the whole loop on this machine. Builds what is needed, starts the
// collector (SQLite) and a web server for the marketing site and the product app, and
// prints the URLs. Ctrl+C stops everything and keeps the store.
//   npm run demo -- [--port 8080] [--collector-port 8787] [--dir .demo] [--simulate N] [--exit]
//   --simulate N   N simulated customers into the collector over HTTP, then `desire-path
//                  learn` and `uplift` on them: the sites then load the learned definition
//   --exit         stop once started (and simulated): a smoke test of the loop
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createCollector } from '../collector/server.mjs'
import { sqliteStore } from '../collector/sqlite-store.mjs'
import { createStatic } from './static.mjs'
import { learnFrom, sendCustomers } from './simulate.mjs'
import { printLearned } from './print.mjs'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const argv = process.argv.slice(2)
const KNOWN = new Set(['--port', '--collector-port', '--dir', '--simulate', '--exit', '--help'])
for (const a of argv) if (a.startsWith('--') && !KNOWN.has(a)) fail(`unknown option ${a} (${[...KNOWN].join(', ')})`)
const has = (name) => argv.includes(name)
const arg = (name, def) => {
  const i = argv.indexOf(name)
  return i < 0 ? def : argv[i + 1]
}
const int = (name, def) => {
  const v = arg(name, def)
  if (!/^\d+$/.test(String(v))) fail(`${name}: a whole number, not "${v}"`)
  return Number(v)
}
function fail(message) {
  console.error(`demo: ${message}`)
  process.exit(2)
}
if (has('--help')) {
  console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 9).join('\n').replace(/^\/\/ ?/gm, ''))
  process.exit(0)
}
const port = int('--port', 8080)
const collectorPort = int('--collector-port', 8787)
const simulate = has('--simulate') ? int('--simulate') : 0
const dir = resolve(arg('--dir', join(ROOT, '.demo')))

// --- build what is missing or older than its sources ---------------------------------
const newest = (p) => (statSync(p).isDirectory() ? readdirSync(p).reduce((t, f) => Math.max(t, newest(join(p, f))), 0) : statSync(p).mtimeMs)
const stale = (out, ...sources) => !existsSync(out) || sources.some((s) => newest(join(ROOT, s)) > statSync(out).mtimeMs)
const step = (what, cmd, args) => {
  const t = Date.now()
  try {
    execFileSync(cmd, args, { cwd: ROOT, stdio: 'pipe' })
  } catch (e) {
    process.stderr.write(`${e.stdout || ''}${e.stderr || ''}`)
    fail(`${what}: failed`)
  }
  console.log(`demo: ${what} (${((Date.now() - t) / 1000).toFixed(1)} s)`)
}
if (stale(join(ROOT, 'dist/desire-path.iife.js'), 'src', 'package.json', 'rollup.config.mjs')) step('built the SDK (npm run build)', 'npm', ['run', 'build'])
if (stale(join(ROOT, 'examples/product-app/dist/main.js'), 'examples/product-app/src', 'dist/react.js', 'dist/journey.js'))
  step('built the product app (rollup)', process.execPath, [join(ROOT, 'node_modules/rollup/dist/bin/rollup'), '-c', 'examples/product-app/rollup.config.mjs', '--silent'])

// --- the journey: the hand-written definition with the demo's nudges ------------------
mkdirSync(dir, { recursive: true })
const definition = JSON.parse(readFileSync(join(ROOT, 'examples/journeys/b2b-saas.json'), 'utf8'))
definition.nudges.push(...JSON.parse(readFileSync(join(ROOT, 'examples/demo/nudges.json'), 'utf8')).nudges)
const journeyFile = join(dir, 'journey.json')
writeFileSync(journeyFile, JSON.stringify(definition, null, 2) + '\n')
const learnedFile = join(dir, 'learned.json')
// the sites load the learned definition once --simulate has written one
const current = () => (existsSync(learnedFile) ? learnedFile : journeyFile)

// --- the collector and the web server ------------------------------------------------
const storeFile = join(dir, 'events.sqlite')
const store = sqliteStore(storeFile)
const listening = (what, p) => (e) => fail(e.code == 'EADDRINUSE' ? `${what} port ${p} is taken: --${what == 'web' ? '' : 'collector-'}port N (0: any free port)` : e.message)
const collector = await createCollector({ store, port: collectorPort }).catch(listening('collector', collectorPort))
const web = await createStatic({ root: ROOT, journey: current, collector: collector.url, port }).catch(listening('web', port))
// paths as typed: relative to here when inside it, else absolute
const shown = (f) => (relative(process.cwd(), f).startsWith('..') ? f : relative(process.cwd(), f) || f)
console.log(`demo: start at   ${web.url}/ (links to both sites, the stats and the journey)`)
console.log(`demo: collector  ${collector.url}/v1/batch → SQLite ${shown(storeFile)} (stats: ${collector.url}/stats)`)
console.log(`demo: marketing  ${web.url}/examples/marketing-site/index.html`)
console.log(`demo: product    ${web.url}/examples/product-app/`)
console.log(`demo: journey    ${web.url}/journey.json ← ${shown(current())}`)

let stopping = false
async function stop(code = 0) {
  if (stopping) return
  stopping = true
  await Promise.all([web.close(), collector.close()])
  store.close()
  console.log(`demo: stopped; the store stays in ${shown(storeFile)}`)
  process.exit(code)
}
process.on('SIGINT', () => void stop())
process.on('SIGTERM', () => void stop())

if (simulate) {
  try {
    const t = Date.now()
    const s = await sendCustomers(collector.url + '/v1/batch', { customers: simulate })
    console.log(`demo: simulated ${simulate} customers: ${s.sent} messages in ${s.requests} requests, ${s.stored} stored, ${s.duplicates} resends dropped at the door (${((Date.now() - t) / 1000).toFixed(1)} s)`)
    const r = learnFrom(ROOT, dir, store, journeyFile)
    process.stdout.write(r.learnOut)
    printLearned(JSON.parse(readFileSync(r.learned, 'utf8')))
    process.stdout.write(r.upliftOut)
    console.log(`demo: the sites now load ${shown(r.learned)}; the full report: ${shown(join(dir, 'report.md'))}`)
  } catch (e) {
    console.error(`demo: the simulation failed: ${e.message}`)
    await stop(1)
  }
}
if (has('--exit')) await stop()
else console.log('demo: open the URLs above; Ctrl+C stops')
