import { safe } from '../lib/safe.js'
import type { StoredEvent } from '../storage/queue.js'
import type { Env } from './env.js'
import { read, storage, write } from './local.js'

// A page can die before its IndexedDB writes commit. On hide, a synchronous copy of what is
// not yet stored goes to localStorage (`:rescue:<id>`, one per page load); the next page
// load adopts it: stores what of it is not stored already (the write may have committed
// after all). A task after creation, not in it: localStorage's first access is slow.

/** At creation: this page load's key; a task later, `adopt()` gets the copies earlier loads left, if any. */
export function startRescue(e: Env, adopt: (recs: StoredEvent[]) => void) {
  e._rescue = ':rescue:' + e._id()
  setTimeout(() =>
    safe(() => {
      const recs = take(e)
      if (recs[0]) adopt(recs)
    }),
  )
}

/** The page hides: a synchronous copy of `recs` (what is not stored yet), if any. */
export const saveRescue = (e: Env, recs: StoredEvent[]) => {
  if (!recs[0]) return
  e._rescued = true
  write(e, e._rescue!, recs)
}

/** Everything the copy held is stored now: it goes. */
export const clearRescue = (e: Env) => {
  if (!e._rescued) return
  e._rescued = false
  write(e, e._rescue!)
}

/** The copies earlier page loads left, each removed as it is read (throws without localStorage). */
const take = (e: Env) => {
  const key = e.$key
  const recs: StoredEvent[] = []
  const ls = storage(e)!
  for (let i = ls.length; i--; ) {
    const k = ls.key(i)!
    if (k.startsWith(key + ':rescue:') && k != key + e._rescue) {
      recs.push(...(read<StoredEvent[]>(e, k.slice(key.length)) || []))
      write(e, k.slice(key.length))
    }
  }
  return recs
}
