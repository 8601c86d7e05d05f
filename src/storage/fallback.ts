import { DesirePathError } from '../core/errors.js'
import type { Queue } from './queue.js'

/**
 * Runs the IndexedDB queue until it fails (missing, throws, hangs, blocked, over quota),
 * then the memory queue. Nothing captured is lost: the memory queue already holds every
 * event this tab captured and nobody acknowledged. Events stored by earlier loads or other
 * tabs stay in IndexedDB for the next load.
 */
export function fallbackQueue(idb: (Queue & { _ready: Promise<unknown> }) | undefined, mem: Queue, report: (e: DesirePathError) => void): Queue & { _memory(): boolean } {
  let db = idb
  const fall = (e: unknown) => {
    if (db) report(new DesirePathError('storage_fallback', 'IndexedDB unusable, using memory: ' + e, e))
    db = undefined
  }
  idb?._ready.catch(fall)
  const run =
    <K extends '_put' | '_take' | '_del' | '_lease'>(k: K, memory: (...a: never[]) => unknown) =>
    async (...a: unknown[]) => {
      if (db)
        try {
          return await (db[k] as (...a: unknown[]) => unknown)(...a)
        } catch (e) {
          fall(e)
        }
      return memory(...(a as never[]))
    }
  const del = run('_del', () => {})
  return {
    _memory: () => !db,
    // the memory queue got these at capture
    _put: run('_put', () => {}),
    _take: run('_take', mem._take),
    _del: (ids) => (mem._del(ids), del(ids)),
    // memory is per tab: nothing to share, the lease is ours
    _lease: run('_lease', () => true),
    _close: () => idb?._close?.(),
  } as Queue & { _memory(): boolean }
}
