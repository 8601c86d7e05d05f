import type { TrustedTypesWindow } from './types.js'

/**
 * Loads `file` from beside the build (`src`, the build's own URL): the overlay, the nudge
 * policy. Under `require-trusted-types-for 'script'` the URL comes from one policy,
 * `desire-path-loader`, which makes only such URLs. Resolves once the file ran.
 */
export function loader(w: TrustedTypesWindow, src: string) {
  const base = src.replace(/[^/?#]*([?#].*)?$/, '')
  let tt: { createScriptURL(s: string): string } | undefined
  /** the policy's rule: a file right beside the build, nothing else */
  const mine = (u: string) => {
    if (u.indexOf(base) || /[/?#]/.test(u.slice(base.length))) throw new Error('not a desire-path file: ' + u)
    return u
  }
  return (file: string) =>
    new Promise((ok, no) => {
      const d = w.document
      const s = d.createElement('script')
      s.onload = ok
      s.onerror = () => no(new Error(file + ' not loaded'))
      const url = base + file
      s.src = w.trustedTypes ? (tt ||= w.trustedTypes.createPolicy('desire-path-loader', { createScriptURL: mine })).createScriptURL(url) : url
      d.head.append(s)
    })
}
