import type { Env } from './env.js'
import { onStorage } from './identity.js'

/**
 * The page's listeners, each guarded: `hide()` when the page is hidden or unloading (store
 * and send now, while there is time), `show()` when it is visible again or back from the
 * bfcache, `online()` when the network is back; and identity.ts hears when another tab
 * wrote localStorage. Returns `listen(on)`, which adds them (`true`) or removes them.
 */
export function lifecycle(e: Env, hide: () => void, show: () => void, online: () => void): (on: boolean) => void {
  const { $win: w, $doc: doc } = e
  const onHide = e._guard((ev: Event) => {
    if (ev.type == 'pageshow' || (ev.type == 'visibilitychange' && doc.visibilityState != 'hidden')) return show()
    if (ev.type != 'pagehide' && doc.visibilityState != 'hidden') return
    hide()
  })
  const onOnline = e._guard(online)
  const storage = e._guard((ev: Event) => /*#__NOINLINE__*/ onStorage(e, ev))
  return (on) => {
    const m = on ? 'addEventListener' : 'removeEventListener'
    w?.[m]('storage', storage)
    doc[m]('visibilitychange', onHide)
    w?.[m]('pagehide', onHide)
    w?.[m]('pageshow', onHide)
    w?.[m]('online', onOnline)
  }
}
