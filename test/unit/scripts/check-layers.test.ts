// @vitest-environment node
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
// @ts-expect-error a plain .mjs script, no types
import { check, graph } from '../../../scripts/check-layers.mjs'

type Graph = Record<string, string[]>
const run = (g: Graph, code: Record<string, string> = {}): string[] => check(g, (f: string) => code[f] || '')

describe('the layer check (npm run lint)', () => {
  it('passes on the shipped sources', () => {
    const src = join(process.cwd(), 'src')
    expect(check(graph(src), (f: string) => readFileSync(join(src, f), 'utf8'))).toEqual([])
  })

  it('refuses an upward import, type-only or not', () => {
    const errors = run({ 'storage/db.ts': ['core/types.ts'], 'core/types.ts': [] })
    expect(errors).toEqual(['storage/db.ts → core/types.ts: upward import (storage is below core)'])
  })

  it('refuses a circle, even within one layer', () => {
    const errors = run({ 'journey/a.ts': ['journey/b.ts'], 'journey/b.ts': ['journey/c.ts'], 'journey/c.ts': ['journey/a.ts'] })
    expect(errors).toEqual(['import circle: journey/a.ts → journey/b.ts → journey/c.ts → journey/a.ts'])
  })

  it('keeps the engine pure: no package, no impure module, no DOM or clock', () => {
    const errors = run(
      { 'journey/engine.ts': ['pkg:idb', 'journey/store.ts'], 'journey/store.ts': [], 'journey/rules.ts': [] },
      { 'journey/rules.ts': 'const t = Date.now()' },
    )
    expect(errors).toEqual([
      'journey/engine.ts: pure module imports package idb',
      'journey/engine.ts → journey/store.ts: pure module imports an impure one',
      'journey/rules.ts: pure module uses Date.now',
    ])
  })

  it('keeps Node-only code (the learner, the CLI) out of browser modules', () => {
    const errors = run({ 'entries/index.ts': ['learn/api.ts'], 'journey/engine.ts': [], 'core/env.ts': ['pkg:node:fs'], 'learn/api.ts': ['journey/engine.ts', 'pkg:node:fs'], 'entries/cli.ts': ['learn/api.ts'] })
    expect(errors).toEqual(['entries/index.ts → learn/api.ts: Node-only code in a browser module', 'core/env.ts → node:fs: Node-only code in a browser module'])
  })

  it('names a folder that is not a layer', () => {
    expect(run({ 'widgets/x.ts': [] })[0]).toMatch(/folder "widgets" is not a layer/)
  })

  it('lets nudges use the journey and compose use both', () => {
    expect(run({ 'nudges/policy.ts': ['journey/engine.ts'], 'journey/engine.ts': [], 'compose/plugin.ts': ['nudges/policy.ts', 'core/types.ts'], 'core/types.ts': [] })).toEqual([])
  })
})
