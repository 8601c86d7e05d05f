import { safe } from '../lib/safe.js'
import type { Env } from './env.js'

// A single-page app's page views. A route change is heard where it happens: the Navigation
// API's `currententrychange` where there is one (it fires for pushState, replaceState,
// back/forward and fragment changes alike, after the URL changed; `navigatesuccess` waits
// for an intercepted navigation's handlers, and history.* methods are left alone), else
// history.pushState/replaceState, wrapped, and `popstate`; `hashchange` in both. The check
// waits a task: the app's title lands, and a push then a replace (a redirect) is one page
// view, of the final URL. One page view per URL in a row, whoever made it (`e._lastPage`).

type Method = 'pushState' | 'replaceState'

/**
 * `pageviews: 'history' | 'hash'`: calls `page()` for the page the tracker starts on and
 * for every route change; returns `stop()`.
 */
export function watchPages(e: Env, page: () => void, hash: boolean): () => void {
  const { $win: w, $loc: loc } = e
  const nav = (w as { navigation?: EventTarget } | undefined)?.navigation
  const h = w?.history
  const url = (u = '') => (hash ? u : u.split('#')[0])
  let live = 1
  let timer: ReturnType<typeof setTimeout> | undefined
  const check = e._guard(() => url(loc.href) != url(e._lastPage) && page())
  const later = e._guard(() => {
    if (live) {
      clearTimeout(timer)
      timer = setTimeout(check)
    }
  })
  const listen = (m: 'addEventListener' | 'removeEventListener') => {
    w?.[m]('popstate', later)
    w?.[m]('hashchange', later)
    nav?.[m]('currententrychange', later)
  }
  // the wrappers keep the methods' `this`, arguments, return value and exceptions; after
  // stop() they are taken off, unless another script wrapped them since (then they pass through)
  const undo = (nav || !h ? [] : (['pushState', 'replaceState'] as Method[])).map((k) => {
    const orig = h![k]
    const f = function (this: History, ...a: Parameters<History[Method]>) {
      const r = orig.apply(this, a)
      later()
      return r
    }
    safe(() => (h![k] = f)) // a frozen history: route changes are heard by popstate only
    return () => h![k] == f && (h![k] = orig)
  })
  listen('addEventListener')
  later() // the page the tracker starts on, unless the host's page() made it first
  return () => {
    live = 0
    clearTimeout(timer)
    listen('removeEventListener')
    undo.forEach((u) => u())
  }
}
