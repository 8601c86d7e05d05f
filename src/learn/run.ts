import { existsSync } from 'node:fs'
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import type { JourneyDefinition } from '../journey/types.js'
import { identities } from './identity.js'
import { addPartial, emptyPartial } from './partial.js'
import { ReadError, keepOf, scan, type Keep, type Scan } from './read.js'
import { defaultHorizon } from './context.js'
import { PARTITION, replayPartitions, scatter, type ReplayTask, type ScatterTask } from './shard.js'
import type { LearnParams, LearnPartial } from './types.js'

// A run: pass 1 reads the input (files spread over the workers), stitches identities;
// pass 2 gives each worker the subjects whose stitched id hashes to it, to replay. With
// `shard: 'i/N'`, only that shard's subjects are replayed (one job of N on a batch engine).

export interface CountOptions {
  horizon?: string
  /** ISO 8601: the end of observation (default: the latest event) */
  now?: string
  minSupport?: number
  minShare?: number
  minLift?: number
  minPhi?: number
  learnFrom?: 'all' | 'holdout'
  /** worker threads (default: the cores; 1: in this thread) */
  workers?: number
  /** `i/N`: replay only the subjects of shard i of N */
  shard?: string
}

/** Input files: the files given, and each directory's NDJSON files (`.ndjson`, `.jsonl`, `.json`, optionally `.gz`), sorted. */
export async function inputs(sources: string[]): Promise<string[]> {
  const out: string[] = []
  for (const src of sources) {
    if (src == '-') {
      out.push(src)
      continue
    }
    const st = await stat(src).catch((e: { code?: string }) => {
      throw new ReadError(`${src}: cannot read (${e.code == 'ENOENT' ? 'no such file or directory' : e.code})`)
    })
    if (!st.isDirectory()) out.push(src)
    else
      for (const f of (await readdir(src)).sort())
        if (/\.(ndjson|jsonl|json)(\.gz)?$/.test(f)) out.push(join(src, f))
  }
  if (!out[0]) throw new ReadError(`${sources.join(', ')}: no NDJSON files`)
  return out
}

export type Task = { kind: 'scan'; files: [string, number][]; spill: string; keep: Keep } | ({ kind: 'scatter' } & ScatterTask) | ({ kind: 'replay' } & ReplayTask)
export const work = (t: Task): Promise<Scan | number | LearnPartial> => (t.kind == 'scan' ? scan(t.files, t.spill, t.keep) : t.kind == 'scatter' ? scatter(t) : replayPartitions(t))

const WORKER = new URL('./learn-worker.js', import.meta.url)
/** DESIRE_PATH_TRACE=1: each phase's time and the process's RSS on standard error */
const TRACE = !!process.env.DESIRE_PATH_TRACE
let peak = 0
const trace = (what: string, t0: number) =>
  TRACE && process.stderr.write(`learn: ${what} in ${Date.now() - t0} ms, rss ${process.memoryUsage().rss >> 20} MB (peak so far ${peak >> 20} MB)\n`)

/** Runs tasks, in worker threads when there is more than one and the built worker exists (and `here` is not set). */
async function all<T>(tasks: Task[], here = false): Promise<T[]> {
  if (here || tasks.length < 2 || !existsSync(WORKER)) {
    const out: T[] = []
    for (const t of tasks) out.push((await work(t)) as T)
    return out
  }
  return Promise.all(
    tasks.map(
      (t) =>
        new Promise<T>((ok, fail) => {
          // a young generation of 96 MB: the fold allocates much that dies young (−5% time, +15% RSS)
          const w = new Worker(WORKER, { workerData: t, resourceLimits: { maxYoungGenerationSizeMb: 96 } })
          w.once('message', (m: { ok?: T; error?: string; read?: boolean }) => (m.error ? fail(m.read ? new ReadError(m.error) : new Error(m.error)) : ok(m.ok!)))
          w.once('error', fail)
        }),
    ),
  )
}

export function params(def: JourneyDefinition, o: CountOptions, latest: number): LearnParams {
  return {
    horizon: o.horizon || defaultHorizon(def),
    now: o.now ? new Date(o.now).toISOString() : new Date(isFinite(latest) ? latest : 0).toISOString(),
    minSupport: o.minSupport ?? 30,
    minShare: o.minShare ?? 0.25,
    minLift: o.minLift ?? 1.1,
    minPhi: o.minPhi ?? 0.1,
    learnFrom: o.learnFrom || 'all',
  }
}

/** Counts what `sources` show about `def` (a validated definition): a partial, complete unless `shard` is set. */
export async function countAll(sources: string[], def: JourneyDefinition, o: CountOptions = {}): Promise<LearnPartial> {
  const files = await inputs(sources)
  const W = Math.max(1, Math.min(o.workers ?? availableParallelism(), 64))
  const tmp = await mkdtemp(join(tmpdir(), 'desire-path-learn-'))
  const sampler = TRACE ? setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20) : undefined
  try {
    // pass 1: files spread over the workers, the biggest first (a gzipped file counts as
    // its likely size unpacked, 8 times)
    const sizes = await Promise.all(files.map((f) => (f == '-' ? 0 : stat(f).then((s) => s.size * (f.endsWith('.gz') ? 8 : 1)))))
    const bins: [string, number][][] = Array.from({ length: Math.min(W, files.length) }, () => [])
    const load = bins.map(() => 0)
    for (const i of files.map((_, i) => i).sort((a, b) => sizes[b]! - sizes[a]! || a - b)) {
      const j = load.indexOf(Math.min(...load))
      bins[j]!.push([files[i]!, i])
      load[j]! += sizes[i]!
    }
    let t0 = Date.now()
    const keep = keepOf(def)
    const scans = await all<Scan>(bins.map((b, j) => ({ kind: 'scan', files: b.sort((x, y) => x[1] - y[1]), spill: join(tmp, `spill-${j}.tsv`), keep })),
      // standard input is this thread's: a worker's process.stdin is not it
      files.includes('-'),
    )
    const ids = identities()
    let latest = -Infinity
    for (const s of scans) {
      for (const l of s.links) {
        const i = l.indexOf('\u0001')
        ids.link(l.slice(0, i), l.slice(i + 1))
      }
      latest = Math.max(latest, s.latest)
    }
    const roots = ids.roots()
    trace(`read ${files.length} files, stitched ${roots.size} ids`, t0)
    t0 = Date.now()
    const p = params(def, o, latest)
    const shard = o.shard || '0/1'
    const part = emptyPartial(def, p, shard)
    for (const f of files)
      for (const s of scans)
        if (s.files[f]) {
          part.input.files[f] = s.files[f]
          part.quality[f] = s.quality[f]!
        }
    for (const s of scans) {
      part.input.lines += s.lines
      part.input.messages += s.messages
    }
    // pass 2: each worker scatters its spill to the subjects' places, then replays its own
    const [si, sn] = shard.split('/').map(Number) as [number, number]
    const bytes = scans.reduce((x, s) => x + s.spillBytes, 0)
    const layout = { shard: [si, sn] as [number, number], workers: W, partitions: Math.max(1, Math.ceil(bytes / sn / W / PARTITION)), dir: tmp }
    await all<number>(scans.map((_, j) => ({ kind: 'scatter', ...layout, spill: join(tmp, `spill-${j}.tsv`), writer: j, roots })))
    trace(`scattered ${bytes >> 20} MB of records to ${layout.partitions} partitions a worker`, t0)
    const parts = await all<LearnPartial>(Array.from({ length: W }, (_, w) => ({ kind: 'replay', ...layout, def, params: p, files, worker: w, writers: scans.length })))
    for (const r of parts) addPartial(part, r, files)
    trace(`replayed ${part.subjects} subjects`, t0)
    return part
  } finally {
    clearInterval(sampler)
    await rm(tmp, { recursive: true, force: true })
  }
}
