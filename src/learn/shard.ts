import { createReadStream, createWriteStream, existsSync } from 'node:fs'
import { join } from 'node:path'
import type { JourneyDefinition } from '../journey/types.js'
import { context } from './context.js'
import { lineSplitter } from './lines.js'
import { emptyPartial } from './partial.js'
import { replay, type Rec } from './replay.js'
import type { LearnParams, LearnPartial } from './types.js'

// Pass 2 in two steps. Scatter: each worker reads its own spill and sends every record to
// its subject's place, a hash of the stitched id picking the shard, the worker, then a
// partition of at most ~8 MB (a file per worker, partition and writer). Replay: each
// worker groups its partitions' records by subject, a partition at a time, so memory
// holds one partition, never the whole input.

/** Where records go: the shard kept, the workers, the partitions per worker. */
export interface Layout {
  /** [i, N]: keep the subjects of shard i of N */
  shard: [number, number]
  workers: number
  partitions: number
  dir: string
}

export interface ScatterTask extends Layout {
  spill: string
  /** this writer's number (names its files) */
  writer: number
  /** linked id → stitched id */
  roots: Map<string, string>
}

export interface ReplayTask extends Layout {
  def: JourneyDefinition
  params: LearnParams
  files: string[]
  /** the worker whose partitions to replay */
  worker: number
  writers: number
}

/** Bytes of spill per partition, about: what one worker holds at a time. */
export const PARTITION = 8 << 20

/** FNV-1a, 32 bits. */
export function hash(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
  return h >>> 0
}

const partFile = (l: Layout, worker: number, p: number, writer: number) => join(l.dir, `part-${worker}-${p}-${writer}.tsv`)

/** Calls `each` for every line of `file` (ASCII: read.ts escapes the rest), and `between` (awaited) after each chunk. */
async function lines(file: string, each: (line: string) => void, between?: () => Promise<void>): Promise<void> {
  const split = lineSplitter((l) => l && each(l))
  for await (const chunk of createReadStream(file, { encoding: 'latin1', highWaterMark: 1 << 20 })) {
    split.push(chunk as string)
    if (between) await between()
  }
  split.end()
}

export async function scatter(t: ScatterTask): Promise<number> {
  const [si, sn] = t.shard
  const W = t.workers
  const P = t.partitions
  const n = W * P
  const outs = Array.from({ length: n }, (_, k) => createWriteStream(partFile(t, k % W, Math.floor(k / W), t.writer)))
  const bufs: string[][] = outs.map(() => [])
  const size = outs.map(() => 0)
  let kept = 0
  const flush = async (k: number) => {
    const s = bufs[k]!.join('')
    bufs[k] = []
    size[k] = 0
    if (s && !outs[k]!.write(s)) await new Promise<void>((r) => outs[k]!.once('drain', r))
  }
  await lines(
    t.spill,
    (l) => {
      const tab = l.indexOf('\t')
      const id = l.slice(0, tab)
      const root = t.roots.get(id) ?? id
      const h = hash(root)
      if (h % sn != si) return
      const h2 = Math.floor(h / sn)
      const k = (h2 % W) + W * (Math.floor(h2 / W) % P)
      bufs[k]!.push(root == id ? l + '\n' : root + l.slice(tab) + '\n')
      size[k]! += l.length
      kept++
    },
    async () => {
      for (let k = 0; k < n; k++) if (size[k]! > 1 << 18) await flush(k)
    },
  )
  for (let k = 0; k < n; k++) await flush(k)
  await Promise.all(outs.map((o) => new Promise((r) => o.end(r))))
  return kept
}

export async function replayPartitions(t: ReplayTask): Promise<LearnPartial> {
  const cx = context(t.def, t.params, t.files)
  const part = emptyPartial(t.def, t.params, `${t.shard[0]}/${t.shard[1]}`)
  for (let p = 0; p < t.partitions; p++) {
    const g = new Map<string, string[]>()
    for (let w = 0; w < t.writers; w++) {
      const f = partFile(t, t.worker, p, w)
      if (!existsSync(f)) continue
      await lines(f, (l) => {
        const tab = l.indexOf('\t')
        const root = l.slice(0, tab)
        const list = g.get(root)
        if (list) list.push(l.slice(tab + 1))
        else g.set(root, [l.slice(tab + 1)])
      })
    }
    // in any order: counts do not depend on it, and first places are kept sorted
    for (const [root, recs] of g) replay(cx, root, recs.map((s) => JSON.parse(s) as Rec), part)
  }
  return part
}
