import type { Tracker } from '../compose/types.js'
import type { PageApi } from './types.js'

/**
 * `desirePath.devtools(tracker?)`: loads the overlay (desire-path-devtools.iife.js, beside
 * the build: `load`) on demand and attaches it to the page's tracker, once it exists
 * (`tracker()`), or to the one given. Also on the URL flag `?desire-path-devtools` and on
 * Ctrl/⌘+Shift+Y. Nothing of the overlay is in the build: this is all it costs.
 */
export function devtoolsLoader(w: Window, api: PageApi, load: (file: string) => Promise<unknown>, tracker: () => Promise<Tracker>) {
  let loading: Promise<unknown> | undefined
  const open = (t?: Tracker) =>
    (loading ||= load('desire-path-devtools.iife.js'))
      .then(async () => (api.attachDevtools as (t: Tracker) => unknown)(t || (await tracker())))
      .catch((e) => console.warn('[desire-path] devtools: ' + e))
  api.devtools = open
  if (/[?&]desire-path-devtools\b/.test(w.location.search)) open()
  // once loaded, the overlay's own listener toggles it
  w.addEventListener('keydown', (e) => e.shiftKey && (e.ctrlKey || e.metaKey) && e.code == 'KeyY' && !loading && !api.attachDevtools && open())
}
