import { DesirePathError } from '../core/errors.js'
import type { Queue } from '../storage/queue.js'
import type { DropReason, StoredEvent } from '../types.js'
import { init, post, retryAfterMs } from './send.js'

/** Bodies sent while the page hides or unloads stay under this (the keepalive/beacon quota). */
export const UNLOAD_BYTES = 64_000
/** A Retry-After beyond this is treated as this (ms): a bad header can't stall delivery for days. */
export const MAX_RETRY_AFTER = 30 * 60_000

export interface FlusherConfig {
  q: Queue
  endpoint: string
  fetch: typeof fetch | undefined
  sendBeacon: ((url: string, data: Blob) => boolean) | undefined
  locks: LockManager | undefined
  /** Backoff state shared by the tabs of the origin (localStorage), so tabs don't take turns storming. */
  shared: { get(): Backoff; set(b: Backoff): void }
  lockName: string
  owner: string
  wrap: (events: string) => string
  maxBatchEvents: number
  maxBatchBytes: number
  retryBase: number
  retryMax: number
  requestTimeout: number
  flushInterval: number
  now: () => number
  random: () => number
  /** Resolves once events captured so far are stored. */
  stored: () => Promise<void>
  acked: (batch: StoredEvent[]) => void
  dropped: (reason: DropReason, count: number) => void
  report: (e: DesirePathError) => void
}

/** `until`: no request before this time (ms); `n`: failures in a row. */
export interface Backoff {
  until: number
  n: number
}

export interface Flusher {
  flush(): Promise<void>
  schedule(ms: number): void
  unload(records: StoredEvent[]): void
  /** ids this tab is sending right now */
  inflight: Set<string>
  shared: FlusherConfig['shared']
  stop(): void
}

export function createFlusher(c: FlusherConfig): Flusher {
  const inflight = new Set<string>()
  let chain: Promise<void> = Promise.resolve()
  let next: Promise<void> | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  let due = Infinity
  let stopped = false

  const schedule = (ms: number) => {
    // keep the earliest wake-up
    if (stopped || c.now() + ms >= due) return
    clearTimeout(timer)
    due = c.now() + ms
    timer = setTimeout(() => {
      due = Infinity
      void flush()
    }, ms)
  }

  /**
   * Sends one batch and settles it. 2xx: delete. 400/413/422: the collector will never
   * take these; bisect to find the offending events and drop only those. Anything else
   * (network error, timeout, 408, 429, 5xx, other 4xx): keep, back off, retry.
   */
  const deliver = async (batch: StoredEvent[]): Promise<boolean> => {
    const body = c.wrap(batch.map((r) => r.s).join(','))
    for (const r of batch) inflight.add(r.id)
    const { status, retryAfter } = c.fetch ? await post(c.fetch, c.endpoint, body, c.requestTimeout) : { status: 0 }
    for (const r of batch) inflight.delete(r.id)
    if (status > 199 && status < 300) {
      c.shared.set({ until: 0, n: 0 })
      await c.q.del(batch.map((r) => r.id))
      c.acked(batch)
      return true
    }
    if (status == 400 || status == 413 || status == 422) {
      if (batch.length > 1) {
        const half = batch.length >> 1
        return (await deliver(batch.slice(0, half))) && deliver(batch.slice(half))
      }
      await c.q.del([batch[0]!.id])
      const e = new DesirePathError('delivery_rejected', `collector refused an event (HTTP ${status}); dropped`)
      e.status = status
      c.report(e)
      c.dropped('rejected', 1)
      return true
    }
    const n = c.shared.get().n + 1
    // Exponential backoff with jitter in [50%, 100%]: at the 60 s ceiling, 1-2 requests a minute.
    const backoff = Math.min(c.retryMax, c.retryBase * 2 ** (n - 1)) * (0.5 + c.random() / 2)
    const wait = Math.round(Math.max(backoff, Math.min(MAX_RETRY_AFTER, retryAfterMs(retryAfter, c.now()))))
    c.shared.set({ until: c.now() + wait, n })
    const e = new DesirePathError('delivery_failed', `delivery failed (${status ? 'HTTP ' + status : 'network error'}); retrying in ${wait} ms`)
    e.status = status
    e.retryIn = wait
    c.report(e)
    schedule(wait)
    return false
  }

  const drain = async () => {
    for (;;) {
      const wait = c.shared.get().until - c.now()
      if (wait > 0) return schedule(wait)
      const batch = await c.q.take(c.maxBatchEvents, c.maxBatchBytes - c.wrap('').length, inflight)
      if (stopped || !batch.length) return
      if (!(await deliver(batch))) return
    }
  }

  /** One flushing tab per origin: Web Locks, else a lease in IndexedDB. */
  const locked = async () => {
    if (c.locks) return c.locks.request(c.lockName, drain)
    if (!(await c.q.lease!(c.owner, c.requestTimeout * 2))) return schedule(1000 + c.random() * 1000)
    try {
      await drain()
    } finally {
      await c.q.lease!(c.owner, 0, true)
    }
  }

  // A flush joins the cycle queued after the running one, so it covers every event
  // captured before the call, and cycles never overlap within a tab.
  const flush = (): Promise<void> =>
    (next ||= chain = chain.then(async () => {
      next = undefined
      try {
        await c.stored()
        if (!stopped) await locked()
      } catch (e) {
        c.report(new DesirePathError('internal', 'flush failed: ' + e, e))
        schedule(c.flushInterval)
      }
    }))

  /**
   * Page hidden or unloading: no time for locks or IndexedDB. Send this tab's unsent
   * events now, with fetch keepalive (whose reply, if the page lives on, lets us delete
   * them) or sendBeacon, in bodies under the 64 KB quota. Unconfirmed events stay stored
   * and go again on the next load with the same messageId: zero loss beats zero resends.
   */
  const unload = (records: StoredEvent[]) => {
    let budget = UNLOAD_BYTES
    let chunk: StoredEvent[] = []
    let size = c.wrap('').length
    const send = () => {
      if (!chunk.length) return
      const batch = chunk
      const body = c.wrap(batch.map((r) => r.s).join(','))
      chunk = []
      budget -= size
      size = c.wrap('').length
      try {
        for (const r of batch) inflight.add(r.id)
        void c.fetch!(c.endpoint, init(body, true))
          .then(async (r) => {
            if (r.ok) {
              await c.q.del(batch.map((r) => r.id))
              c.acked(batch)
            }
          })
          .catch(() => 0)
          .finally(() => batch.forEach((r) => inflight.delete(r.id)))
      } catch {
        // no fetch, or keepalive refused synchronously (quota): try the beacon, unconfirmable
        for (const r of batch) inflight.delete(r.id)
        try {
          c.sendBeacon?.(c.endpoint, new Blob([body], { type: 'text/plain' }))
        } catch {
          /* stays stored: next load */
        }
      }
    }
    for (const r of records) {
      if (inflight.has(r.id)) continue
      if (size + r.b + 1 > Math.min(budget, UNLOAD_BYTES)) send()
      if (size + r.b + 1 > budget) break
      chunk.push(r)
      size += r.b + 1
    }
    send()
  }

  return {
    flush,
    schedule,
    unload,
    inflight,
    shared: c.shared,
    stop() {
      stopped = true
      clearTimeout(timer)
    },
  }
}
