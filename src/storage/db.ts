import { wrap, type IDBPDatabase } from 'idb'
import type { StoredEvent } from '../types.js'
import { uuidFloor } from '../lib/uuid.js'
import { pick, type Caps, type OnDrop, type Queue } from './queue.js'

const EVENTS = 'events'
const META = 'meta'
const STORES = [EVENTS, META]
/** Schema version. v1: `events` (keyPath id). v2: `meta` (queue byte total, flush lease). */
export const DB_VERSION = 2

/**
 * Opens the database through `factory` (idb's `openDB` always uses the global
 * `indexedDB`, so the open itself is done here and wrapped with idb).
 * Rejects when the open fails, is blocked by another tab's old connection, or
 * hangs (a known WebKit bug) for longer than `timeout` ms.
 */
export function openQueueDB(
  factory: IDBFactory,
  name: string,
  timeout: number,
  onClose: () => void,
): Promise<IDBPDatabase> {
  return new Promise((resolve, reject) => {
    let settled = false
    const fail = (e: unknown) => {
      settled = true
      clearTimeout(timer)
      reject(e)
    }
    const timer = setTimeout(() => fail(new Error('IndexedDB open timed out or was blocked')), timeout)
    const req = factory.open(name, DB_VERSION)
    req.onupgradeneeded = () => {
      const db = req.result
      // Upgrade steps add what is missing and never touch stored events. Checking the
      // stores (not only e.oldVersion) also repairs a database someone created empty.
      const has = (n: string) => db.objectStoreNames.contains(n)
      if (!has(EVENTS)) db.createObjectStore(EVENTS, { keyPath: 'id' }) // v1
      if (!has(META)) db.createObjectStore(META) // v2
    }
    req.onerror = () => fail(req.error)
    // onblocked: wait, the other tab may still close its connection; the timeout decides.
    req.onsuccess = () => {
      const db = req.result
      // A late success after the timeout must not leak an open connection.
      if (settled) return db.close()
      settled = true
      clearTimeout(timer)
      // Another tab wants a newer schema: step aside instead of blocking it; reopen on next use.
      db.onversionchange = () => {
        db.close()
        onClose()
      }
      // Closed by the browser (storage cleared, disk error): reopen on next use.
      db.onclose = onClose
      resolve(wrap(db))
    }
  })
}

/** The IndexedDB queue: one readwrite transaction per call, byte total kept in `meta`. */
export function idbQueue(
  factory: IDBFactory,
  name: string,
  timeout: number,
  caps: Caps,
  now: () => number,
  onDrop: OnDrop,
): Queue & { ready: Promise<unknown> } {
  let conn: Promise<IDBPDatabase> | undefined
  const open = () => openQueueDB(factory, name, timeout, () => (conn = undefined))
  const run = async <T>(fn: (db: IDBPDatabase) => Promise<T>): Promise<T> => {
    for (let i = 0; ; i++) {
      try {
        return await fn(await (conn ||= open()))
      } catch (e) {
        conn = undefined
        // The connection was lost (closed by another tab's upgrade or the browser): reopen once.
        if (i || (e as Error)?.name != 'InvalidStateError') throw e
      }
    }
  }
  const tx = (db: IDBPDatabase, stores: string[] = STORES) => {
    const t = db.transaction(stores, 'readwrite')
    return [t, t.objectStore(EVENTS), t.objectStore(META)] as const
  }
  return {
    ready: (conn = open()),
    put: (records) =>
      run(async (db) => {
        const [t, ev, meta] = tx(db)
        const writes: Promise<unknown>[] = records.map((r) => ev.put(r))
        let bytes: number = ((await meta.get('bytes')) || 0) + records.reduce((n, r) => n + r.b, 0)
        let count = await ev.count()
        let dropped = 0
        while (count > caps.maxEvents || bytes > caps.maxBytes) {
          for (const r of (await ev.getAll(null, Math.max(count - caps.maxEvents, 50))) as StoredEvent[]) {
            if (count <= caps.maxEvents && bytes <= caps.maxBytes) break
            writes.push(ev.delete(r.id))
            count--
            bytes -= r.b
            dropped++
          }
        }
        writes.push(meta.put(count ? bytes : 0, 'bytes'))
        await Promise.all([...writes, t.done])
        if (dropped) onDrop('queue_full', dropped)
      }),
    take: (maxCount, maxBytes, skip) =>
      run(async (db) => {
        const [t, ev, meta] = tx(db)
        const old = IDBKeyRange.upperBound(uuidFloor(now() - caps.maxAge), true)
        const expired = (await ev.getAll(old)) as StoredEvent[]
        if (expired.length) {
          void ev.delete(old)
          void meta.put(Math.max(0, ((await meta.get('bytes')) || 0) - expired.reduce((n, r) => n + r.b, 0)), 'bytes')
        }
        const rows = (await ev.getAll(null, maxCount + skip.size)) as StoredEvent[]
        await t.done
        if (expired.length) onDrop('expired', expired.length)
        return pick(rows, maxCount, maxBytes, skip)
      }),
    del: (ids) =>
      run(async (db) => {
        const [t, ev, meta] = tx(db)
        // Only subtract bytes of records still there (another tab may have acked them).
        const found = (await Promise.all(ids.map((id) => ev.get(id)))) as (StoredEvent | undefined)[]
        let freed = 0
        const writes: Promise<unknown>[] = []
        for (const r of found)
          if (r) {
            writes.push(ev.delete(r.id))
            freed += r.b
          }
        const count = await ev.count()
        writes.push(meta.put(count ? Math.max(0, ((await meta.get('bytes')) || 0) - freed) : 0, 'bytes'))
        await Promise.all([...writes, t.done])
      }),
    lease: (owner, ttl, release) =>
      run(async (db) => {
        const t = db.transaction(META, 'readwrite')
        const l = (await t.store.get('lease')) as { owner: string; until: number } | undefined
        const ok = !l || l.until < now() || l.owner == owner
        if (ok) await (release ? t.store.delete('lease') : t.store.put({ owner, until: now() + ttl }, 'lease'))
        await t.done
        return ok
      }),
    close() {
      void conn?.then((db) => db.close(), () => 0)
      conn = undefined
    },
  }
}
