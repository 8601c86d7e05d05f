import { DesirePathError } from '../core/errors.js'
import type { Queue } from './queue.js'

/**
 * Puts the IndexedDB queue in front of a memory queue. When IndexedDB is missing,
 * throws, hangs, is blocked or over quota, writes go to memory from then on (nothing
 * pending is lost); records already in IndexedDB are still read and acked while it reads.
 */
export function fallbackQueue(
  idb: (Queue & { ready: Promise<unknown> }) | undefined,
  mem: Queue,
  report: (e: DesirePathError) => void,
): Queue {
  let writable = !!idb
  let readable: Queue | undefined = idb
  const fall = (e: unknown, read?: boolean) => {
    if (writable || (read && readable))
      report(new DesirePathError('storage_fallback', 'IndexedDB unusable, queue kept in memory: ' + e, e))
    writable = false
    if (read) readable = undefined
  }
  idb?.ready.catch((e) => fall(e, true))
  return {
    async put(records) {
      if (writable)
        try {
          return await idb!.put(records)
        } catch (e) {
          fall(e)
        }
      return mem.put(records)
    },
    async take(maxCount, maxBytes, skip) {
      const m = await mem.take(maxCount, maxBytes, skip)
      // Memory first (only non-empty after a fallback), then IndexedDB when memory is drained.
      if (m.length || !readable) return m
      try {
        return await readable.take(maxCount, maxBytes, skip)
      } catch (e) {
        fall(e, true)
        return []
      }
    },
    async del(ids) {
      await mem.del(ids)
      if (readable)
        try {
          await readable.del(ids)
        } catch (e) {
          // Not deleted means resent later (collectors dedupe by messageId): never lost.
          fall(e, true)
        }
    },
    async lease(owner, ttl, release) {
      try {
        return readable?.lease ? await readable.lease(owner, ttl, release) : true
      } catch {
        return true
      }
    },
    close: () => idb?.close?.(),
  }
}
