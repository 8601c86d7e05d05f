import { afterEach } from 'vitest'
import { IDBFactory } from 'fake-indexeddb'
import { createTracker, type DesirePathError, type Tracker, type TrackerOptions } from '../../src/entries/index.js'
import { ENDPOINT } from './collector.js'

const live: Tracker[] = []
afterEach(async () => {
  await Promise.all(live.splice(0).map((t) => t.shutdown()))
})

/** Polls until `fn` is truthy (real timers: fake-indexeddb needs them). */
export async function until(fn: () => unknown, timeout = 3000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeout
  while (!(await fn())) {
    if (Date.now() > end) throw new Error('timed out waiting for ' + what)
    await new Promise((r) => setTimeout(r, 5))
  }
}
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * A tracker on a fresh IndexedDB, fast timers, errors collected.
 * Pass the same `indexedDB` (and the shared jsdom localStorage) to model a reload or a second tab.
 */
export function tracker(o: Partial<TrackerOptions> = {}) {
  const errors: DesirePathError[] = []
  const options: TrackerOptions = {
    endpoint: ENDPOINT,
    indexedDB: new IDBFactory(),
    flushInterval: 20,
    retryBase: 10,
    retryMax: 40,
    onError: (e) => errors.push(e),
    locks: null,
    BroadcastChannel: null,
    ...o,
  }
  const dp = createTracker(options)
  live.push(dp)
  return { dp, errors, options, codes: () => errors.map((e) => e.code) }
}

/** Reads the queue's events straight from IndexedDB (rows are pages of events; v0.1 rows are single events). */
export function stored(factory: IDBFactory, name = 'desire-path'): Promise<{ id: string; s: string; b: number }[]> {
  return new Promise((resolve, reject) => {
    const req = factory.open(name)
    // no such database: don't create one as a side effect
    req.onupgradeneeded = () => req.transaction!.abort()
    req.onerror = () => (req.error?.name == 'AbortError' ? resolve([]) : reject(req.error))
    req.onsuccess = () => {
      const db = req.result
      if (!db.objectStoreNames.contains('events')) return db.close(), resolve([])
      const get = db.transaction('events').objectStore('events').getAll()
      get.onsuccess = () => {
        db.close()
        resolve(get.result.flatMap((p) => p.r ?? [p]))
      }
      get.onerror = () => reject(get.error)
    }
  })
}

/** Web Locks for jsdom/Node (they have none): exclusive, queued per name, like the real thing. */
export function fakeLocks(): LockManager {
  const tails = new Map<string, Promise<unknown>>()
  let held = 0
  const m = {
    maxHeld: 0,
    request(name: string, a: unknown, b?: unknown) {
      const cb = (b ?? a) as (l: Lock) => unknown
      const run = (tails.get(name) ?? Promise.resolve()).then(async () => {
        m.maxHeld = Math.max(m.maxHeld, ++held)
        try {
          return await cb({ name, mode: 'exclusive' } as Lock)
        } finally {
          held--
        }
      })
      tails.set(name, run.catch(() => {}))
      return run
    },
    query: async () => ({ held: [], pending: [] }),
  }
  return m as unknown as LockManager
}
