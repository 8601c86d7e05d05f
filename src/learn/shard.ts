import { createReadStream, createWriteStream } from 'node:fs'
import { join } from 'node:path'
import type { JourneyDefinition } from '../journey/types.js'
import { context } from './context.js'
import { emptyPartial } from './partial.js'
import { replay, type Rec } from './replay.js'
import type { LearnParams, LearnPartial } from './types.js'

// Pass 2, one worker's share: the spill records of its subjects (a hash of the stitched
// id picks the shard, then the worker, then a partition of at most ~32 MB), grouped by
// subject a partition at a time, so memory holds one partition, never the whole input.

export interface ReplayTask {
  def: JourneyDefinition
  params: LearnParams
  files: string[]
  spills: string[]
  /** linked id → stitched id */
  roots: Map<string, string>
  /** [i, N]: replay the subjects of shard i of N */
  shard: [number, number]
  /** [j, W]: this worker's share */
  worker: [number, number]
  /** bytes of all spills, to size the partitions */
  bytes: number
  dir: string
}

const PARTITION = 32 << 20

/** FNV-1a, 32 bits. */
export function hash(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
  return h >>> 0
}

/** Calls `each` for every line of `file`, and `between` (awaited) after each chunk. */
async function lines(file: string, each: (line: string) => void, between?: () => Promise<void>): Promise<void> {
  let rest = ''
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const parts = (rest + chunk).split('\n')
    rest = parts.pop()!
    for (const l of parts) if (l) each(l)
    if (between) await between()
  }
  if (rest) each(rest)
}

export async function replayShard(t: ReplayTask): Promise<LearnPartial> {
  const [si, sn] = t.shard
  const [wj, wn] = t.worker
  const P = Math.max(1, Math.ceil(t.bytes / sn / wn / PARTITION))
  const cx = context(t.def, t.params, t.files)
  const part = emptyPartial(t.def, t.params, `${si}/${sn}`)
  const groups: Map<string, string[]>[] = Array.from({ length: P }, () => new Map())
  // one partition in memory: group there; more: spread over files, then one at a time
  const outs = P > 1 ? groups.map((_, p) => createWriteStream(join(t.dir, `part-${si}-${wj}-${p}.tsv`))) : []
  const bufs: string[][] = groups.map(() => [])
  const flush = async (p: number) => {
    const s = bufs[p]!.join('')
    bufs[p] = []
    size[p] = 0
    if (!outs[p]!.write(s)) await new Promise<void>((r) => outs[p]!.once('drain', r))
  }
  const size = bufs.map(() => 0)
  const flushBig = async () => {
    for (let p = 0; p < P; p++) if (size[p]! > 1 << 20) await flush(p)
  }
  for (const spill of t.spills) {
    await lines(spill, (l) => {
      const tab = l.indexOf('\t')
      const id = l.slice(0, tab)
      const root = t.roots.get(id) ?? id
      const h = hash(root)
      if (h % sn != si) return
      const h2 = Math.floor(h / sn)
      if (h2 % wn != wj) return
      const p = Math.floor(h2 / wn) % P
      if (P == 1) {
        const g = groups[0]!
        const list = g.get(root)
        if (list) list.push(l.slice(tab + 1))
        else g.set(root, [l.slice(tab + 1)])
      } else {
        bufs[p]!.push(root + '\t' + l.slice(tab + 1) + '\n')
        size[p]! += l.length
      }
    }, P > 1 ? flushBig : undefined)
  }
  for (let p = 0; p < outs.length; p++) await flush(p)
  await Promise.all(outs.map((o) => new Promise((r) => o.end(r))))
  for (let p = 0; p < P; p++) {
    let g = groups[p]!
    if (P > 1) {
      g = new Map()
      await lines(join(t.dir, `part-${si}-${wj}-${p}.tsv`), (l) => {
        const tab = l.indexOf('\t')
        const root = l.slice(0, tab)
        const list = g.get(root)
        if (list) list.push(l.slice(tab + 1))
        else g.set(root, [l.slice(tab + 1)])
      })
    }
    // subjects in a fixed order: the counts do not depend on it, but first places do not either
    for (const root of [...g.keys()].sort()) replay(cx, g.get(root)!.map((s) => JSON.parse(s) as Rec), part)
    groups[p] = new Map()
  }
  return part
}
