import { afterEach, describe, expect, it } from 'vitest'
import { loader } from '../../../src/page/load.js'
import type { TrustedTypesWindow } from '../../../src/page/types.js'

// Files beside the build (the overlay, the nudges): one script element each, and under
// Trusted Types one policy that makes only URLs of files right beside the build.
afterEach(() => document.head.querySelectorAll('script').forEach((s) => s.remove()))

describe('loader', () => {
  it('loads a file from beside the build and resolves once it ran', async () => {
    const load = loader(window, 'https://cdn.test/dp@1/dist/desire-path.iife.js?v=1')
    const done = load('desire-path-nudges.iife.js')
    const s = document.head.querySelector('script')!
    expect(s.src).toBe('https://cdn.test/dp@1/dist/desire-path-nudges.iife.js')
    s.dispatchEvent(new Event('load'))
    await expect(done).resolves.toBeDefined()
  })

  it('rejects when the file does not load', async () => {
    const done = loader(window, 'https://cdn.test/dist/desire-path.iife.js')('desire-path-devtools.iife.js')
    document.head.querySelector('script')!.dispatchEvent(new Event('error'))
    await expect(done).rejects.toThrow('desire-path-devtools.iife.js not loaded')
  })

  it("under Trusted Types, makes script URLs through one policy that refuses anything but a file beside the build", () => {
    const made: { name: string; rule: (s: string) => string }[] = []
    const w = Object.assign(Object.create(window), {
      document,
      trustedTypes: {
        createPolicy(name: string, p: { createScriptURL(s: string): string }) {
          made.push({ name, rule: p.createScriptURL })
          return { createScriptURL: p.createScriptURL }
        },
      },
    }) as TrustedTypesWindow
    const load = loader(w, 'https://cdn.test/dist/desire-path.iife.js')
    void load('desire-path-nudges.iife.js').catch(() => {})
    void load('desire-path-devtools.iife.js').catch(() => {})
    expect(made.map((m) => m.name)).toEqual(['desire-path-loader'])
    const rule = made[0]!.rule
    expect(rule('https://cdn.test/dist/desire-path-devtools.iife.js')).toBe('https://cdn.test/dist/desire-path-devtools.iife.js')
    expect(() => rule('https://evil.test/dist/x.js')).toThrow(/not a desire-path file/)
    expect(() => rule('https://cdn.test/dist/sub/x.js')).toThrow(/not a desire-path file/)
    expect(() => rule('https://cdn.test/dist/x.js?y')).toThrow(/not a desire-path file/)
  })
})
