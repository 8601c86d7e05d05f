import { wrap, type IDBPDatabase, type IDBPObjectStore } from 'idb'
import type { StoredEvent } from '../types.js'
import { uuidFloor } from '../lib/uuid.js'
import { pick, type Caps, type OnDrop, type Queue } from './queue.js'

type Store = IDBPObjectStore<unknown, string[], 'events', 'readwrite'>
const EVENTS = 'events' as const
const META = 'meta'
/** Schema version. v1: `events` (keyPath id). v2: `meta` (queue byte total and, since 0.2, count; flush lease). */
export const DB_VERSION = 2

/**
 * Opens the database through `factory` (idb's `openDB` always uses the global
 * `indexedDB`, so the open is done here and the connection wrapped with idb).
 * Rejects when the open fails, or is blocked by another tab's old connection or
 * hangs (a known WebKit bug) for longer than `timeout` ms.
 */
export const openQueueDB = (factory: IDBFactory, name: string, timeout: number, onClose: () => void) =>
  new Promise<IDBPDatabase>((resolve, reject) => {
    let late = false
    const timer = setTimeout(() => {
      late = true
      reject(new Error('IndexedDB open timed out or was blocked'))
    }, timeout)
    const req = factory.open(name, DB_VERSION)
    req.onupgradeneeded = () => {
      const db = req.result
      // Upgrade steps add what is missing and never touch stored events. Checking the
      // stores (not only the old version) also repairs a database someone created empty.
      const has = (n: string) => db.objectStoreNames.contains(n)
      if (!has(EVENTS)) db.createObjectStore(EVENTS, { keyPath: 'id' }) // v1
      if (!has(META)) db.createObjectStore(META) // v2
    }
    req.onerror = () => {
      clearTimeout(timer)
      reject(req.error)
    }
    // onblocked: wait, the other tab may still close its connection; the timeout decides.
    req.onsuccess = () => {
      const db = req.result
      // after a timeout the caller moved on to memory: a late connection must not leak
      if (late) return db.close()
      // Another tab wants a newer schema or deletes the database: step aside instead of
      // blocking it. Closed by the browser (storage cleared): the same. We reopen on next use.
      db.onversionchange = db.onclose = () => {
        db.close()
        onClose()
      }
      clearTimeout(timer)
      resolve(wrap(db))
    }
  })

/** The byte and event totals of the queue, kept in `meta` so no operation counts the store (O(n) in Chromium). */
interface Totals {
  b: number
  n: number
}

/**
 * The IndexedDB queue: one readwrite transaction per call, totals kept in `meta`.
 * The totals can only over-count (a rescued event written twice); they are set exact
 * whenever `_take` reads the whole queue, so caps never drop on a drifted figure for long.
 */
export function idbQueue(
  factory: IDBFactory,
  name: string,
  timeout: number,
  caps: Caps,
  now: () => number,
  onDrop: OnDrop,
): Queue & { _ready: Promise<unknown> } {
  let conn: Promise<IDBPDatabase> | undefined
  const open = () => (conn ||= openQueueDB(factory, name, timeout, () => (conn = undefined)))
  /**
   * Runs `fn` in one readwrite transaction on both stores, with the totals in hand for
   * `fn` to change. Reopens once if the connection was lost.
   */
  const run = async <T>(fn: (ev: Store, t: Totals, writes: Promise<unknown>[]) => Promise<T>, retry = 1): Promise<T> => {
    try {
      const tx = (await open()).transaction([EVENTS, META], 'readwrite')
      const meta = tx.objectStore(META)
      const ev = tx.objectStore(EVENTS)
      const writes: Promise<unknown>[] = [tx.done]
      // v2 databases kept only the bytes: count once, then keep the count
      const t: Totals = { b: (await meta.get('bytes')) || 0, n: (await meta.get('count')) ?? (await ev.count()) }
      const out = await fn(ev, t, writes)
      const empty = t.n <= 0
      writes.push(meta.put(empty ? 0 : t.b, 'bytes'), meta.put(empty ? 0 : t.n, 'count'))
      await Promise.all(writes)
      return out
    } catch (e) {
      conn = undefined
      if (retry && (e as Error)?.name == 'InvalidStateError') return run(fn, 0)
      throw e
    }
  }
  return {
    _ready: open(),
    _put: (records) =>
      run(async (ev, t, writes) => {
        for (const r of records) writes.push(ev.put(r))
        t.n += records.length
        t.b += records.reduce((n, r) => n + r.b, 0)
        let dropped = 0
        while (t.n > caps._events || t.b > caps._bytes) {
          const rows = (await ev.getAll(null, Math.max(t.n - caps._events, 50))) as StoredEvent[]
          if (!rows[0]) break
          for (const r of rows) {
            if (t.n <= caps._events && t.b <= caps._bytes) break
            writes.push(ev.delete(r.id))
            t.n--
            t.b -= r.b
            dropped++
          }
        }
        if (dropped) onDrop('queue_full', dropped)
      }),
    _take: (maxCount, maxBytes, skip) =>
      run(async (ev, t, writes) => {
        const old = IDBKeyRange.upperBound(uuidFloor(now() - caps._age), true)
        const expired = (await ev.getAll(old)) as StoredEvent[]
        if (expired[0]) {
          writes.push(ev.delete(old))
          onDrop('expired', expired.length)
          t.n -= expired.length
          t.b -= expired.reduce((n, r) => n + r.b, 0)
        }
        const limit = maxCount + skip.size
        const rows = (await ev.getAll(null, limit)) as StoredEvent[]
        // the whole queue is in hand: its totals are known exactly
        if (rows.length < limit) {
          t.n = rows.length
          t.b = rows.reduce((n, r) => n + r.b, 0)
        }
        return pick(rows, maxCount, maxBytes, skip)
      }),
    _del: (ids) =>
      run(async (ev, t, writes) => {
        if (!ids[0]) return
        const gone = new Set(ids)
        let lo = ids[0]
        let hi = lo
        for (const id of ids) id < lo ? (lo = id) : id > hi && (hi = id)
        // one read for the batch (ids come from one _take, so they are close together);
        // only records still there count (another tab may have acknowledged them)
        for (const r of (await ev.getAll(IDBKeyRange.bound(lo, hi))) as StoredEvent[])
          if (gone.has(r.id)) {
            writes.push(ev.delete(r.id))
            t.n--
            t.b -= r.b
          }
      }),
    _lease: async (owner, ttl, release) => {
      const t = (await open()).transaction(META, 'readwrite')
      const l = (await t.store.get('lease')) as { o: string; u: number } | undefined
      const ok = !l || l.u < now() || l.o == owner
      if (ok) void (release ? t.store.delete('lease') : t.store.put({ o: owner, u: now() + ttl }, 'lease'))
      await t.done
      return ok
    },
    _close() {
      void conn?.then((db) => db.close(), () => 0)
      conn = undefined
    },
  }
}
