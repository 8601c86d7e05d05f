// @vitest-environment node
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

// What the build put in dist/ (run with DIST=1, after `npm run build`): the devtools
// overlay is in its own files only, and dist/integrity.json tells the truth.
const dist = new URL('../../dist/', import.meta.url)
const read = (f: string) => readFileSync(new URL(f, dist), 'utf8')
/** the source files a built file was made from, by its source map; for ESM, with the chunks it imports */
const sources = (file: string, seen = new Set<string>()): string[] => {
  if (seen.has(file)) return []
  seen.add(file)
  const own = JSON.parse(read(file + '.map')).sources as string[]
  const chunks = [...read(file).matchAll(/from"\.\/([^"]+\.js)"/g)].map((m) => m[1]!)
  return [...own, ...chunks.flatMap((c) => sources(c, seen))]
}

describe('dist/', () => {
  it('keeps the devtools overlay out of the core, journey and script-tag builds', () => {
    for (const f of ['index.js', 'journey.js', 'nudges.js', 'desire-path.iife.js', 'desire-path-nudges.iife.js']) {
      const src = sources(f)
      expect(src.length, f).toBeGreaterThan(0)
      expect(src.filter((s) => s.includes('/devtools/')), f).toEqual([])
    }
    expect(read('desire-path.iife.js')).not.toMatch(/customElements/)
    // and it is all in its own bundle
    expect(sources('desire-path-devtools.iife.js').some((s) => s.includes('/devtools/'))).toBe(true)
  })

  it('writes the SRI hash of every script-tag file and the snippet\'s CSP hash to integrity.json', () => {
    const integrity = JSON.parse(read('integrity.json'))
    const iifes = readdirSync(dist).filter((f) => f.endsWith('.iife.js'))
    expect(Object.keys(integrity.sri).sort()).toEqual(iifes.sort())
    for (const f of iifes) expect(integrity.sri[f]).toBe('sha384-' + createHash('sha384').update(readFileSync(new URL(f, dist))).digest('base64'))
    const snippet = read('snippet.min.js')
    expect(integrity.snippet.csp).toBe('sha256-' + createHash('sha256').update(snippet).digest('base64'))
    // the snippet loads the same version's build, and checks it against its hash
    const version = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version
    expect(snippet).toContain(`"https://cdn.jsdelivr.net/npm/desire-path@${version}/dist/desire-path.iife.js","${integrity.sri['desire-path.iife.js']}"`)
    expect(existsSync(new URL('snippet.min.js.map', dist))).toBe(false)
  })
})
