// Collector ingest (Node): `node bench/collector.mjs [--events N] [--clients N] [--batch N]`.
// The example collector (examples/collector/) on a fresh SQLite file, N events (default
// 100,000) sent by concurrent clients (default 5) in batches (default 100) through HTTP on
// 127.0.0.1, each batch acknowledged only once committed; prints events/s and writes
// bench/results.json's `collector` key (other keys are kept).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createCollector } from '../examples/collector/server.mjs'
import { sqliteStore } from '../examples/collector/sqlite-store.mjs'

const RESULTS = fileURLToPath(new URL('./results.json', import.meta.url))
const arg = (name, def) => (process.argv.includes(name) ? +process.argv[process.argv.indexOf(name) + 1] : def)
const EVENTS = arg('--events', 100_000)
const CLIENTS = arg('--clients', 5)
const BATCH = arg('--batch', 100)

const dir = mkdtempSync(join(os.tmpdir(), 'dp-collector-bench-'))
const store = sqliteStore(join(dir, 'events.sqlite'))
const c = await createCollector({ store, port: 0 })
try {
  const ctx = { library: { name: 'desire-path', version: '0.1.0' }, page: { path: '/app', url: 'https://app.example.com/app', title: 'App' }, locale: 'en-GB', journey: { id: 'b2b-saas', stage: 'onboarding' } }
  const batches = []
  for (let i = 0; i < EVENTS; i += BATCH)
    batches.push(JSON.stringify({ batch: Array.from({ length: Math.min(BATCH, EVENTS - i) }, (_, k) => ({ type: 'track', event: 'Step ' + ((i + k) % 9), messageId: `m-${i + k}`, anonymousId: `a-${(i + k) % 5000}`, timestamp: new Date(1.77e12 + (i + k) * 1000).toISOString(), properties: { n: i + k }, context: ctx })) }))
  const bytes = batches.reduce((n, b) => n + b.length, 0)
  let next = 0
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < batches.length) {
        const r = await fetch(c.url + '/v1/batch', { method: 'POST', headers: { 'content-type': 'application/json' }, body: batches[next++] })
        if (r.status != 200) throw new Error(`collector answered ${r.status}`)
        await r.arrayBuffer()
      }
    }),
  )
  const s = (performance.now() - t0) / 1000
  const stored = store.stats().events
  if (stored != EVENTS) throw new Error(`stored ${stored} of ${EVENTS}`)
  const figures = { date: new Date().toISOString(), machine: { cpu: os.cpus()[0]?.model, cores: os.availableParallelism(), node: process.version }, events: EVENTS, clients: CLIENTS, batch: BATCH, bytes, seconds: Math.round(s * 100) / 100, eventsPerSecond: Math.round(EVENTS / s), batchesPerSecond: Math.round(batches.length / s) }
  console.log(`collector: ${EVENTS.toLocaleString('en')} events in ${batches.length} batches of ${BATCH} from ${CLIENTS} clients stored in ${s.toFixed(2)} s: ${figures.eventsPerSecond.toLocaleString('en')} events/s (SQLite, WAL, synchronous FULL, one transaction a batch)`)
  const results = existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, 'utf8')) : {}
  writeFileSync(RESULTS, JSON.stringify({ ...results, collector: figures }, null, 2) + '\n')
} finally {
  await c.close()
  store.close()
  rmSync(dir, { recursive: true, force: true })
}
