import { readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { $, fakeTracker, host } from './fake.js'

type Global = { desirePath?: Record<string, unknown> & { attachDevtools?: (t: unknown) => () => void } }
const w = window as unknown as Global

afterEach(() => {
  // an overlay a failed test left: attaching another "tracker" replaces it, its detach removes both
  w.desirePath?.attachDevtools?.(null)()
  host()?.remove()
  delete w.desirePath
  vi.resetModules()
})

describe('the script-tag build (devtools-iife.ts)', () => {
  it('merges attachDevtools into window.desirePath and attaches to its tracker at once, expanded', async () => {
    const f = fakeTracker()
    w.desirePath = { tracker: f.tracker, track: 'kept' }
    await import('../../../src/entries/devtools-iife.js')
    expect(typeof w.desirePath.attachDevtools).toBe('function')
    expect(w.desirePath.track).toBe('kept')
    expect(host()).not.toBeNull()
    expect($('overlay').hidden).toBe(false)
    // the loader calls it again after loading: the same overlay, expanded again
    $('collapse').click()
    const detach = w.desirePath.attachDevtools!(w.desirePath.tracker)
    expect(document.querySelectorAll('desire-path-devtools')).toHaveLength(1)
    expect($('overlay').hidden).toBe(false)
    detach()
    expect(host()).toBeNull()
  })

  it('without a page tracker: creates window.desirePath with attachDevtools, attaches nothing', async () => {
    await import('../../../src/entries/devtools-iife.js')
    expect(typeof w.desirePath?.attachDevtools).toBe('function')
    expect(host()).toBeNull()
  })
})

/** Every file `entry` imports, directly or not (relative imports of src/). */
function graph(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen
  seen.add(entry)
  const src = readFileSync(entry, 'utf8')
  for (const m of Array.from(src.matchAll(/(?:import|export)[^'"]*?from\s+'(\.[^']+\.js)'|import\('(\.[^']+\.js)'\)/g)))
    graph(join(dirname(entry), (m[1] || m[2])!.replace(/\.js$/, '.ts')), seen)
  return seen
}

describe('the overlay is never in the tracker’s bundles', () => {
  const src = join(dirname(fileURLToPath(import.meta.url)), '../../../src')
  it.each(['entries/index.ts', 'entries/journey.ts', 'entries/iife.ts', 'entries/nudges.ts'])('%s does not import src/devtools', (entry) => {
    const files = [...graph(join(src, entry))].map((f) => relative(src, f))
    expect(files.length).toBeGreaterThan(1)
    expect(files.filter((f) => f.startsWith('devtools/') || f == 'entries/devtools.ts')).toEqual([])
  })
})
