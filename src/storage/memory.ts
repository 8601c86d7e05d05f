import { uuidFloor } from '../lib/uuid.js'
import { bytes as sum, pick, type Caps, type OnDrop, type Queue, type StoredEvent } from './queue.js'

/** @internal */
export type MemoryQueue = Queue & { _all(): StoredEvent[]; _add(r: StoredEvent): void; _stored(records: StoredEvent[], keep: number): void }

/**
 * The events this tab captured and nobody acknowledged yet, kept sorted by id. It is what
 * the unload path sends, and the whole queue when IndexedDB is missing or broken: then
 * (`capped()` true) the queue's caps apply here. Synchronous: it runs inside track().
 */
export function memoryQueue(caps: Caps, now: () => number, onDrop: OnDrop, capped: () => boolean): MemoryQueue {
  let list: StoredEvent[] = []
  // records before `head` are dropped (a cap drops one per add: no O(n) shift each time)
  let head = 0
  let bytes = 0
  /** Records whose IndexedDB write committed: memory may let go of them. */
  const durable = new WeakSet<StoredEvent>()
  const all = () => {
    if (head) list = list.slice(head)
    head = 0
    return list
  }
  const retain = (f: (r: StoredEvent) => boolean) => {
    const n = all().length
    list = list.filter(f)
    bytes = sum(list)
    return n - list.length
  }
  /** One record, as track() adds them: no array allocated per call. */
  const add = (r: StoredEvent) => {
    // ids are time-ordered: appending is the rule, sorting the exception
    if (list.length > head && list[list.length - 1]!.id > r.id) list = [...all(), r].sort((a, b) => (a.id < b.id ? -1 : 1))
    else list.push(r)
    bytes += r.b
    if (!capped()) return
    let n = 0
    for (; list.length - head > caps._events || bytes > caps._bytes; n++) bytes -= list[head++]!.b
    if (head > 1024 && head * 2 > list.length) all()
    if (n) onDrop('queue_full', n)
  }
  return {
    _all: all,
    _put(records) {
      records.forEach(add)
    },
    _add: add,
    /**
     * These records are in IndexedDB now. The oldest stored ones are let go past `keep`
     * bytes: a burst must not sit in the heap twice, and the unload path only needs the
     * newest 64 KB. Unstored records are always kept.
     */
    _stored(records, keep) {
      records.forEach((r) => durable.add(r))
      let over = bytes - keep
      if (over > 0)
        retain((r) => {
          if (over <= 0 || !durable.has(r)) return true
          over -= r.b
          return false
        })
    },
    _take(maxCount, maxBytes, skip) {
      const floor = uuidFloor(now() - caps._age)
      const n = retain((r) => r.id >= floor)
      if (n) onDrop('expired', n)
      return pick(list, maxCount, maxBytes, skip)
    },
    _del(ids) {
      const gone = new Set(ids)
      retain((r) => !gone.has(r.id))
    },
  }
}
