import { piece, safe } from '../lib/safe.js'
import { idbQueue } from '../storage/db.js'
import { fallbackQueue } from '../storage/fallback.js'
import { memoryQueue, type MemoryQueue } from '../storage/memory.js'
import type { OnError, Queue, StoredEvent } from '../storage/queue.js'
import type { Flusher } from '../transport/flush.js'
import type { Env } from './env.js'
import { clearRescue, saveRescue, startRescue } from './rescue.js'

/** Events per IndexedDB write transaction: ~5 ms of put() calls, under a long task even on a CPU 4x slower. */
const WRITE_CHUNK = 1_000
/** Stored events memory keeps for the unload path: twice its 64 KB quota. */
const KEEP_BYTES = 128_000

/** @internal The queue: IndexedDB until it fails, then memory. */
export type TrackerQueue = Queue & { _memory(): boolean }

/** Caps of a queue in memory, in the heap: smaller defaults (explicit options rule). */
export const memoryCaps = (e: Env) => ({ _events: e._o.maxQueueEvents || 10_000, _bytes: e._o.maxQueueBytes || 10_000_000, _age: e.maxEventAge })

/**
 * The queue, IndexedDB with memory behind it; the memory queue, which holds every event
 * this tab captured and nobody acknowledged (IndexedDB reports its own drops); and the
 * `indexedDB` used, if any: through `live()`, as errors are, so that once consent is
 * withdrawn no open recreates what was deleted, and nothing is reported.
 */
export function openQueue(e: Env, live: () => boolean): [TrackerQueue, MemoryQueue, IDBFactory | undefined] {
  const o = e._o
  const caps = { _events: e.maxQueueEvents, _bytes: e.maxQueueBytes, _age: e.maxEventAge }
  const real = o.persist === false ? undefined : piece(o.indexedDB, () => e.$win!.indexedDB)
  const idbf =
    real &&
    ({
      open(n: string, v?: number) {
        if (!live()) throw Error('consent withdrawn')
        return real.open(n, v)
      },
    } as IDBFactory)
  const err: OnError = (...a) => live() && e._err(...a)
  const mem = /*#__NOINLINE__*/ memoryQueue(memoryCaps(e), e.$now, e._dropped, () => q._memory())
  const idb = idbf && safe(() => /*#__NOINLINE__*/ idbQueue(idbf, e.$key, e.storageTimeout, caps, e.$now, e._dropped))
  const q = /*#__NOINLINE__*/ fallbackQueue(idb, mem, err)
  // missing or throwing `indexedDB` (private modes, sandboxed frames): the host should know
  if (!idb && o.persist !== false) err('storage_fallback', 'IndexedDB unavailable, using memory')
  return [q, mem, idbf]
}

/** @internal */
export type Writer = [
  /** a captured event: stored on the next tick, with those captured beside it */
  add: (rec: StoredEvent) => void,
  /** resolves once every event captured before the call is stored (not later ones) */
  stored: () => Promise<void>,
  /**
   * the page hides: a rescue copy of what a page dying now would lose (not yet stored; in
   * memory mode, all), and everything pending starts writing at once
   */
  hide: () => void,
]

/**
 * Writes what is pending in one transaction, one write at a time: while one runs, new
 * events gather and go in the next, so a burst makes a few large transactions, and a
 * read for delivery waits behind one write, never behind a backlog. After each write,
 * delivery is due once `flushAt` events were stored (else it is scheduled). The rescue
 * copies (rescue.ts): those earlier page loads left are stored a task after creation, and
 * this page's goes once nothing is left unstored. `flusher()`: the flusher, made after this.
 */
export function createWriter(e: Env, q: TrackerQueue, mem: MemoryQueue, flusher: () => Flusher): Writer {
  const pending: StoredEvent[] = []
  const writes = new Set<StoredEvent[]>() // handed to the queue, not resolved yet
  let writing: Promise<unknown> = Promise.resolve()
  let timer: ReturnType<typeof setTimeout> | 0 = 0
  // events captured / whose write resolved, in capture order (writes commit in order) / when delivery was last due
  let captured = 0
  let committed = 0
  let flushedAt = 0
  /** Hands `batch` to the queue; once stored, memory keeps only the newest, for the unload path (in memory mode, all). */
  const put = (batch: StoredEvent[], again?: boolean, then?: () => void) => {
    writes.add(batch)
    const done = (async () => {
      await q._put(batch, again)
      writes.delete(batch)
      if (!q._memory()) mem._stored(batch, KEEP_BYTES)
      then?.()
    })()
    writing = Promise.all([writing, done])
  }
  /** `now`: on page hide, start at once, beside a running write, before the page is gone. */
  const chunk = (now?: boolean) => {
    clearTimeout(timer)
    timer = 0
    if (writes.size && !now) return // the running write starts the next one
    const batch = pending.splice(0, WRITE_CHUNK)
    if (!batch[0]) return
    put(batch, false, () => {
      committed += batch.length
      if (!writes.size && !pending[0] && !q._memory()) /*#__NOINLINE__*/ clearRescue(e)
      if (pending[0]) chunk()
      if (committed - flushedAt < e.flushAt && pending.length < e.flushAt) flusher()._schedule(e.flushInterval)
      else {
        flushedAt = committed
        void flusher()._flush(true)
      }
    })
  }
  /*#__NOINLINE__*/ startRescue(e, (recs) => {
    mem._put(recs)
    put(recs, true) // in `writes`, so a hide before it commits rescues these again
  })
  return [
    (rec) => {
      pending.push(rec)
      captured++
      mem._add(rec)
      timer ||= setTimeout(() => chunk())
    },
    async () => {
      const want = captured
      while (committed < want) {
        chunk()
        await writing
      }
    },
    () => {
      /*#__NOINLINE__*/ saveRescue(e, q._memory() ? mem._all() : [...pending, ...[...writes].flat()])
      while (pending[0]) chunk(true)
    },
  ]
}
