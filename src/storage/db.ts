import { wrap, type IDBPDatabase, type IDBPObjectStore } from 'idb'
import type { StoredEvent } from '../types.js'
import { uuidFloor } from '../lib/uuid.js'
import { pick, type Caps, type OnDrop, type Queue } from './queue.js'

type Store = IDBPObjectStore<unknown, string[], 'events', 'readwrite'>
const EVENTS = 'events' as const
const META = 'meta'
/** Schema version. v1: `events` (keyPath id). v2: `meta` (queue byte total, flush lease). */
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

/** The IndexedDB queue: one readwrite transaction per call, byte total kept in `meta`. */
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
   * Runs `fn` in one readwrite transaction on both stores, with the byte total in
   * hand; `fn` returns the byte change. Reopens once if the connection was lost.
   */
  const run = async <T>(fn: (ev: Store, bytes: number, writes: Promise<unknown>[]) => Promise<[number, T?]>, retry = 1): Promise<T> => {
    try {
      const tx = (await open()).transaction([EVENTS, META], 'readwrite')
      const meta = tx.objectStore(META)
      const writes: Promise<unknown>[] = [tx.done]
      const [bytes, out] = await fn(tx.objectStore(EVENTS), (await meta.get('bytes')) || 0, writes)
      writes.push(meta.put(Math.max(0, bytes), 'bytes'))
      await Promise.all(writes)
      return out!
    } catch (e) {
      conn = undefined
      if (retry && (e as Error)?.name == 'InvalidStateError') return run(fn, 0)
      throw e
    }
  }
  return {
    _ready: open(),
    _put: (records) =>
      run(async (ev, bytes, writes) => {
        for (const r of records) {
          writes.push(ev.put(r))
          bytes += r.b
        }
        let count = await ev.count()
        let dropped = 0
        while (count > caps._events || bytes > caps._bytes)
          for (const r of (await ev.getAll(null, Math.max(count - caps._events, 50))) as StoredEvent[]) {
            if (count <= caps._events && bytes <= caps._bytes) break
            writes.push(ev.delete(r.id))
            count--
            bytes -= r.b
            dropped++
          }
        if (dropped) onDrop('queue_full', dropped)
        return [bytes]
      }),
    _take: (maxCount, maxBytes, skip) =>
      run(async (ev, bytes, writes) => {
        const old = IDBKeyRange.upperBound(uuidFloor(now() - caps._age), true)
        const expired = (await ev.getAll(old)) as StoredEvent[]
        if (expired[0]) {
          writes.push(ev.delete(old))
          onDrop('expired', expired.length)
        }
        const rows = (await ev.getAll(null, maxCount + skip.size)) as StoredEvent[]
        return [expired.reduce((n, r) => n - r.b, bytes), pick(rows, maxCount, maxBytes, skip)]
      }),
    _del: (ids) =>
      run(async (ev, bytes, writes) => {
        // only count records still there (another tab may have acked them)
        for (const r of await Promise.all(ids.map((id) => ev.get(id))))
          if (r) {
            writes.push(ev.delete(r.id))
            bytes -= r.b
          }
        // An emptied queue resets the total, so it can't drift (a rescued event stored
        // twice counts twice). count() is O(n) in Chromium: here, once per ack, not per write.
        return [(await ev.count()) ? bytes : 0]
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
