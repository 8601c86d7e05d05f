import type { Tracker } from '../compose/types.js'
import { DesirePathError, isDesirePathError } from '../lib/errors.js'
import { devtoolsLoader } from '../page/devtools-loader.js'
import { loader } from '../page/load.js'
import { installPage } from '../page/page.js'
import { scriptTagTracker } from '../page/tracker.js'
import type { PageApi } from '../page/types.js'

// Script-tag build: window.desirePath, journeys included (a page with a script tag has no
// bundler to leave the engine out, and marketing sites are where journeys start); nudges
// need desire-path-nudges.iife.js (their policy and renderer), which init loads. Merged
// into what is ours (the snippet's stub, desire-path-nudges.iife.js loaded first); a
// `desirePath` of someone else's is left alone. With the snippet or data attributes it is
// the page's one tracker (page/page.ts): `desirePath.init(options)`, `desirePath.track(...)`.
const w = window as Window & { desirePath?: PageApi }
const api = w.desirePath
if (api && !api.$dp) console.warn('[desire-path] window.desirePath is defined by another script: desire-path left it alone')
else if (!api?.createTracker) {
  const dp: PageApi = (w.desirePath = api || {})
  Object.assign(dp, { $dp: 1 as const, createTracker: scriptTagTracker(dp), DesirePathError, isDesirePathError })
  const me = document.currentScript
  let ready: (t: Tracker) => void
  const tracker = new Promise<Tracker>((r) => (ready = r))
  const load = loader(w, (me as HTMLScriptElement | null)?.src || '')
  devtoolsLoader(w, dp, load, () => tracker)
  installPage(dp, document, me, ready!, load)
}
