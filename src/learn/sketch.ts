import type { Sketch } from './types.js'

// A quantile sketch with fixed logarithmic buckets (DDSketch's mapping, relative error
// ALPHA): a value v > 1 s goes to bucket ceil(log_γ(v / 1 s)). Merging adds counts, so any
// split of the data into shards gives the same buckets and the same quantiles.

const ALPHA = 0.01
const GAMMA = (1 + ALPHA) / (1 - ALPHA)
const LOG = Math.log(GAMMA)
const UNIT = 1000

export const sketch = (): Sketch => ({ b: {}, n: 0 })

/** Adds a duration in ms (negative values count as 0). */
export function add(s: Sketch, ms: number): void {
  const i = ms <= UNIT ? 0 : Math.ceil(Math.log(ms / UNIT) / LOG)
  s.b[i] = (s.b[i] || 0) + 1
  s.n++
}

/** Adds `from`'s counts into `to`. */
export function merge(to: Sketch, from: Sketch): void {
  for (const [i, c] of Object.entries(from.b)) to.b[i] = (to.b[i] || 0) + c
  to.n += from.n
}

/** The q-quantile (0..1) in ms, within 1% of an exact one; NaN if empty. */
export function quantile(s: Sketch, q: number): number {
  if (!s.n) return NaN
  const rank = Math.ceil(q * s.n)
  let seen = 0
  for (const i of Object.keys(s.b).map(Number).sort((a, b) => a - b)) {
    seen += s.b[i]!
    if (seen >= rank) return i == 0 ? UNIT : (UNIT * 2 * GAMMA ** i) / (GAMMA + 1)
  }
  return NaN
}
