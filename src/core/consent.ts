import { piece, safe } from '../lib/safe.js'
import type { Env } from './env.js'
import { read, storage } from './local.js'
import type { ConsentState } from './types.js'

// Consent, persisted in localStorage (`:consent`) once the host decided through
// dp.consent(), so that a reload keeps it and the origin's tabs follow it. The one entry a
// denial leaves: the denial itself, which identifies no one.

/** Global Privacy Control or Do Not Track is on, and respected (`respectGPC`, default true). */
export const privacySignal = (e: Env) => {
  const n = e._nav as (Navigator & { globalPrivacyControl?: boolean }) | undefined
  return e._o.respectGPC !== false && (n?.globalPrivacyControl === true || n?.doNotTrack == '1')
}

/** Consent at creation: `denied` under a respected privacy signal; else the decision stored, else the option, else `granted`. */
export const initialConsent = (e: Env): ConsentState => (privacySignal(e) ? 'denied' : read<ConsentState>(e, ':consent') || e._o.consent || 'granted')

/** Keeps the host's decision for later loads and the other tabs. */
export const keepConsent = (e: Env, c: ConsentState) => safe(() => storage(e)!.setItem(e.$key + ':consent', JSON.stringify(c)))

/**
 * Deletes what desire-path stored for the origin under its storageKey, but the decision:
 * the queue's and the journey's IndexedDB databases (another tab's connection steps aside,
 * see db.ts and store.ts), every localStorage entry (identity, session, backoff, rescue
 * copies). Deletions queue before any later open of the same database, so a grant that
 * follows starts afresh.
 */
export const wipe = (e: Env) => {
  const f = piece(e._o.indexedDB, () => e.$win!.indexedDB)
  for (const n of ['', ':journey']) safe(() => f!.deleteDatabase(e.$key + n))
  safe(() => {
    const ls = storage(e)!
    for (let i = ls.length; i--; ) {
      const k = ls.key(i)!
      if (k.startsWith(e.$key + ':') && k != e.$key + ':consent') ls.removeItem(k)
    }
  })
  e._user = e._ses = undefined
}
