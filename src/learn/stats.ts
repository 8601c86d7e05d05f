import type { ArmCounts } from './types.js'

// Pure statistics for the uplift of a nudge: treatment against control, two proportions.

// W. J. Cody, "Rational Chebyshev approximations for the error function", Math. Comp. 23
// (1969), as in SPECFUN's CALERF: erfc with a relative error under 1e-15 (also in the tails).
const A = [3.1611237438705655, 113.86415415105016, 377.485237685302, 3209.3775891384694, 0.18577770618460315]
const B = [23.601290952344122, 244.02463793444417, 1282.6165260773723, 2844.236833439171]
const C = [
  0.5641884969886701, 8.883149794388377, 66.11919063714163, 298.6351381974001, 881.952221241769, 1712.0476126340707, 2051.0783778260716,
  1230.3393547979972, 2.1531153547440383e-8,
]
const D = [
  15.744926110709835, 117.6939508913125, 537.1811018620099, 1621.3895745666903, 3290.7992357334597, 4362.619090143247, 3439.3676741437216,
  1230.3393548037495,
]
const P = [0.30532663496123236, 0.36034489994980445, 0.12578172611122926, 0.016083785148742275, 0.0006587491615298378, 0.016315387137302097]
const Q = [2.568520192289822, 1.8729528499234673, 0.5279051029514285, 0.06051834131244132, 0.0023352049762686918]
const SQRT_PI_INV = 0.5641895835477563

/** Cody's numerator and denominator: n = (…((k[m]·v + k[0])·v + k[1])·v … + k[j−1])·v, d the same from v with l. */
function horner(k: number[], l: number[], j: number, v: number, m: number): [number, number] {
  let n = k[m]! * v, d = v
  for (let i = 0; i < j; i++) {
    n = (n + k[i]!) * v
    d = (d + l[i]!) * v
  }
  return [n, d]
}

/** The complementary error function, erfc(x) = 1 − erf(x). */
function erfc(x: number): number {
  const y = Math.abs(x)
  if (y <= 0.5) {
    const [n, d] = horner(A, B, 3, y * y, 4)
    return 1 - (x * (n + A[3]!)) / (d + B[3]!)
  }
  // beyond 26.6, erfc underflows
  if (!(y < 27)) return Number.isNaN(x) ? NaN : x < 0 ? 2 : 0
  let r: number
  if (y <= 4) {
    const [n, d] = horner(C, D, 7, y, 8)
    r = (n + C[7]!) / (d + D[7]!)
  } else {
    const z = 1 / (y * y)
    const [n, d] = horner(P, Q, 4, z, 5)
    r = (SQRT_PI_INV - (z * (n + P[4]!)) / (d + Q[4]!)) / y
  }
  // exp(−y²) as exp(−s²)·exp(−(y−s)(y+s)), s = y to 1/16: no rounding error of y² magnified
  const s = Math.trunc(y * 16) / 16
  r *= Math.exp(-s * s) * Math.exp(-(y - s) * (y + s))
  return x < 0 ? 2 - r : r
}

/** The standard normal distribution function Φ(z) (absolute error < 1e-15; the lower tail to a relative 1e-15). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2)
}

/** Φ⁻¹(0.975): the two-sided 95% normal quantile. */
export const Z95 = 1.959963984540054

/** The Wilson score interval (95%) of x successes in n. */
function wilson(x: number, n: number): [number, number] {
  const z2 = Z95 * Z95
  const mid = (x + z2 / 2) / (n + z2)
  const half = (Z95 * Math.sqrt((x * (n - x)) / n + z2 / 4)) / (n + z2)
  return [Math.max(0, mid - half), Math.min(1, mid + half)]
}

/** A comparison of two arms' conversion rates (see compareArms). */
export interface ArmComparison {
  /** pt / pc − 1 */
  relative: number | null
  ci95: [number, number] | null
  /** two-sided */
  p: number | null
  /** pt − pc */
  absolute: number | null
  absoluteCi95: [number, number] | null
}

/**
 * Treatment `t` against control `c`, conversions among subjects:
 * - `absolute`: pt − pc, with Newcombe's 95% interval (hybrid Wilson score, method 10).
 * - `relative`: pt / pc − 1, from the raw rates; null when pc is 0 (no finite ratio).
 * - `ci95`: the 95% interval of `relative`, from the log risk ratio (Katz). When a count is
 *   0 or equals its subjects (log or variance undefined), both arms get 0.5 conversions and
 *   1 subject more (0.5 in each cell), so the interval exists even when `relative` does not.
 * - `p`: the two-sided pooled two-proportion z-test; null when both rates are 0 or both 1
 *   (the statistic is 0/0).
 * An empty arm (no subjects) gives nulls throughout.
 * @example compareArms({ subjects: 1000, conversions: 450 }, { subjects: 1000, conversions: 300 }).relative // 0.5
 */
export function compareArms(t: ArmCounts, c: ArmCounts): ArmComparison {
  const none: ArmComparison = { relative: null, ci95: null, p: null, absolute: null, absoluteCi95: null }
  const { subjects: nt, conversions: xt } = t
  const { subjects: nc, conversions: xc } = c
  if (!(nt > 0 && nc > 0) || !(xt >= 0 && xt <= nt && xc >= 0 && xc <= nc)) return none
  const pt = xt / nt, pc = xc / nc
  const absolute = pt - pc
  const [lt, ut] = wilson(xt, nt)
  const [lc, uc] = wilson(xc, nc)
  const absoluteCi95: [number, number] = [absolute - Math.hypot(pt - lt, uc - pc), absolute + Math.hypot(ut - pt, pc - lc)]
  const pool = (xt + xc) / (nt + nc)
  const se = Math.sqrt(pool * (1 - pool) * (1 / nt + 1 / nc))
  const p = se > 0 ? Math.min(1, 2 * normalCdf(-Math.abs(absolute) / se)) : null
  const fix = [xt, xc].some((x, i) => x == 0 || x == [nt, nc][i]) ? 0.5 : 0
  const [at, ac, mt, mc] = [xt + fix, xc + fix, nt + 2 * fix, nc + 2 * fix]
  const log = Math.log(at / mt / (ac / mc))
  const w = Z95 * Math.sqrt(1 / at - 1 / mt + 1 / ac - 1 / mc)
  return { relative: pc > 0 ? pt / pc - 1 : null, ci95: [Math.exp(log - w) - 1, Math.exp(log + w) - 1], p, absolute, absoluteCi95 }
}

/**
 * A warning when either arm is below the minimum sample, or undefined:
 * `below the minimum sample: 40 subjects in treatment (minimum 100), 3 conversions in control (minimum 10)`.
 * `names` label the arms (`['treatment', 'holdout']` when the holdout stands in for control).
 */
export function warningFor(
  t: ArmCounts,
  c: ArmCounts,
  minSubjects = 100,
  minConversions = 10,
  names: [string, string] = ['treatment', 'control'],
): string | undefined {
  const low: string[] = []
  for (const [i, a] of [t, c].entries()) {
    if (a.subjects < minSubjects) low.push(`${a.subjects} subjects in ${names[i]} (minimum ${minSubjects})`)
    else if (a.conversions < minConversions) low.push(`${a.conversions} conversions in ${names[i]} (minimum ${minConversions})`)
  }
  return low.length ? 'below the minimum sample: ' + low.join(', ') : undefined
}
