// CPU profile of track(), for `npm run bench -- --profile`.
// The page gets an unminified bundle of src/ (esbuild, served in place of dist/desire-path.iife.js
// through page.route, nothing written to disk) so samples can be attributed to source lines;
// without esbuild it falls back to the minified dist bundle and function-level figures.
// The CDP Profiler samples the page while it runs timed rounds of track(); only samples taken
// inside the harness's `round` function count (not idle time, not the tracker's background work).
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BUNDLE = '/dist/desire-path.iife.js'

async function traceMapping() {
  try {
    return await import('@jridgewell/trace-mapping') // installed with rollup's terser plugin
  } catch {
    return undefined
  }
}

/**
 * Serves an unminified, source-mapped build to `page` (call before page.goto).
 * @returns a description of what is profiled
 */
export async function useProfileBundle(page, headers) {
  let esbuild
  try {
    esbuild = await import('esbuild') // installed with vitest/vite
  } catch {
    return { bundle: 'dist (minified; esbuild not installed)', mapText: readFileSync(ROOT + 'dist/desire-path.iife.js.map', 'utf8'), mapBase: ROOT + 'dist/' }
  }
  const { version } = JSON.parse(readFileSync(ROOT + 'package.json', 'utf8'))
  const out = await esbuild.build({
    entryPoints: [ROOT + 'src/entries/iife.ts'],
    bundle: true,
    format: 'iife',
    target: 'es2020',
    write: false,
    sourcemap: 'external',
    outfile: ROOT + 'dist/desire-path.iife.js', // not written: only sets the map's relative paths
    define: { __VERSION__: JSON.stringify(version) },
    logLevel: 'silent',
  })
  const js = out.outputFiles.find((f) => f.path.endsWith('.js')).text
  const mapText = out.outputFiles.find((f) => f.path.endsWith('.map')).text
  await page.route('**' + BUNDLE, (route) => route.fulfill({ status: 200, body: js, headers: { 'content-type': 'text/javascript', ...headers } }))
  return { bundle: 'src/ bundled unminified by esbuild (same code, not terser output)', mapText, mapBase: ROOT + 'dist/' }
}

async function makeMapper(mapText, mapBase) {
  const tm = await traceMapping()
  const map = tm && new tm.TraceMap(mapText)
  // source text as bundled (the map's sourcesContent), else as on disk now
  const files = new Map()
  const sourceLine = (source, path, line) => {
    if (!files.has(path)) {
      let text = tm.sourceContentFor(map, source)
      try {
        text ??= readFileSync(path, 'utf8')
      } catch {
        text = ''
      }
      files.set(path, text.split('\n'))
    }
    return (files.get(path)[line - 1] || '').trim()
  }
  /** bundle line (1-based) and column (0-based) → { where, text } */
  return (line, column) => {
    if (!map) return { where: `bundle:${line}`, text: '' }
    let p = tm.originalPositionFor(map, { line, column })
    if (!p.source) p = tm.originalPositionFor(map, { line, column, bias: tm.LEAST_UPPER_BOUND })
    if (!p.source) return { where: `bundle:${line}`, text: '' }
    const path = new URL(p.source, 'file://' + mapBase).pathname
    const text = sourceLine(p.source, path, p.line)
    return { where: `${path.replace(ROOT, '')}:${p.line}`, text: text.length > 80 ? text.slice(0, 77) + '...' : text }
  }
}

/**
 * Profiles `run()` (which must call the page's bench.trackRounds) and summarises the samples.
 * @param {import('playwright-core').CDPSession} cdp
 */
export async function profileTrack(cdp, served, run, { intervalUs = 25, top = 15 } = {}) {
  await cdp.send('Profiler.enable')
  await cdp.send('Profiler.setSamplingInterval', { interval: intervalUs })
  await cdp.send('Profiler.start')
  await run()
  const { profile } = await cdp.send('Profiler.stop')
  await cdp.send('Profiler.disable')
  const mapPos = await makeMapper(served.mapText, served.mapBase)

  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map()
  for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id)
  const isSdk = (cf) => cf.url.endsWith(BUNDLE)
  const fnKey = (cf) => {
    if (isSdk(cf)) {
      const m = mapPos(cf.lineNumber + 1, cf.columnNumber)
      return `${cf.functionName || '(anonymous)'}  ${m.where}`
    }
    if (!cf.url) return cf.functionName || '(anonymous)'
    return `${cf.functionName || '(anonymous)'}  (bench ${cf.url.replace(/^.*\//, '')}:${cf.lineNumber + 1})`
  }
  const inRoundMemo = new Map()
  const inRound = (id) => {
    if (!inRoundMemo.has(id)) {
      const cf = byId.get(id).callFrame
      const p = parent.get(id)
      inRoundMemo.set(id, (cf.functionName == 'round' && cf.url.endsWith('/harness.js')) || (p != null && inRound(p)))
    }
    return inRoundMemo.get(id)
  }

  // function level, from samples (self = leaf frame; inclusive = anywhere on the stack)
  const self = new Map()
  const total = new Map()
  let sampledUs = 0
  let samples = 0
  const { timeDeltas } = profile
  profile.samples.forEach((id, i) => {
    if (!inRound(id)) return
    const dt = timeDeltas[i + 1] ?? 0 // a sample lasts until the next one
    sampledUs += dt
    samples++
    const leaf = fnKey(byId.get(id).callFrame)
    self.set(leaf, (self.get(leaf) || 0) + dt)
    const seen = new Set()
    for (let x = id; x != null; x = parent.get(x)) {
      const k = fnKey(byId.get(x).callFrame)
      if (!seen.has(k)) total.set(k, (total.get(k) || 0) + dt)
      seen.add(k)
    }
  })
  // line level, from each node's positionTicks (self samples per line; builtins such as
  // JSON.stringify or Date#toISOString count on the line that calls them)
  const lines = new Map()
  for (const n of profile.nodes) {
    if (!n.positionTicks || !inRound(n.id)) continue
    const sdk = isSdk(n.callFrame)
    for (const { line, ticks } of n.positionTicks) {
      const k = sdk ? (({ where, text }) => `${where}  ${text}`)(mapPos(line, 0)) : `${fnKey(n.callFrame)} line ${line}`
      lines.set(k, (lines.get(k) || 0) + ticks)
    }
  }
  const ticks = [...lines.values()].reduce((a, b) => a + b, 0)
  const rows = (m, sum) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([frame, v]) => ({ pct: (100 * v) / sum, frame }))
  return { bundle: served.bundle, intervalUs, samples, sampledMs: sampledUs / 1000, self: rows(self, sampledUs), total: rows(total, sampledUs), lines: rows(lines, ticks) }
}

export function printProfile(p, calls) {
  const line = (r) => `  ${r.pct.toFixed(1).padStart(5)}%  ${r.frame}`
  console.log(`\nCPU profile of track(): ${p.samples} samples (${p.sampledMs.toFixed(0)} ms) inside timed rounds, ${calls} calls, ${p.intervalUs} µs sampling`)
  console.log(`  code: ${p.bundle}; the profiler's overhead inflates absolute times, the shares are what matter`)
  console.log(' self time by source line:')
  p.lines.forEach((r) => console.log(line(r)))
  console.log(' self time by function:')
  p.self.forEach((r) => console.log(line(r)))
  console.log(' inclusive time by function:')
  p.total.slice(0, 12).forEach((r) => console.log(line(r)))
}
