import { unwrap, wrap, type IDBPDatabase, type IDBPObjectStore } from 'idb'
import { uuidFloor, uuidTime } from '../lib/uuid.js'
import { bytes, pick, type Caps, type OnDrop, type Queue, type StoredEvent } from './queue.js'

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
 * A row of the `events` store: a page of events written together. `id` is at most every
 * record's id, so pages sort by capture time and the page holding an event is the last one
 * keyed at or below its id. Rows written before pages (v0.1) are single events: `{ id, s, b }`.
 */
type Page = { id: string; r: StoredEvent[] } | StoredEvent
const records = (p: Page) => ('r' in p ? p.r : [p])
/** Events go to IndexedDB in pages of at most this many bytes: one put() each, not one per event. */
const PAGE_BYTES = 64_000

/** Pages keyed from minutes before `lo` up to `hi`: where this tab wrote the records `lo`..`hi` lately. */
const recent = (ev: Store, lo: string, hi: string) => ev.getAll(IDBKeyRange.bound(uuidFloor(/*#__NOINLINE__*/ uuidTime(lo) - 6e5), hi)) as Promise<Page[]>

/** Keeps the records of `page` that `keep` accepts: rewrites or deletes it; returns how many went. */
function trim(ev: Store, t: Totals, writes: Promise<unknown>[], page: Page, keep: (r: StoredEvent) => boolean) {
  const all = records(page)
  const kept = all.filter(keep)
  const gone = all.length - kept.length
  if (!gone) return 0
  // the page keeps its key: still at most every id it holds
  writes.push(kept[0] ? ev.put({ id: page.id, r: kept }) : ev.delete(page.id))
  t.n -= gone
  t.b -= bytes(all) - bytes(kept)
  return gone
}

/** The oldest pages, read a few and then more at a time until `enough`; and whether that was all of them. */
async function oldest(ev: Store, enough: (pages: Page[]) => boolean) {
  const pages: Page[] = []
  for (let n = 8; ; n *= 4) {
    const last = pages[pages.length - 1]
    const more = (await ev.getAll(last ? IDBKeyRange.lowerBound(last.id, true) : null, n)) as Page[]
    pages.push(...more)
    if (more.length < n) return [pages, true] as const
    if (enough(pages)) return [pages, false] as const
  }
}

/** Stores `list` (`again`: a rescue copy, whose records may be stored already), then drops the oldest past the caps; returns how many. */
async function put(ev: Store, t: Totals, writes: Promise<unknown>[], list: StoredEvent[], again: boolean | undefined, caps: Caps) {
  if (again && list[0]) {
    // a rescue copy: its pages, if they were written, are keyed within minutes before it
    const ids = list.map((r) => r.id).sort()
    const have = new Set<string>()
    for (const p of await recent(ev, ids[0]!, ids[ids.length - 1]!)) for (const r of records(p)) have.add(r.id)
    list = list.filter((r) => !have.has(r.id))
  }
  // the native store: no promise and listeners per page (a failed put aborts the
  // transaction, and tx.done rejects)
  const raw = unwrap(ev)
  for (let i = 0; i < list.length; ) {
    const r = [list[i++]!]
    for (let b = r[0]!.b; i < list.length && (b += list[i]!.b) <= PAGE_BYTES; ) r.push(list[i++]!)
    raw.put({ id: r.reduce((lo, x) => (x.id < lo ? x.id : lo), r[0]!.id), r })
    t.n += r.length
    t.b += bytes(r)
  }
  const over = () => t.n > caps._events || t.b > caps._bytes
  let dropped = 0
  while (over()) {
    const [pages] = await oldest(ev, () => true)
    if (!pages[0]) break
    // oldest first, within a page too; `trim` counts them off the totals
    for (const p of pages) {
      let n = t.n
      let b = t.b
      dropped += trim(ev, t, writes, p, (r) => {
        if (n <= caps._events && b <= caps._bytes) return true
        n--
        b -= r.b
        return false
      })
      if (!over()) break
    }
  }
  return dropped
}

/**
 * Drops what is older than `floor` (returns how many with the records), then reads the
 * oldest records not in `skip` within the limits, and which page holds each record read.
 */
async function take(ev: Store, t: Totals, writes: Promise<unknown>[], floor: string, maxCount: number, maxBytes: number, skip: Set<string>) {
  let expired = 0
  // only pages keyed below the floor can hold expired events
  for (const p of (await ev.getAll(IDBKeyRange.upperBound(floor, true))) as Page[]) expired += trim(ev, t, writes, p, (r) => r.id >= floor)
  const [pages, whole] = await oldest(ev, (pages) => {
    let n = 0
    let b = 0
    for (const p of pages) for (const r of records(p)) if (!skip.has(r.id) && (++n >= maxCount || (b += r.b) >= maxBytes)) return true
    return false
  })
  const all = pages.flatMap(records)
  // the whole queue is in hand: its totals are known exactly
  if (whole) {
    t.n = all.length
    t.b = bytes(all)
  }
  const where = new Map<string, string>()
  for (const p of pages) for (const r of records(p)) where.set(r.id, p.id)
  return [expired, pick(all, maxCount, maxBytes, skip), where] as const
}

/** Deletes the records `ids`; `where`: the pages of the records the last `take` read. */
async function del(ev: Store, t: Totals, writes: Promise<unknown>[], ids: string[], where: Map<string, string>) {
  if (!ids[0]) return
  const gone = new Set(ids)
  const keys = new Set<string>()
  let lo = ''
  for (const id of ids) {
    const k = where.get(id)
    if (k) keys.add(k)
    else if (!lo || id < lo) lo = id
  }
  // Records not from our last take (acknowledged after an unload send): their pages
  // were written by this tab lately, so they are keyed within minutes before them.
  const pages = (await Promise.all([...keys].map((k) => ev.get(k)))) as (Page | undefined)[]
  if (lo) pages.push(...(await recent(ev, lo, ids.reduce((a, b) => (a > b ? a : b)))))
  const seen = new Set<string>()
  for (const p of pages) if (p && !seen.has(p.id) && seen.add(p.id)) trim(ev, t, writes, p, (r) => !gone.has(r.id))
}

/** Takes (for `ttl` ms), renews or `release`s the flush lease for `owner`; true when it is (or was) `owner`'s. */
async function lease(db: IDBPDatabase, owner: string, ttl: number, release: boolean | undefined, now: () => number) {
  const t = db.transaction(META, 'readwrite')
  const l = (await t.store.get('lease')) as { o: string; u: number } | undefined
  const ok = !l || l.u < now() || l.o == owner
  if (ok) void (release ? t.store.delete('lease') : t.store.put({ o: owner, u: now() + ttl }, 'lease'))
  await t.done
  return ok
}

/**
 * The IndexedDB queue: one readwrite transaction per call, totals kept in `meta`.
 * Events are stored in pages: a put and a clone per page instead of one per event (a
 * put per event cost most of a burst's time: one IPC per request in Chromium). The
 * totals can only over-count (a rescued event written twice); they are set exact whenever
 * `_take` reads the whole queue, so caps never drop on a drifted figure for long.
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
  const open = () => (conn ||= /*#__NOINLINE__*/ openQueueDB(factory, name, timeout, () => (conn = undefined)))
  /**
   * Runs `fn` in one readwrite transaction on both stores, with the totals in hand for
   * `fn` to change. Reopens once if the connection was lost.
   */
  const run = async <T>(fn: (ev: Store, t: Totals, writes: Promise<unknown>[]) => Promise<T>, retry = 1): Promise<T> => {
    try {
      // relaxed: complete once the browser holds the data (it survives a tab or browser
      // crash), without waiting for the disk to flush each transaction
      const tx = (await open()).transaction([EVENTS, META], 'readwrite', { durability: 'relaxed' })
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
  /** Which page holds each record `_take` returned (replaced by the next `_take`). */
  let where = new Map<string, string>()
  return {
    // opened a task after creation: IndexedDB's first use in a page costs ~0.5 ms of IPC
    // set-up, which need not hold up the page's own script
    _ready: new Promise((r) => setTimeout(r)).then(open),
    _put(all, again) {
      return run(async (ev, t, writes) => {
        const dropped = await /*#__NOINLINE__*/ put(ev, t, writes, all, again, caps)
        if (dropped) onDrop('queue_full', dropped)
      })
    },
    _take(maxCount, maxBytes, skip) {
      return run(async (ev, t, writes) => {
        const [expired, out, pages] = await /*#__NOINLINE__*/ take(ev, t, writes, uuidFloor(now() - caps._age), maxCount, maxBytes, skip)
        if (expired) onDrop('expired', expired)
        where = pages
        return out
      })
    },
    _del(ids) {
      return run((ev, t, writes) => /*#__NOINLINE__*/ del(ev, t, writes, ids, where))
    },
    async _lease(owner, ttl, release) {
      return /*#__NOINLINE__*/ lease(await open(), owner, ttl, release, now)
    },
    _close() {
      void conn?.then((db) => db.close(), () => 0)
      conn = undefined
    },
  }
}
