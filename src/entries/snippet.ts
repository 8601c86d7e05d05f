import { MAX_CALLS, METHOD_LIST, ON, type Call, type PageApi, type TrustedTypesWindow } from '../page/types.js'

// The snippet, pasted into a marketing page's <head> (built to dist/snippet.min.js, ≤ 1 KB).
// It defines a stub `window.desirePath` at once and loads the build async: calls made before
// the build arrives are kept (with their time) and replayed by the build (page/page.ts), in
// order. The data attributes of the snippet's own <script> tag (data-endpoint, ...) go to
// the build's tag, so the pasted text, and so its CSP hash, never changes. The last two
// arguments at the bottom are the build's URL and its SRI hash: self-hosting sites change
// the URL (and the hash, or '' for none).
// What a stub method does is page/stub.ts's keep(), written out again here: a function
// shared with the build would cost the snippet a wrapper and ~60 bytes of its 1 KB.
;((w: TrustedTypesWindow & { desirePath?: PageApi }, d: Document, url: string, sri: string) => {
  const old = w.desirePath
  // pasted twice, or the build is here already: one tracker, one load. Someone else's: theirs.
  if (old) return void (old.$dp || console.warn('[desire-path] window.desirePath is taken'))
  const q: Call[] = []
  const dp: PageApi & { $lost: number } = (w.desirePath = { $dp: 1, $q: q, $lost: 0 })
  METHOD_LIST.split(' ').forEach(
    (m, i) =>
      (dp[m] = (...args: unknown[]) => {
        const c: Call = [m, args, Date.now()]
        // full (the build blocked, say): the oldest call goes, but never the init
        if (q.push(c) > MAX_CALLS && q.splice(+(q[0]![0] == 'init'), 1)) dp.$lost++
        return i == ON ? () => void (c[4] ||= String)() : i > ON ? new Promise((r) => (c[3] = r)) : undefined
      }),
  )
  try {
    const s = d.createElement('script') // async: a script made by a script is
    for (const a of d.currentScript?.attributes || []) if (!a.name.indexOf('data-')) s.setAttribute(a.name, a.value)
    if (sri) {
      s.integrity = sri
      s.crossOrigin = 'anonymous'
    }
    // under `require-trusted-types-for 'script'` a script URL must come from a policy
    s.src = w.trustedTypes ? w.trustedTypes.createPolicy('desire-path', { createScriptURL: () => url }).createScriptURL('') : url
    d.head.append(s)
  } catch (e) {
    console.warn(e)
  }
})(window, document, __BUILD_URL__, __BUILD_SRI__)
