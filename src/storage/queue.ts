import type { DesirePathError, ErrorCode } from '../lib/errors.js'

/** One queued event, as stored: id = queue key (a UUIDv7; the messageId unless the event is derived), s = JSON text, b = UTF-8 bytes. @internal */
export interface StoredEvent {
  id: string
  s: string
  b: number
}

/** Why events were dropped. */
export type DropReason = 'invalid' | 'too_large' | 'rejected' | 'queue_full' | 'expired' | 'consent' | 'redacted'

/** Caps applied by every queue implementation. @internal */
export interface Caps {
  _events: number
  _bytes: number
  _age: number
}

/** Reports an error (never thrown): a DesirePathError of these arguments goes to the host. */
export type OnError = (code: ErrorCode, msg: string, cause?: unknown, extra?: ConstructorParameters<typeof DesirePathError>[3]) => void

/** Reports events a queue dropped because of its caps. */
export type OnDrop = (reason: DropReason, count: number) => void

/**
 * The durable queue. Records are ordered by id (a UUIDv7, so by capture time).
 * `_put` enforces count/byte caps (oldest dropped first); `_take` drops expired records
 * and returns the oldest ones not in `skip`, within the count and byte limits.
 * @internal (`_` members are mangled in the build)
 */
export interface Queue {
  /** `again`: these may be stored already (a rescue copy): only the missing ones are added */
  _put(records: StoredEvent[], again?: boolean): void | Promise<void>
  _take(maxCount: number, maxBytes: number, skip: Set<string>): StoredEvent[] | Promise<StoredEvent[]>
  _del(ids: string[]): void | Promise<void>
  /** Cross-tab lease for browsers without Web Locks; true when this owner holds it. */
  _lease?(owner: string, ttl: number, release?: boolean): Promise<boolean>
  _close?(): void
  /** true when the queue lives in memory only (nothing survives the page) */
  _memory?(): boolean
}

/** The UTF-8 bytes of `records`. */
export const bytes = (records: StoredEvent[]) => records.reduce((n, r) => n + r.b, 0)

/** The records `_take` returns: oldest first, skipping, within limits (always at least one). */
export function pick(sorted: StoredEvent[], maxCount: number, maxBytes: number, skip: Set<string>): StoredEvent[] {
  const out: StoredEvent[] = []
  for (const r of sorted) {
    if (skip.has(r.id)) continue
    // + 1: the comma between events in the request body
    if (out.length >= maxCount || ((maxBytes -= r.b + 1) < 0 && out.length)) break
    out.push(r)
  }
  return out
}
