// CPU profile of track() (run with `npm run bench -- --profile`): samples the page with the
// CDP Profiler while it runs rounds of track() calls, keeps only samples taken inside the
// timed rounds, and attributes them to source lines through dist/desire-path.iife.js.map.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'

const DIST = fileURLToPath(new URL('../dist/desire-path.iife.js.map', import.meta.url))

async function loadMapper() {
  let TraceMap, originalPositionFor
  try {
    // present through rollup's terser plugin; optional: without it frames keep minified names
    ;({ TraceMap, originalPositionFor } = await import('@jridgewell/trace-mapping'))
  } catch {
    return (cf) => ({ label: cf.functionName || '(anonymous)', where: 'dist/desire-path.iife.js:' + (cf.lineNumber + 1) + ':' + cf.columnNumber })
  }
  const map = new TraceMap(readFileSync(DIST, 'utf8'))
  const files = new Map()
  const lineOf = (source, line) => {
    const path = join(dirname(DIST), source)
    if (!files.has(path)) {
      try {
        files.set(path, readFileSync(path, 'utf8').split('\n'))
      } catch {
        files.set(path, [])
      }
    }
    return (files.get(path)[line - 1] || '').trim()
  }
  return (cf) => {
    const p = originalPositionFor(map, { line: cf.lineNumber + 1, column: cf.columnNumber })
    if (!p.source) return { label: cf.functionName || '(anonymous)', where: 'dist:' + (cf.lineNumber + 1) }
    const src = p.source.replace(/^(\.\.\/)+/, '')
    const text = lineOf(p.source, p.line)
    return { label: text.length > 70 ? text.slice(0, 67) + '...' : text, where: `${src}:${p.line}` }
  }
}

/**
 * @param {import('playwright-core').Page} page
 * @param {import('playwright-core').CDPSession} cdp
 * @param {() => Promise<unknown>} run runs the workload in the page
 */
export async function profileTrack(cdp, run, { intervalUs = 20, top = 18 } = {}) {
  await cdp.send('Profiler.enable')
  await cdp.send('Profiler.setSamplingInterval', { interval: intervalUs })
  await cdp.send('Profiler.start')
  await run()
  const { profile } = await cdp.send('Profiler.stop')
  await cdp.send('Profiler.disable')
  const mapFrame = await loadMapper()

  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map()
  for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id)
  const isSdk = (cf) => cf.url.endsWith('/dist/desire-path.iife.js')
  const key = (cf) => {
    if (isSdk(cf)) {
      const m = mapFrame(cf)
      return `${m.where}  ${m.label}`
    }
    if (!cf.url) return cf.functionName || '(anonymous)'
    return `${cf.functionName || '(anonymous)'} (${cf.url.replace(/^.*\//, '')}:${cf.lineNumber + 1})`
  }
  const keys = new Map()
  const keyOf = (node) => {
    if (!keys.has(node.id)) keys.set(node.id, key(node.callFrame))
    return keys.get(node.id)
  }
  // Samples inside the harness's timed `round` function only (not idle time, not background work).
  const inRound = (id) => {
    for (let x = id; x != null; x = parent.get(x)) {
      const cf = byId.get(x).callFrame
      if (cf.functionName == 'round' && cf.url.endsWith('/harness.js')) return true
    }
    return false
  }
  const self = new Map()
  const total = new Map()
  let all = 0
  const { samples, timeDeltas } = profile
  for (let i = 0; i < samples.length; i++) {
    // a sample's time is the delta to the next sample
    const dt = timeDeltas[i + 1] ?? 0
    const id = samples[i]
    if (!inRound(id)) continue
    all += dt
    const leaf = keyOf(byId.get(id))
    self.set(leaf, (self.get(leaf) || 0) + dt)
    const seen = new Set()
    for (let x = id; x != null; x = parent.get(x)) {
      const k = keyOf(byId.get(x))
      if (seen.has(k)) continue
      seen.add(k)
      total.set(k, (total.get(k) || 0) + dt)
    }
  }
  const rows = (m) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => ({ pct: (100 * us) / all, ms: us / 1000, frame: k }))
  return { sampledMs: all / 1000, intervalUs, self: rows(self), total: rows(total) }
}

export function printProfile(p, calls) {
  const line = (r) => `  ${r.pct.toFixed(1).padStart(5)}%  ${r.ms.toFixed(1).padStart(7)} ms  ${r.frame}`
  console.log(`\nCPU profile of track(): ${p.sampledMs.toFixed(1)} ms sampled inside timed rounds (${calls} calls, ${p.intervalUs} µs sampling; profiler overhead inflates absolute times)`)
  console.log(' self time (where the CPU was):')
  p.self.forEach((r) => console.log(line(r)))
  console.log(' inclusive time (function and what it called):')
  p.total.forEach((r) => console.log(line(r)))
}
