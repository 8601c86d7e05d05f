// `npm run demo -- --simulate N`: N customers of the B2B SaaS journey (customers.mjs, with a
// planted path and nudge effect), sent to the collector over HTTP as the SDK sends them
// (Segment batches, resends included: the collector drops them at the door), then the
// export, `desire-path learn` and `desire-path uplift` on it.
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { generateLines } from './customers.mjs'

/** What the SDK would never send (the generator's damaged lines, messages without ids or time): left out. */
const sendable = (m) => m && typeof m == 'object' && typeof m.messageId == 'string' && (m.anonymousId || m.userId) && typeof m.timestamp == 'string'

/**
 * Sends `customers` simulated customers (their history ends now) to `endpoint`, in batches of
 * at most `per` messages, `parallel` requests at a time. Returns the counts.
 */
export async function sendCustomers(endpoint, { customers, seed = 1, per = 100, parallel = 4 }) {
  const { lines } = generateLines({ customers, seed, now: new Date().toISOString() })
  const batches = []
  let batch = []
  for (const line of lines) {
    let doc
    try {
      doc = JSON.parse(line)
    } catch {
      continue
    }
    for (const m of doc.batch || [doc]) if (sendable(m)) batch.push(m)
    if (batch.length >= per) batches.push(batch.splice(0))
  }
  if (batch.length) batches.push(batch)
  let sent = 0
  let stored = 0
  let duplicates = 0
  const post = async (b) => {
    const r = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ batch: b, sentAt: new Date().toISOString() }) })
    if (!r.ok) throw new Error(`collector answered ${r.status}: ${await r.text()}`)
    const a = await r.json()
    sent += b.length
    stored += a.stored
    duplicates += a.duplicates
  }
  let next = 0
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (next < batches.length) await post(batches[next++])
  }))
  return { requests: batches.length, sent, stored, duplicates }
}

/** `desire-path …` through the package's own bin, as a user runs it; its output goes to ours. */
const cli = (root, args) => execFileSync(process.execPath, [join(root, 'bin/desire-path.mjs'), ...args], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' })

/**
 * Exports the store to `dir/events.ndjson` and runs learn and uplift on it with `journey`
 * (a file): writes `dir/learned.json` and `dir/report.md`; returns the CLI's output.
 */
export function learnFrom(root, dir, store, journey) {
  const events = join(dir, 'events.ndjson')
  let n = 0
  const lines = []
  for (const line of store.messages()) {
    lines.push(line)
    n++
  }
  writeFileSync(events, lines.length ? lines.join('\n') + '\n' : '')
  const learned = join(dir, 'learned.json')
  const out = cli(root, ['learn', events, '--journey', journey, '--out', learned, '--report', join(dir, 'report.md')])
  const uplift = cli(root, ['uplift', events, '--journey', learned])
  return { events, exported: n, learned, learnOut: out, upliftOut: uplift }
}
