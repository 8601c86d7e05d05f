import type { Quality, QualityKind } from './types.js'

/** How many first places of each kind are kept. */
const FIRST = 5

export const quality = (): Quality => ({ counts: {}, first: {} })

/**
 * Counts one problem of `kind` at `file:line`. Places met in input order need nothing
 * more; with `files` (the run's input list), places met in any order keep the first ones.
 */
export function count(q: Quality, kind: QualityKind, file: string, line: number, files?: string[]): void {
  q.counts[kind] = (q.counts[kind] || 0) + 1
  const f = (q.first[kind] ||= [])
  if (files) q.first[kind] = sortPlaces([...f, `${file}:${line}`], files)
  else if (f.length < FIRST) f.push(`${file}:${line}`)
}

/** `file:line` places in the order of `files`, then line; the first FIRST of them. */
function sortPlaces(places: string[], files: string[]): string[] {
  const order = new Map(files.map((f, i) => [f, i]))
  const place = (s: string) => {
    const i = s.lastIndexOf(':')
    return [order.get(s.slice(0, i)) ?? Infinity, +s.slice(i + 1)] as const
  }
  return [...new Set(places)]
    .sort((a, b) => {
      const [fa, la] = place(a)
      const [fb, lb] = place(b)
      return fa - fb || la - lb
    })
    .slice(0, FIRST)
}

/**
 * Adds `from` into `to`. First places are kept in the order of `files` (the run's input
 * list) and line, so any split of the work keeps the same ones.
 */
export function mergeQuality(to: Quality, from: Quality, files: string[]): void {
  for (const [k, n] of Object.entries(from.counts) as [QualityKind, number][]) {
    to.counts[k] = (to.counts[k] || 0) + n
    to.first[k] = sortPlaces([...(to.first[k] || []), ...(from.first[k] || [])], files)
  }
}
