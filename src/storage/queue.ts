import type { DropReason, StoredEvent } from '../types.js'

/** Caps applied by every queue implementation. */
export interface Caps {
  maxEvents: number
  maxBytes: number
  maxAge: number
}

/** Reports events a queue dropped because of its caps. */
export type OnDrop = (reason: DropReason, count: number) => void

/**
 * The durable queue. Records are ordered by id (a UUIDv7, so by capture time).
 * `put` enforces count/byte caps (oldest dropped first); `take` drops expired records
 * and returns the oldest ones not in `skip`, within the count and byte limits.
 */
export interface Queue {
  put(records: StoredEvent[]): Promise<void>
  take(maxCount: number, maxBytes: number, skip: Set<string>): Promise<StoredEvent[]>
  del(ids: string[]): Promise<void>
  /** Cross-tab lease for browsers without Web Locks; true when this owner holds it. */
  lease?(owner: string, ttl: number, release?: boolean): Promise<boolean>
  close?(): void
}

/** Picks the records `take` returns: oldest first, skipping, within limits (always at least one). */
export function pick(
  sorted: StoredEvent[],
  maxCount: number,
  maxBytes: number,
  skip: Set<string>,
): StoredEvent[] {
  const out: StoredEvent[] = []
  let bytes = 0
  for (const r of sorted) {
    if (skip.has(r.id)) continue
    if (out.length >= maxCount || (out.length && bytes + r.b > maxBytes)) break
    out.push(r)
    bytes += r.b
  }
  return out
}
