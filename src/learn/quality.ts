import type { Quality, QualityKind } from './types.js'

/** How many first places of each kind are kept. */
const FIRST = 5

export const quality = (): Quality => ({ counts: {}, first: {} })

/** Counts one problem of `kind` at `file:line`. */
export function count(q: Quality, kind: QualityKind, file: string, line: number): void {
  q.counts[kind] = (q.counts[kind] || 0) + 1
  const f = (q.first[kind] ||= [])
  if (f.length < FIRST) f.push(`${file}:${line}`)
}

/**
 * Adds `from` into `to`. First places are kept in the order of `files` (the run's input
 * list) and line, so any split of the work keeps the same ones.
 */
export function mergeQuality(to: Quality, from: Quality, files: string[]): void {
  const order = new Map(files.map((f, i) => [f, i]))
  const place = (s: string) => {
    const i = s.lastIndexOf(':')
    return [order.get(s.slice(0, i)) ?? Infinity, +s.slice(i + 1)] as const
  }
  for (const [k, n] of Object.entries(from.counts) as [QualityKind, number][]) {
    to.counts[k] = (to.counts[k] || 0) + n
    const all = [...(to.first[k] || []), ...(from.first[k] || [])]
    to.first[k] = [...new Set(all)]
      .sort((a, b) => {
        const [fa, la] = place(a)
        const [fb, lb] = place(b)
        return fa - fb || la - lb
      })
      .slice(0, FIRST)
  }
}
