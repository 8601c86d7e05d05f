// Learner benchmark (Node): `node bench/learn.mjs [--customers N] [--workers N] [--seed N] [--dist DIR]`.
// Generates synthetic exports (examples/demo/customers.mjs: 100,000 customers ≈ 2 million
// messages, 4 shards, every other one gzipped) into a fresh temp dir, then runs
//   node bin/desire-path.mjs learn <dir> --journey examples/journeys/b2b-saas.json --out … --report …
// as a child process (the built CLI: `npm run build` first), measuring its wall time and
// peak RSS (GNU time where there is one, else a wrapper that reports the child's own
// process.resourceUsage().maxRSS; worker threads are in the same process, so either
// covers them). Prints one line, compares what was learned with the planted truth, and
// writes the figures into bench/results.json under `learn` (other keys are kept).
// --dist DIR: run the cli.js built into DIR (e.g. an esbuild bundle of src/entries/cli.ts
// and learn-worker.ts) instead of bin/desire-path.mjs → dist/cli.js.
import os from 'node:os'
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { writeEvents } from '../examples/demo/customers.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const RESULTS = fileURLToPath(new URL('./results.json', import.meta.url))
const CLI = join(ROOT, 'bin/desire-path.mjs')
const JOURNEY = join(ROOT, 'examples/journeys/b2b-saas.json')
const GNU_TIME = '/usr/bin/time'

const arg = (name) => {
  const i = process.argv.indexOf(name)
  if (i < 0) return undefined
  const v = process.argv[i + 1]
  if (v == null || !/^\d+$/.test(v)) {
    console.error(`bench/learn: ${name} needs a whole number`)
    process.exit(2)
  }
  return +v
}
const CUSTOMERS = arg('--customers') ?? 100_000
const WORKERS = arg('--workers')
const SEED = arg('--seed') ?? 1
const DIST = process.argv.includes('--dist') ? process.argv[process.argv.indexOf('--dist') + 1] : undefined
if (process.argv.includes('--dist') && !DIST) {
  console.error('bench/learn: --dist needs a directory')
  process.exit(2)
}

const n = (x) => Math.round(x).toLocaleString('en-US')
const r2 = (x) => Math.round(x * 100) / 100
const MB = 1024 * 1024

/** Runs a command, its output passed through; resolves with the exit code and wall time. */
function run(cmd, args) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] })
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), signal, seconds: (performance.now() - t0) / 1000 }))
  })
}

/** GNU time, if it is there and is GNU's (`-f` and `-o`). */
async function gnuTime() {
  if (!existsSync(GNU_TIME)) return false
  const r = await new Promise((resolve) => {
    const c = spawn(GNU_TIME, ['-f', '%M', '-o', '/dev/null', 'true'], { stdio: 'ignore' })
    c.on('error', () => resolve(1))
    c.on('close', (code) => resolve(code))
  })
  return r === 0
}

/** Key steps of a learned stage as candidate keys (`t:Name`, `p:Name`), best effort. */
function learnedKeys(st) {
  const byId = new Map((st?.candidates || []).map((c) => [c.id, c]))
  return (st?.keySteps || []).map((id) => {
    const m = byId.get(id)?.match
    return m?.name ? (m.type == 'page' ? 'p:' : 't:') + m.name : id
  })
}

async function main() {
  const dir = await mkdtemp(join(os.tmpdir(), 'desire-path-learn-'))
  const data = join(dir, 'events')
  try {
    // 1. the data
    const t0 = performance.now()
    const truth = await writeEvents(data, { customers: CUSTOMERS, seed: SEED })
    const generateSeconds = (performance.now() - t0) / 1000
    const files = (await readdir(data)).sort()
    let bytes = 0
    for (const f of files) bytes += (await stat(join(data, f))).size
    console.log(
      `generate: ${n(CUSTOMERS)} customers, ${n(truth.messages)} messages (${n(truth.lines)} lines, ${files.length} files, ${r2(bytes / MB)} MB on disk) in ${generateSeconds.toFixed(1)} s`,
    )

    // 2. the learner, as a child process
    const out = join(dir, 'learned.json')
    const report = join(dir, 'report.md')
    const cliArgs = ['learn', data, '--journey', JOURNEY, '--out', out, '--report', report, '--now', truth.now, ...(WORKERS ? ['--workers', String(WORKERS)] : [])]
    const rssFile = join(dir, 'rss.txt')
    // the CLI's main in-process (for --dist, or to report its own peak RSS at exit)
    const wrapper = join(dir, 'wrapper.mjs')
    const main = DIST ? pathToFileURL(join(DIST, 'cli.js')).href : new URL('../dist/cli.js', import.meta.url).href
    const useTime = await gnuTime()
    await writeFile(
      wrapper,
      [
        `import { writeFileSync } from 'node:fs'`,
        `import { main } from ${JSON.stringify(main)}`,
        ...(useTime ? [] : [`process.on('exit', () => writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)))`]),
        `const line = (s) => (t) => s.write(t + '\\n')`,
        `process.exitCode = await main(process.argv.slice(2), line(process.stdout), line(process.stderr))`,
      ].join('\n'),
    )
    const script = DIST || !useTime ? wrapper : CLI
    const rssSource = useTime ? 'GNU time %M' : 'process.resourceUsage().maxRSS'
    const r = useTime ? await run(GNU_TIME, ['-f', '%M', '-o', rssFile, process.execPath, script, ...cliArgs]) : await run(process.execPath, [script, ...cliArgs])
    if (r.code != 0) {
      console.error(`bench/learn: the learner exited with ${r.signal || r.code} (built? npm run build)`)
      return 1
    }
    // GNU time's file ends with the figure (a "Command exited…" line may precede it)
    const kb = +(readFileSync(rssFile, 'utf8').trim().split('\n').pop() || NaN)
    const rssMB = kb / 1024
    const learnSeconds = r.seconds
    let learned
    try {
      learned = JSON.parse(readFileSync(out, 'utf8')).learned
    } catch {
      learned = undefined
    }
    const events = learned?.input?.messages ?? truth.messages
    console.log(`learn: ${n(CUSTOMERS)} customers, ${n(events)} events in ${learnSeconds.toFixed(1)} s (${n(events / learnSeconds)} events/s), peak RSS ${n(rssMB)} MB`)

    // 3. what was learned, against what was planted (information, not a pass/fail)
    const stages = {}
    if (learned?.stages)
      for (const [id, t] of Object.entries(truth.stages)) {
        const st = learned.stages[id]
        const keys = learnedKeys(st)
        const visitsOk = !!st && ['successful', 'unsuccessful', 'censored'].every((k) => st.visits?.[k] == t.visits[k])
        const decoys = keys.filter((k) => t.decoys.includes(k))
        stages[id] = { visitsMatch: visitsOk, planted: t.keySteps, learned: keys, decoysLearned: decoys }
        console.log(
          `  ${id}: visits ${visitsOk ? 'match' : `differ (learned ${JSON.stringify(st?.visits)}, planted ${JSON.stringify(t.visits)})`}; ` +
            `planted ${t.keySteps.join(' → ')}; learned ${keys.join(' → ') || '(none)'}${decoys[0] ? `; DECOYS ${decoys.join(', ')}` : ''}`,
        )
      }

    // 4. results.json: the `learn` key, everything else kept as it is
    let results = {}
    try {
      results = JSON.parse(readFileSync(RESULTS, 'utf8'))
    } catch {
      results = {}
    }
    results.learn = {
      date: new Date().toISOString(),
      machine: { cpu: os.cpus()[0]?.model?.trim() || 'unknown', cores: os.cpus().length, memoryGiB: r2(os.totalmem() / 1024 ** 3), node: process.version },
      config: { customers: CUSTOMERS, seed: SEED, files: files.length, workers: WORKERS ?? 'default (cores)', now: truth.now },
      input: { messages: truth.messages, messagesRead: events, lines: truth.lines, bytesOnDisk: bytes },
      generateSeconds: r2(generateSeconds),
      learnSeconds: r2(learnSeconds),
      eventsPerSecond: Math.round(events / learnSeconds),
      peakRssMB: Math.round(rssMB),
      rssSource,
      ...(Object.keys(stages)[0] && { stages }),
    }
    writeFileSync(RESULTS, JSON.stringify(results, (k, v) => (typeof v == 'number' && !Number.isInteger(v) ? r2(v) : v), 2) + '\n')
    console.log(`wrote ${RESULTS.replace(process.cwd() + '/', '')} (learn)`)
    return 0
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

process.exitCode = await main().catch((e) => {
  console.error(e)
  return 2
})
