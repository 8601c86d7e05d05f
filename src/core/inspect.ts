import type { MemoryQueue } from '../storage/memory.js'
import type { Env } from './env.js'
import type { Pipeline } from './pipeline.js'
import type { Inspection } from './types.js'

/**
 * `dp.inspect()`: the pipeline now, from the queue, the flusher and the reporter's
 * figures; without a pipeline (consent not granted), what waits in memory. Never rejects.
 */
export async function inspect(e: Env, p: Pipeline | undefined, held: MemoryQueue): Promise<Inspection> {
  let waiting = 0
  try {
    // counted up to 10,000: a read of the queue's head, not a scan of all of it
    waiting = (await (p?._q || held)._take(10_001, Infinity, new Set())).length
  } catch {
    /* the queue failed: the fallback reports it */
  }
  return {
    storage: p?._q._memory() === false ? 'indexeddb' : 'memory',
    waiting,
    inFlight: p?._flusher._inflight.size || 0,
    flushing: !!p?._flusher._busy(),
    ...e._stats,
    dropped: { ...e._stats.dropped },
    consent: e._consent,
    options: e._o,
  }
}
