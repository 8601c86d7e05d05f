#!/usr/bin/env node
// Keeps the shape ARCHITECTURE.md draws: imports go down the layers only (type-only
// imports included), no circle between files, and the journey engine stays pure (no DOM,
// storage or clock), so that it runs in Node for the learner. Fails with every offence.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Lowest first: a folder may import from its own and from lower ranks. */
export const LAYERS = { lib: 0, storage: 1, transport: 2, core: 3, journey: 4, nudges: 5, compose: 6, devtools: 7, vitals: 7, consent: 7, learn: 7, page: 8, react: 8, entries: 9 }
/** Files that must stay pure: the engine and what it is made of. */
export const PURE = ['journey/engine.ts', 'journey/state.ts', 'journey/ids.ts', 'journey/snapshot.ts', 'journey/rules.ts', 'journey/duration.ts', 'journey/pattern.ts', 'journey/types.ts', 'journey/check.ts', 'lib/json.ts']
/** Node only (the learner and the CLI): only each other may import them, or `node:` modules. */
export const NODE_ONLY = /^(learn\/|entries\/(cli|learn)[^/]*\.ts$)/
const IMPURE = /\b(window|document|localStorage|indexedDB|navigator|Date\.now|setTimeout|setInterval|performance)\b/

const IMPORT = /^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]|import\(['"]([^'"]+)['"]\)/gm

/** `{ file: [imported files] }` for every .ts file under `src`, paths relative to it. */
export function graph(src) {
  const g = {}
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name)
      if (e.isDirectory()) walk(p)
      else if (/\.ts$/.test(e.name) && !/\.d\.ts$/.test(e.name)) g[relative(src, p)] = imports(src, p)
    }
  }
  walk(src)
  return g
}

function imports(src, file) {
  const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '')
  const out = []
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] || m[2] || m[3]
    if (spec.startsWith('.')) out.push(relative(src, resolve(dirname(file), spec)).replace(/\.js$/, '.ts'))
    else out.push('pkg:' + spec)
  }
  return out
}

/** Every offence against the layers, the purity rule and acyclicity, as readable lines. */
export function check(g, read = () => '') {
  const errors = []
  const layer = (f) => f.split('/')[0]
  for (const [f, deps] of Object.entries(g)) {
    const from = LAYERS[layer(f)]
    if (from == null && f.includes('/')) errors.push(`${f}: folder "${layer(f)}" is not a layer (${Object.keys(LAYERS).join(', ')})`)
    for (const d of deps) {
      if (!NODE_ONLY.test(f) && (NODE_ONLY.test(d) || d.startsWith('pkg:node:'))) errors.push(`${f} → ${d.replace(/^pkg:/, '')}: Node-only code in a browser module`)
      if (d.startsWith('pkg:')) {
        if (PURE.includes(f)) errors.push(`${f}: pure module imports package ${d.slice(4)}`)
        continue
      }
      const to = LAYERS[layer(d)]
      if (from != null && to != null && to > from) errors.push(`${f} → ${d}: upward import (${layer(f)} is below ${layer(d)})`)
      if (PURE.includes(f) && !PURE.includes(d)) errors.push(`${f} → ${d}: pure module imports an impure one`)
    }
    if (PURE.includes(f)) {
      const m = read(f).replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '').match(IMPURE)
      if (m) errors.push(`${f}: pure module uses ${m[0]}`)
    }
  }
  for (const c of cycles(g)) errors.push('import circle: ' + c.join(' → '))
  return errors
}

/** The circles among files (each reported once, from its first file in DFS order). */
export function cycles(g) {
  const found = []
  const state = {} // 1: on the stack, 2: done
  const stack = []
  const visit = (f) => {
    state[f] = 1
    stack.push(f)
    for (const d of g[f] || []) {
      if (!(d in g)) continue
      if (state[d] == 1) found.push([...stack.slice(stack.indexOf(d)), d])
      else if (!state[d]) visit(d)
    }
    stack.pop()
    state[f] = 2
  }
  for (const f of Object.keys(g)) if (!state[f]) visit(f)
  return found
}

if (process.argv[1] && resolve(process.argv[1]) == fileURLToPath(import.meta.url)) {
  const src = fileURLToPath(new URL('../src', import.meta.url))
  const g = graph(src)
  const errors = check(g, (f) => readFileSync(join(src, f), 'utf8'))
  for (const e of errors) console.error('layers: ' + e)
  if (errors.length) process.exit(1)
  console.log(`layers: ${Object.keys(g).length} files, imports go one way, no circle`)
}
