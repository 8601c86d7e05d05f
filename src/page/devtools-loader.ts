import type { Tracker } from '../compose/types.js'
import type { PageApi } from './types.js'

type TT = { createPolicy(name: string, p: { createScriptURL(s: string): string }): { createScriptURL(s: string): string } }

/**
 * `desirePath.devtools(tracker?)`: loads the overlay (desire-path-devtools.iife.js, beside
 * this build, `src` its URL) on demand and attaches it to the page's tracker, once it
 * exists (`tracker()`), or to the one given. Also on the URL flag `?desire-path-devtools`
 * and on Ctrl/⌘+Shift+Y. Nothing of the overlay is in this build: this is all it costs.
 */
export function devtoolsLoader(w: Window & { trustedTypes?: TT }, api: PageApi, src: string, tracker: () => Promise<Tracker>) {
  const d = w.document
  let loading: Promise<unknown> | undefined
  const load = (t?: Tracker) =>
    (loading ||= new Promise((ok, no) => {
      const s = d.createElement('script')
      const url = src.replace(/[^/?#]*([?#].*)?$/, 'desire-path-devtools.iife.js')
      s.onload = ok
      s.onerror = no
      // under `require-trusted-types-for 'script'`: a policy that makes this one URL
      s.src = w.trustedTypes ? w.trustedTypes.createPolicy('desire-path-devtools', { createScriptURL: () => url }).createScriptURL('') : url
      d.head.append(s)
    }))
      .then(async () => (api.attachDevtools as (t: Tracker) => unknown)(t || (await tracker())))
      .catch((e) => console.warn('[desire-path] devtools: ' + e))
  api.devtools = load
  if (/[?&]desire-path-devtools\b/.test(w.location.search)) load()
  // once loaded, the overlay's own listener toggles it
  w.addEventListener('keydown', (e) => e.shiftKey && (e.ctrlKey || e.metaKey) && e.code == 'KeyY' && !loading && !api.attachDevtools && load())
}
