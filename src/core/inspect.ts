import type { Flusher } from '../transport/flush.js'
import type { Env } from './env.js'
import type { Inspection } from './types.js'
import type { TrackerQueue } from './writer.js'

/** `dp.inspect()`: the pipeline now, from the queue, the flusher and the reporter's figures. Never rejects. */
export async function inspect(e: Env, q: TrackerQueue, flusher: Flusher): Promise<Inspection> {
  let waiting = 0
  try {
    // counted up to 10,000: a read of the queue's head, not a scan of all of it
    waiting = (await q._take(10_001, Infinity, new Set())).length
  } catch {
    /* the queue failed: the fallback reports it */
  }
  return { storage: q._memory() ? 'memory' : 'indexeddb', waiting, inFlight: flusher._inflight.size, flushing: flusher._busy(), ...e._stats, dropped: { ...e._stats.dropped }, options: e._o }
}
