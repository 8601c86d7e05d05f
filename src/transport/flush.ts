import type { DropReason, OnError, Queue, StoredEvent } from '../storage/queue.js'
import { init, post, retryAfterMs } from './send.js'

/** What is sent while the page hides or unloads stays under this (the keepalive/beacon quota). */
export const UNLOAD_BYTES = 64_000
/** A Retry-After beyond this is treated as this (ms): a bad header can't stall delivery for days. */
export const MAX_RETRY_AFTER = 30 * 60_000

/** Shared by the tabs of an origin: no request before `u` (ms); `n` failures in a row. */
export interface Backoff {
  u: number
  n: number
}

/** The settings the flusher reads: the tracker's checked options. */
export interface FlushSettings {
  url: string
  maxBatchEvents: number
  maxBatchBytes: number
  retryBase: number
  retryMax: number
  /** abort a request after this many ms; also the flush lease's half-life */
  requestTimeout: number
  /** retry this long after a flush that failed unexpectedly */
  flushInterval: number
}

/** @internal */
export interface FlusherConfig extends FlushSettings {
  _q: Queue
  _fetch: typeof fetch | undefined
  _beacon: ((url: string, data: Blob) => boolean) | undefined
  _locks: LockManager | undefined
  /** Backoff state shared by the tabs of the origin (localStorage), so tabs don't take turns storming. */
  _shared: { _get(): Backoff; _set(b: Backoff): void }
  _lock: string
  _owner: string
  /** Wraps comma-joined event JSON into a request body. */
  _wrap: (events: string) => string
  /** gzip request bodies (not on unload: no time to compress) */
  _gzip: boolean
  /** named as in the core's plugin interface, so that the tracker's env is passed as it is */
  $now: () => number
  _random: () => number
  /** Resolves once events captured so far are stored. */
  _stored: () => Promise<void>
  _acked: (batch: StoredEvent[]) => void
  _dropped: (reason: DropReason, count: number) => void
  _err: OnError
}

/** @internal */
export interface Flusher {
  /** `auto`: a flush of the tracker's own (timer, batch full, online): sends what is stored, waits for no write */
  _flush(auto?: boolean): Promise<void>
  _schedule(ms: number): void
  _unload(records: StoredEvent[]): void
  /** the page is visible again after a hide */
  _resume(): void
  _stop(): void
  /** ids in a request now (and unanswered ones, until their retry) */
  _inflight: Set<string>
  /** this tab holds the origin's flush lock now, sending */
  _busy(): boolean
}

/** Adds (`on`) the ids of `batch` to `ids`, or takes them out. */
const mark = (ids: Set<string>, batch: StoredEvent[], on: boolean) => batch.forEach((r) => (on ? ids.add(r.id) : ids.delete(r.id)))

/**
 * Flushes the queue: a cycle at a time, one tab of the origin at a time, each cycle taking
 * batches and delivering them until the queue is empty or delivery fails; retries back off.
 * A flush joins the cycle queued after the running one, so it covers every event captured
 * before the call, and cycles never overlap within a tab. Only a host's flush waits for
 * writes: the tracker's own flushes send what is stored, so delivery never queues behind a
 * burst still being written.
 */
export function createFlusher(c: FlusherConfig): Flusher {
  const now = c.$now
  const inflight = new Set<string>() // ids being sent: not taken again
  let chain: Promise<void> = Promise.resolve()
  let next: Promise<void> | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  let due = Infinity
  let stopped = false
  let waitStored = false
  let busy = false
  /** Wakes up in `ms` to flush, unless an earlier wake-up is already set. */
  const schedule = (ms: number) => {
    if (stopped || now() + ms >= due) return
    clearTimeout(timer)
    due = now() + ms
    timer = setTimeout(() => {
      due = Infinity
      void flush(true)
    }, ms)
  }
  const [unload, resume, acked] = /*#__NOINLINE__*/ unloader(c, inflight)
  const drain = /*#__NOINLINE__*/ cycle(c, inflight, acked, schedule, () => stopped)
  const flush = (auto?: boolean): Promise<void> => {
    waitStored ||= !auto
    return (next ||= chain = chain.then(async () => {
      next = undefined
      const wait = waitStored
      waitStored = false
      try {
        if (wait) await c._stored()
        if (!stopped)
          await /*#__NOINLINE__*/ locked(
            c,
            () => ((busy = true), drain().finally(() => (busy = false))),
            schedule,
          )
      } catch (e) {
        c._err('internal', 'flush failed: ' + e, e)
        schedule(c.flushInterval)
      }
    }))
  }
  return {
    _flush: flush,
    _schedule: schedule,
    _unload: unload,
    _resume: resume,
    _stop() {
      stopped = true
      clearTimeout(timer)
    },
    _inflight: inflight,
    _busy: () => busy,
  }
}

/** Runs `drain` in the one flushing tab of the origin: Web Locks, else a lease in IndexedDB (`schedule`s a retry when another tab holds it). */
async function locked(c: FlusherConfig, drain: () => Promise<void>, schedule: (ms: number) => void) {
  if (c._locks) return c._locks.request(c._lock, drain)
  if (!(await c._q._lease!(c._owner, c.requestTimeout * 2))) return schedule(1000 + c._random() * 1000)
  try {
    await drain()
  } finally {
    await c._q._lease!(c._owner, 0, true)
  }
}

/**
 * `drain()`: one cycle, taking batches and delivering them until the queue is empty, or
 * delivery fails, or the backoff says wait (then it `schedule`s the next), or `stopped()`.
 */
function cycle(c: FlusherConfig, inflight: Set<string>, acked: (batch: StoredEvent[]) => Promise<void>, schedule: (ms: number) => void, stopped: () => boolean) {
  const { _q: q, _shared: shared, $now: now, _err: err } = c
  /** ids of an unanswered request, kept in flight until the retry */
  const held = new Set<string>()
  /**
   * Sends one batch and settles it; resolves to whether the cycle may go on. 2xx: delete.
   * 400/413/422: the collector will never take these; bisect to find the offending events
   * and drop only those. Anything else (network error, timeout, 408, 429, 5xx, other 4xx):
   * keep, back off, retry.
   */
  const deliver = async (batch: StoredEvent[]): Promise<unknown> => {
    mark(inflight, batch, true)
    const [status, retryAfter] = c._fetch ? await /*#__NOINLINE__*/ post(c._fetch, c.url, c._wrap(batch.map((r) => r.s).join()), c.requestTimeout, c._gzip) : [0]
    // Unanswered (network error, timeout): the collector may have it all the same; a
    // navigation cancels the page's fetch after the request went out. Not sent again before
    // the retry, so an unload in between doesn't send it twice (in memory mode the unload is
    // the last chance: there it goes).
    if (status == 0 && !q._memory?.()) batch.forEach((r) => held.add(r.id))
    else mark(inflight, batch, false)
    if (status > 199 && status < 300) {
      shared._set({ u: 0, n: 0 })
      return acked(batch).then(() => 1)
    }
    if (status == 400 || status == 413 || status == 422) {
      const half = batch.length >> 1
      if (half) return (await deliver(batch.slice(0, half))) && deliver(batch.slice(half))
      await q._del([batch[0]!.id])
      err('delivery_rejected', `HTTP ${status}: event refused, dropped`, 0, { status })
      c._dropped('rejected', 1)
      return 1
    }
    const n = shared._get().n + 1
    // Exponential backoff, jitter in [50%, 100%]: at the 60 s ceiling, 1-2 requests a minute.
    const backoff = Math.min(c.retryMax, c.retryBase * 2 ** (n - 1)) * (0.5 + c._random() / 2)
    const wait = Math.round(Math.max(backoff, Math.min(MAX_RETRY_AFTER, /*#__NOINLINE__*/ retryAfterMs(retryAfter, now()))))
    shared._set({ u: now() + wait, n })
    err('delivery_failed', `HTTP ${status}: retry in ${wait} ms`, 0, { status, retryIn: wait })
    schedule(wait)
    return 0
  }
  return async () => {
    for (;;) {
      const wait = shared._get().u - now()
      if (wait > 0) return schedule(wait)
      held.forEach((id) => inflight.delete(id))
      held.clear()
      const taken = await q._take(c.maxBatchEvents, c.maxBatchBytes - c._wrap('').length, inflight)
      // the page may have hidden while the read ran: what the unload path sent meanwhile is in flight
      const batch = taken.filter((r) => !inflight.has(r.id))
      if (stopped() || !taken[0]) return
      if (batch[0] && !(await deliver(batch))) return
    }
  }
}

/**
 * Page hidden or unloading: no time for locks or IndexedDB. `unload(records)` sends this
 * tab's unsent events now in one body under the 64 KB quota, with fetch keepalive (whose
 * reply, if the page lives on, lets us delete them) or else sendBeacon. Unconfirmed events
 * stay stored and go again on the next load, same messageId: zero loss beats zero resends.
 * `resume()`: the page is visible again. `acked(batch)`: the collector has these.
 */
function unloader(c: FlusherConfig, inflight: Set<string>) {
  const { url, _wrap: wrap } = c
  /** ids sent while the page was hiding, not acknowledged yet */
  const unloading = new Set<string>()
  /** ids of unload sends whose keepalive fetch has not settled */
  const unsettled = new Set<string>()
  let hidden = false
  const release = (batch: StoredEvent[]) => batch.forEach((r) => unloading.delete(r.id) && inflight.delete(r.id))
  const acked = async (batch: StoredEvent[]) => {
    release(batch)
    await c._q._del(batch.map((r) => r.id))
    c._acked(batch)
  }
  const unload = (records: StoredEvent[]) => {
    let room = UNLOAD_BYTES - wrap('').length
    // newest first: older events are more likely stored already; then back in order
    const batch = records
      .filter((r) => !inflight.has(r.id))
      .reverse()
      .filter((r) => (room -= r.b + 1) >= 0)
      .reverse()
    if (!batch[0]) return
    const body = wrap(batch.map((r) => r.s).join())
    // Sent once per unload: pagehide and visibilitychange both fire, and a keepalive
    // fetch's promise can reject while the request still reaches the collector (the
    // page is going). So these stay "in flight" until acknowledged or `resume()`.
    mark(inflight, batch, true)
    mark(unloading, batch, true)
    hidden = true
    try {
      c._fetch!(url, init(body, true))
        .then((r) => void (r.ok && acked(batch)))
        .catch(() => 0)
        .finally(() => {
          mark(unsettled, batch, false)
          // settled after the page showed again: an answered (failed) request, free to retry
          if (!hidden) release(batch)
        })
      mark(unsettled, batch, true)
    } catch {
      // no fetch, or keepalive refused synchronously: the beacon, unconfirmable
      try {
        c._beacon?.(url, new Blob([body], { type: 'text/plain' }))
      } catch {
        /* stays stored: next load */
      }
    }
  }
  const resume = () => {
    // The page lives on (shown again, back from the bfcache): unload sends that failed
    // may go again, as after any failed request; ones still on their way wait for it.
    hidden = false
    unloading.forEach((id) => unsettled.has(id) || (unloading.delete(id), inflight.delete(id)))
  }
  return [unload, resume, acked] as const
}
