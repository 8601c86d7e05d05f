const ISO = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/
const UNIT = [7 * 864e5, 864e5, 36e5, 6e4, 1e3]

/**
 * ISO-8601 duration in ms: weeks, days, hours, minutes, seconds (`P1W`, `P3D`, `PT10M`,
 * `P1DT12H`, `PT0.5S`). Years and months are refused (their length varies). NaN if invalid.
 */
export function parseDuration(d: unknown): number {
  const m = typeof d == 'string' && d != 'P' && !d.endsWith('T') ? ISO.exec(d) : null
  return m && m.slice(1).some(Boolean) ? m.slice(1).reduce((ms, v, i) => ms + (v ? +v * UNIT[i]! : 0), 0) : NaN
}

/** A short human form for explanations: "2 days", "10 minutes". */
export function humanize(ms: number): string {
  for (const [n, unit] of [[864e5, 'day'], [36e5, 'hour'], [6e4, 'minute'], [1e3, 'second']] as const)
    if (ms >= n) {
      const v = Math.round((ms / n) * 10) / 10
      return `${v} ${unit}${v == 1 ? '' : 's'}`
    }
  return `${ms} ms`
}
