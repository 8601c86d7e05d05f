import type { StageStats } from './types.js'

// Next-step odds among the path's steps, from what successful customers did next (any
// candidate). Steps that are not on the path are passed through: the customer's walk is
// read as a Markov chain, and the odds that the next path step after `a` is `b` are its
// absorption probabilities (solved exactly, (I − Q)·X = R, by Gaussian elimination).

/** Other candidates beyond this many (by traffic) are pooled into one node. */
const MAX_NODES = 200

/** odds[i][j]: the probability that path step j is the next one after path step i. */
export function nextSteps(st: StageStats, path: string[]): number[][] {
  const counts = new Map<string, Map<string, number>>()
  for (const [k, n] of Object.entries(st.next)) {
    const [a, b] = k.split('\t') as [string, string]
    if (a == '^') continue
    const row = counts.get(a) || counts.set(a, new Map()).get(a)!
    row.set(b, (row.get(b) || 0) + n)
  }
  const onPath = new Map(path.map((k, i) => [k, i]))
  const out = (a: string) => [...(counts.get(a)?.values() || [])].reduce((x, y) => x + y, 0)
  const others = [...counts.keys()].filter((k) => !onPath.has(k)).sort((a, b) => out(b) - out(a) || (a < b ? -1 : 1))
  const kept = new Map(others.slice(0, MAX_NODES).map((k, i) => [k, i]))
  const pool = others.length > MAX_NODES ? MAX_NODES : -1
  const T = kept.size + (pool >= 0 ? 1 : 0)
  const node = (k: string) => (onPath.has(k) ? -1 : kept.get(k) ?? (k == '$' ? -2 : pool))

  // rows: transient nodes' transitions (Q to transient, R to path steps), normalised
  const Q = Array.from({ length: T }, () => new Float64Array(T))
  const R = Array.from({ length: T }, () => new Float64Array(path.length))
  const tot = new Float64Array(T)
  for (const [a, row] of counts) {
    const i = node(a)
    if (i < 0) continue
    for (const [b, n] of row) {
      tot[i]! += n
      if (onPath.has(b)) R[i]![onPath.get(b)!]! += n
      else if (node(b) >= 0) Q[i]![node(b)]! += n
    }
  }
  for (let i = 0; i < T; i++)
    if (tot[i]) {
      for (let j = 0; j < T; j++) Q[i]![j]! /= tot[i]!
      for (let j = 0; j < path.length; j++) R[i]![j]! /= tot[i]!
    }
  const X = solve(Q, R)

  return path.map((a, i) => {
    const odds = new Array<number>(path.length).fill(0)
    const row = counts.get(a)
    const n = out(a)
    if (!row || !n) return odds
    for (const [b, c] of row) {
      const j = onPath.get(b)
      const v = node(b)
      if (j != null) odds[j]! += c / n
      else if (v >= 0) for (let k = 0; k < path.length; k++) odds[k]! += (c / n) * X[v]![k]!
    }
    // a step is done once: a walk that comes back to it goes on from it, so its own share
    // goes to the others in proportion
    const self = odds[i]!
    odds[i] = 0
    return self < 1 ? odds.map((x) => x / (1 - self)) : odds
  })
}

/** X = (I − Q)⁻¹·R, by Gaussian elimination with partial pivoting. */
function solve(Q: Float64Array[], R: Float64Array[]): Float64Array[] {
  const n = Q.length
  const m = R[0]?.length || 0
  const A = Q.map((row, i) => {
    const r = new Float64Array(n + m)
    for (let j = 0; j < n; j++) r[j] = (i == j ? 1 : 0) - row[j]!
    r.set(R[i]!, n)
    return r
  })
  for (let c = 0; c < n; c++) {
    let p = c
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r]![c]!) > Math.abs(A[p]![c]!)) p = r
    ;[A[c], A[p]] = [A[p]!, A[c]!]
    const d = A[c]![c]!
    if (Math.abs(d) < 1e-12) continue
    for (let r = 0; r < n; r++) {
      if (r == c || !A[r]![c]) continue
      const f = A[r]![c]! / d
      for (let j = c; j < n + m; j++) A[r]![j]! -= f * A[c]![j]!
    }
  }
  return A.map((r, i) => {
    const d = r[i]!
    return Float64Array.from(r.subarray(n), (v) => (Math.abs(d) < 1e-12 ? 0 : v / d))
  })
}
