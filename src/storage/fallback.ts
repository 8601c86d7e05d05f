import type { OnError, Queue } from './queue.js'

/**
 * Runs the IndexedDB queue until it fails (missing, throws, hangs, blocked, over quota),
 * then the memory queue. Nothing captured is lost: the memory queue already holds every
 * event this tab captured and nobody acknowledged. Events stored by earlier loads or other
 * tabs stay in IndexedDB for the next load.
 */
export function fallbackQueue(idb: (Queue & { _ready: Promise<unknown> }) | undefined, mem: Queue, err: OnError): Queue & { _memory(): boolean } {
  let db = idb
  const fall = (e: unknown) => {
    if (db) err('storage_fallback', 'IndexedDB unusable, using memory: ' + e, e)
    db = undefined
  }
  idb?._ready.catch(fall)
  // Closures, not string keys: `_` members are renamed by the minifier, strings are not.
  const run = async <T>(op: (q: Queue) => T | Promise<T>, memory: () => T | Promise<T>): Promise<T> => {
    if (db)
      try {
        return await op(db)
      } catch (e) {
        fall(e)
      }
    return memory()
  }
  const none = () => {}
  return {
    _memory() {
      return !db
    },
    // the memory queue got these at capture
    _put(records, again) {
      return run((q) => q._put(records, again), none)
    },
    _take(...a) {
      return run((q) => q._take(...a), () => mem._take(...a))
    },
    _del(ids) {
      mem._del(ids)
      return run((q) => q._del(ids), none)
    },
    // memory is per tab: nothing to share, the lease is ours
    _lease(...a) {
      return run((q) => q._lease!(...a), () => true)
    },
    _close() {
      return idb?._close?.()
    },
  }
}
