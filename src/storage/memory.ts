import type { StoredEvent } from '../types.js'
import { uuidFloor } from '../lib/uuid.js'
import { pick, type Caps, type OnDrop, type Queue } from './queue.js'

/** Same interface as the IndexedDB queue, for when IndexedDB is missing or broken. */
export function memoryQueue(caps: Caps, now: () => number, onDrop: OnDrop): Queue & { size(): number } {
  // Kept sorted by id: records arrive in id order, except across tabs/reloads.
  let list: StoredEvent[] = []
  let bytes = 0
  const remove = (keep: (r: StoredEvent) => boolean) => {
    const before = list.length
    list = list.filter(keep)
    bytes = list.reduce((n, r) => n + r.b, 0)
    return before - list.length
  }
  return {
    size: () => list.length,
    async put(records) {
      for (const r of records) {
        if (list.length && list[list.length - 1]!.id > r.id) {
          list.push(r)
          list.sort((a, b) => (a.id < b.id ? -1 : 1))
        } else list.push(r)
        bytes += r.b
      }
      let n = 0
      while (list.length > caps.maxEvents || bytes > caps.maxBytes) {
        bytes -= list.shift()!.b
        n++
      }
      if (n) onDrop('queue_full', n)
    },
    async take(maxCount, maxBytes, skip) {
      const floor = uuidFloor(now() - caps.maxAge)
      const n = remove((r) => r.id >= floor)
      if (n) onDrop('expired', n)
      return pick(list, maxCount, maxBytes, skip)
    },
    async del(ids) {
      const gone = new Set(ids)
      remove((r) => !gone.has(r.id))
    },
  }
}
