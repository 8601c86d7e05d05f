// Shared by the snippet and devtools scenarios and bench/snippet.mjs (not a scenario itself).
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))

/** Installed before any script: every securitypolicyviolation goes to window.__violations. */
export const VIOLATIONS = `(() => { window.__violations = []; addEventListener('securitypolicyviolation', (e) => __violations.push(e.violatedDirective + ' ' + e.blockedURI)) })()`

/** dist/snippet.min.js loading the build from `src` instead of the CDN (the text a CSP hash is of). */
export function snippetFor(src) {
  const text = readFileSync(ROOT + 'dist/snippet.min.js', 'utf8')
  const url = text.match(/"(https:\/\/cdn\.jsdelivr\.net[^"]+)"/)[1]
  return text.replace(url, src)
}

/** The CSP source that allows the inline script `text`. */
export const sha256 = (text) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`
