import type { Env } from './env.js'

/**
 * The page's listeners, each guarded: `hide()` when the page is hidden or unloading (store
 * and send now, while there is time), `show()` when it is visible again or back from the
 * bfcache, `online()` when the network is back. Returns `listen(on)`, which adds them (`true`) or removes them.
 */
export function lifecycle(e: Env, hide: () => void, show: () => void, online: () => void): (on: boolean) => void {
  const { $win: w, $doc: doc } = e
  const onHide = e._guard((ev: Event) => {
    if (ev.type == 'pageshow' || (ev.type == 'visibilitychange' && doc.visibilityState != 'hidden')) return show()
    if (ev.type != 'pagehide' && doc.visibilityState != 'hidden') return
    hide()
  })
  const onOnline = e._guard(online)
  return (on) => {
    const m = on ? 'addEventListener' : 'removeEventListener'
    doc[m]('visibilitychange', onHide)
    w?.[m]('pagehide', onHide)
    w?.[m]('pageshow', onHide)
    w?.[m]('online', onOnline)
  }
}
