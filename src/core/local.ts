import { piece, safe } from '../lib/safe.js'
import type { Env } from './env.js'

// The tracker's localStorage entries, each under `storageKey` + a suffix, as JSON.

/**
 * localStorage, looked up at first use (null: there is none, or it is blocked): a page's
 * first read of the property opens the origin's storage synchronously (1-8 ms in
 * Chromium), so the tracker does it at its first event, not in createTracker().
 */
export const storage = (e: Env): Storage | null => (e._ls === undefined ? (e._ls = piece(e._o.localStorage, () => e.$win!.localStorage) ?? null) : e._ls)

/** The stored value of `key + k`; undefined when absent, unreadable or not JSON. */
export const read = <T>(e: Env, k: string): T | undefined => safe(() => JSON.parse(storage(e)!.getItem(e.$key + k)!)) ?? undefined

/** Stores `v` as JSON, or removes the entry when `v` is falsy; never throws. Nothing is stored without consent. */
export const write = (e: Env, k: string, v?: unknown) =>
  e._consent == 'granted' && safe(() => (v ? storage(e)!.setItem(e.$key + k, JSON.stringify(v)) : storage(e)!.removeItem(e.$key + k)))
