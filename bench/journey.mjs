// Journey engine benchmark (Node): fold rate over 100,000 events and cost per event, with
// the 8-stage / 40-rule definition in examples/journeys/saas-onboarding.json.
// Run: node bench/journey.mjs  (after `npm run build`; uses dist/journey.js and Debian chromium)
import { readFileSync } from 'node:fs'
import { createEngine, createPolicy, foldAll } from '../dist/journey.js'
import { validateDefinition } from '../dist/validate.js'

const def = validateDefinition(JSON.parse(readFileSync(new URL('../examples/journeys/saas-onboarding.json', import.meta.url), 'utf8')))
const engine = createEngine(def)
const NAMES = ['Session Started', 'Signed Up', 'Workspace Created', 'Profile Completed', 'Data Imported', 'Project Created', 'Task Completed', 'Teammate Invited', 'Integration Added', 'Report Shared', 'Automation Created', 'Automation Run', 'Seats Added', 'Plan Selected', 'Payment Succeeded', 'Referral Sent', 'Page Viewed', 'Search', 'Export']

// a deterministic pseudo-random stream, one customer, events a few minutes apart
let seed = 42
const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff)
const makeEvents = (n, customer = 'c1') => {
  let t = Date.UTC(2026, 0, 1)
  return Array.from({ length: n }, (_, i) => {
    t += Math.floor(rnd() * 300_000)
    const name = NAMES[Math.floor(rnd() * NAMES.length)]
    return { type: 'track', event: name, properties: { plan: rnd() < 0.5 ? 'pro' : 'free', seats: Math.floor(rnd() * 10), rating: Math.floor(rnd() * 6) }, messageId: customer + '-' + String(i).padStart(7, '0'), anonymousId: customer, t }
  })
}

const events = makeEvents(100_000)
// warm-up
for (let i = 0; i < 3; i++) foldAll(engine, events.slice(0, 20_000))

// 1. fold 100,000 events (one customer's long history; sorted input, foldAll sorts anyway)
const runs = []
for (let i = 0; i < 5; i++) {
  const t0 = performance.now()
  foldAll(engine, events)
  runs.push(performance.now() - t0)
}
runs.sort((a, b) => a - b)
const med = runs[2]

// 2. cost per event: fold one at a time, rounds of 1,000, per-event mean of each round
let state = engine.init()
const per = []
for (let r = 0; r < 100; r++) {
  const t0 = performance.now()
  for (let i = r * 1000; i < (r + 1) * 1000; i++) state = engine.fold(state, events[i]).state
  per.push(((performance.now() - t0) * 1000) / 1000)
}
per.sort((a, b) => a - b)

const fmt = (v) => (Math.round(v * 100) / 100).toLocaleString('en-US')
console.log(`journey engine (Node ${process.version}; ${def.stages.length} stages, 40 rules)`)
console.log(`  fold 100,000 events: ${fmt(med)} ms median of 5 → ${fmt(100_000 / (med / 1000))} events/s   (target ≥ 200,000/s)`)
console.log(`  per event (fold, one at a time): median ${fmt(per[50])} µs, p95 ${fmt(per[95])} µs   (target ≤ 10 µs median in Chromium; this is Node)`)
console.log(`  final stage: ${engine.snapshot(state, events.at(-1).t).stage}, transitions: ${state.history.length}`)

// 4. the nudge policy: 24 nudges (signal and rule triggers, audiences, caps, arms) decided
//    after every event, as the tracker does; cost of one fold + one evaluation
const slots = ['modal', 'popover', 'banner', 'tooltip', 'inline']
const withNudges = validateDefinition({
  ...def,
  nudges: Array.from({ length: 24 }, (_, i) => ({
    id: 'n' + i,
    stage: def.stages[i % def.stages.length].id,
    trigger: i % 3 ? { signal: ['stalled', 'idle', 'offPath', 'stepOverdue', 'skippedKeyStep'][i % 5] } : { rule: { event: { name: NAMES[i % NAMES.length], count: 2 } } },
    ...(i % 4 == 0 && { audience: { event: { name: 'Plan Selected', where: [{ prop: 'plan', op: 'eq', value: 'pro' }] } } }),
    slot: slots[i % 5],
    priority: i % 7,
    tags: ['t' + (i % 3)],
    frequency: { maxShows: 3, minInterval: 'PT1H' },
    dismiss: { snooze: 'P1D' },
    experiment: { control: 20 },
  })),
  policy: { caps: [{ scope: 'all', max: 3, per: 'P1D' }, { scope: 'tag:t1', max: 1, per: 'session' }], minGap: 'PT10M', holdout: 5 },
})
const nEngine = createEngine(withNudges)
const policy = createPolicy(withNudges, nEngine)
let ns = nEngine.init()
let memory
let offers = 0
const perEval = []
for (let r = 0; r < 50; r++) {
  const t0 = performance.now()
  for (let i = r * 1000; i < (r + 1) * 1000; i++) {
    ns = nEngine.fold(ns, events[i]).state
    const d = policy.evaluate(memory, ns, nEngine.snapshot(ns, events[i].t), events[i].t, 'tab', '/', '')
    memory = d.memory
    for (const o of d.offers) {
      offers++
      memory = policy.ack(memory, ns, 'shown', o.nudge.id, events[i].t, 'tab').m
      memory = policy.ack(memory, ns, 'dismissed', o.nudge.id, events[i].t, 'tab').m
    }
  }
  perEval.push(performance.now() - t0)
}
perEval.sort((a, b) => a - b)
console.log(`  fold + nudge decision per event (24 nudges, caps, arms): median ${fmt(perEval[25])} µs, p95 ${fmt(perEval[47])} µs; ${offers} offers over 50,000 events`)

// 3. the same per-event cost in Chromium (the target), on a cross-origin-isolated
//    page for a 5 µs timer.
const { startCollector } = await import('../test/collector-server.mjs')
const { launch } = await import('../test/browser/drivers/chromium.mjs')
const collector = await startCollector({ headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }, lifetimeMs: 120_000 })
const browser = await launch()
try {
  const page = await browser.context.newPage()
  await page.goto(collector.origin + '/bench/pages/index.html')
  const r = await page.evaluate(
    async ({ def, events }) => {
      // dist/journey.js imports idb (external in the ESM build): map it, as a bundler would
      const map = document.createElement('script')
      map.type = 'importmap'
      map.textContent = JSON.stringify({ imports: { idb: '/node_modules/idb/build/index.js' } })
      document.head.append(map)
      const m = await import('/dist/journey.js')
      const engine = m.createEngine(def)
      let state = engine.init()
      for (const e of events.slice(0, 5000)) state = engine.fold(state, e).state // warm-up
      state = engine.init()
      const per = []
      for (let r = 0; r < 50; r++) {
        const t0 = performance.now()
        for (let i = r * 1000; i < (r + 1) * 1000; i++) state = engine.fold(state, events[i]).state
        per.push(performance.now() - t0) // ms per 1,000 events = µs per event
      }
      per.sort((a, b) => a - b)
      return { median: per[25], p95: per[47], isolated: crossOriginIsolated, ua: navigator.userAgent.match(/Chrome\/[\d.]+/)?.[0] }
    },
    { def, events: events.slice(0, 50_000) },
  )
  console.log(`  per event in ${r.ua} (isolated ${r.isolated}): median ${fmt(r.median)} µs, p95 ${fmt(r.p95)} µs   (target ≤ 10 µs median)`)
} finally {
  await browser.close()
  await collector.close()
}
