import type { JourneyDefinition } from '../journey/types.js'
import { mergeQuality, quality } from './quality.js'
import { stageStats } from './replay.js'
import { merge as mergeSketch } from './sketch.js'
import type { LearnParams, LearnPartial, StageStats } from './types.js'

// Partials: what a shard of subjects counted. Every figure is a count (or a sketch of
// counts), so adding partials of disjoint shards gives exactly what one run counts.

export function emptyPartial(def: JourneyDefinition, params: LearnParams, shard: string): LearnPartial {
  return {
    kind: 'desire-path/learn-partial',
    version: 1,
    journey: { id: def.id, version: def.version },
    params,
    shards: [shard],
    input: { files: {}, lines: 0, messages: 0 },
    quality: {},
    replay: quality(),
    subjects: 0,
    stages: Object.fromEntries(def.stages.map((s) => [s.id, stageStats()])),
    nudges: {},
  }
}

const addAll = (to: Record<string, number>, from: Record<string, number>) => {
  for (const [k, n] of Object.entries(from)) to[k] = (to[k] || 0) + n
}

function mergeStage(to: StageStats, from: StageStats): void {
  to.successful += from.successful
  to.unsuccessful += from.unsuccessful
  to.censored += from.censored
  mergeSketch(to.toNext, from.toNext)
  for (const [k, c] of Object.entries(from.cand)) {
    const t = to.cand[k]
    if (!t) to.cand[k] = structuredClone(c)
    else {
      t.s += c.s
      t.u += c.u
      mergeSketch(t.at, c.at)
    }
  }
  addAll(to.before, from.before)
  addAll(to.next, from.next)
}

/** Adds subject counts of `from` into `to` (same input: the file-level counts are not added twice). */
export function addPartial(to: LearnPartial, from: LearnPartial, files: string[]): void {
  to.subjects += from.subjects
  mergeQuality(to.replay, from.replay, files)
  for (const [id, st] of Object.entries(from.stages)) mergeStage((to.stages[id] ||= stageStats()), st)
  for (const [id, n] of Object.entries(from.nudges)) {
    const t = to.nudges[id]
    if (!t) to.nudges[id] = structuredClone(n)
    else {
      t.censored += n.censored
      for (const arm of ['treatment', 'control', 'holdout'] as const) {
        t.arms[arm].subjects += n.arms[arm].subjects
        t.arms[arm].conversions += n.arms[arm].conversions
      }
    }
  }
}

/**
 * Combines the partials of one run's shards (`learn merge`). They must come from the same
 * journey, parameters and input and cover each shard `i/N` once; otherwise an Error that
 * says which.
 */
export function mergePartials(parts: LearnPartial[]): LearnPartial {
  const [first, ...rest] = parts
  if (!first) throw new Error('no partial given')
  const key = (p: LearnPartial) => JSON.stringify([p.journey, p.params, p.input])
  for (const p of rest)
    if (key(p) != key(first)) throw new Error(`partials differ in journey, parameters or input (${p.shards.join(', ')} vs ${first.shards.join(', ')})`)
  const shards = parts.flatMap((p) => p.shards)
  const n = new Set(shards.map((s) => s.split('/')[1]))
  const total = +[...n][0]!
  const missing = Array.from({ length: total }, (_, i) => `${i}/${total}`).filter((s) => !shards.includes(s))
  if (n.size != 1 || missing[0] || shards.length != total) throw new Error(`partials must cover each shard i/N once: got ${shards.join(', ')}${missing[0] ? `; missing ${missing.join(', ')}` : ''}`)
  const out = structuredClone(first)
  const files = Object.keys(first.input.files)
  for (const p of rest) addPartial(out, p, files)
  out.shards = [`0/1`]
  return out
}
