import type { JsonValue } from '../lib/json.js'
import { parseDuration } from './duration.js'
import { matchPath } from './pattern.js'
import type { EventMatch, Filter, JourneyDefinition, Rule } from './types.js'

/** An event as the engine sees it: Segment-shaped, timestamp in ms. */
export interface JourneyEvent {
  type: 'track' | 'page' | 'identify' | string
  event?: string
  name?: string
  properties?: Record<string, JsonValue>
  traits?: Record<string, JsonValue>
  messageId: string
  anonymousId?: string
  userId?: string
  /** capture time, ms since the epoch */
  t: number
  /**
   * arrival order in the shared journey store (set by the store): orders events of one
   * millisecond captured by different tabs, whose messageIds don't compare across tabs
   */
  q?: number
}

/** What rules may look at besides events. */
export interface Ctx {
  now: number
  /** index of the current stage, -1 before the first */
  stage: number
  /** when the current stage was entered (or the first event, before any stage) */
  since: number
  traits: Record<string, JsonValue>
  page: string | undefined
  /** step ids of the current stage's path that are done */
  steps: Record<string, number>
}

/** Per-rule memory, one slot per stateful rule, JSON-serialisable (it is persisted). */
export type Slots = unknown[]

/** A compiled rule. `obs` folds an event into the rule's slot, `test` evaluates it. */
export interface Node {
  test(r: Slots, c: Ctx): boolean
}
interface Observer {
  obs(r: Slots, e: JourneyEvent): void
  /** counted since stage entry: cleared on every transition */
  stage?: boolean
  slot: number
}

export interface Compiled {
  node: (rule: Rule) => Node
  /** every stateful rule, to feed each event to */
  observers: Observer[]
  /** number of slots a fresh state needs */
  slots: () => number
}

const get = (obj: Record<string, JsonValue> | undefined, path: string): JsonValue | undefined => {
  let v: JsonValue | undefined = obj
  for (const k of path.split('.')) {
    // own properties only: a filter can never reach Object.prototype
    if (!v || typeof v != 'object' || !Object.prototype.hasOwnProperty.call(v, k)) return undefined
    v = (v as Record<string, JsonValue>)[k]
  }
  return v
}

/** One property filter. Ordering ops compare numbers with numbers and strings with strings only. */
export function testFilter(f: Filter, obj: Record<string, JsonValue> | undefined): boolean {
  const v = get(obj, f.prop)
  const x = f.value
  switch (f.op) {
    case 'exists':
      return v != null
    case 'notExists':
      return v == null
    case 'eq':
      return v === x
    case 'neq':
      return v !== x
    case 'in':
      return (x as JsonValue[]).includes(v as JsonValue)
    case 'nin':
      return !(x as JsonValue[]).includes(v as JsonValue)
    case 'contains':
      return typeof v == 'string' ? typeof x == 'string' && v.includes(x) : Array.isArray(v) && v.includes(x as JsonValue)
    case 'startsWith':
      return typeof v == 'string' && v.startsWith(x as string)
    case 'endsWith':
      return typeof v == 'string' && v.endsWith(x as string)
  }
  if (typeof v != typeof x || (typeof v != 'number' && typeof v != 'string')) return false
  const a = v as number
  const b = x as number
  return f.op == 'gt' ? a > b : f.op == 'gte' ? a >= b : f.op == 'lt' ? a < b : a <= b
}

/** Compiles an EventMatch into a predicate on events. */
export function matcher(m: EventMatch): (e: JourneyEvent) => boolean {
  const where = m.where || []
  return (e) =>
    (!m.type || e.type == m.type) &&
    (m.name == null || m.name == (e.type == 'page' ? e.name : e.event)) &&
    where.every((f) => testFilter(f, e.properties || e.traits))
}

/**
 * Compiles the rules of a (validated) definition. Predicates compile once, so every
 * `ref` to one shares its node and its memory. Evaluation is incremental: each event
 * updates a few numbers per stateful rule; nothing rescans history.
 */
export function compile(def: JourneyDefinition): Compiled {
  const observers: Observer[] = []
  const refs = new Map<string, Node>()
  let slots = 0
  const stateful = (obs: Observer['obs'], stage?: boolean): number => {
    const slot = slots++
    observers.push({ obs, stage: !!stage, slot })
    return slot
  }

  const node = (rule: Rule): Node => {
    const [kind, arg] = Object.entries(rule)[0] as [string, never]
    switch (kind) {
      case 'all': {
        const kids = (arg as Rule[]).map(node)
        return { test: (r, c) => kids.every((k) => k.test(r, c)) }
      }
      case 'any': {
        const kids = (arg as Rule[]).map(node)
        return { test: (r, c) => kids.some((k) => k.test(r, c)) }
      }
      case 'not': {
        const kid = node(arg)
        return { test: (r, c) => !kid.test(r, c) }
      }
      case 'event':
        return eventRule(arg)
      case 'sequence':
        return sequenceRule(arg)
      case 'absent': {
        const a = arg as EventMatch & { for: string }
        const match = matcher(a)
        const span = parseDuration(a.for)
        // slot: time of the last match
        const slot = stateful((r, e) => void (match(e) && (r[slot] = e.t)))
        return { test: (r, c) => c.now - Math.max((r[slot] as number | null) ?? -Infinity, c.since) >= span }
      }
      case 'trait':
        return { test: (_r, c) => testFilter(arg, c.traits) }
      case 'page':
        return { test: (_r, c) => c.page != null && matchPath(arg, c.page) }
      case 'inStage': {
        const span = parseDuration(arg)
        return { test: (_r, c) => c.stage >= 0 && c.now - c.since >= span }
      }
      case 'stepDone':
        return { test: (_r, c) => c.steps[arg] != null }
      case 'ref': {
        let n = refs.get(arg)
        if (!n) {
          // placeholder first, so a (validated, acyclic) chain of refs compiles once
          refs.set(arg, (n = node(def.predicates![arg]!)))
        }
        return n
      }
    }
    throw new Error(`unknown rule "${kind}"`) // unreachable after validation
  }

  /** At least `count` matches (in the trailing `within`); slot: the last `count` match times. */
  const eventRule = (a: EventMatch & { count?: number; within?: string; since?: 'stage' }): Node => {
    const match = matcher(a)
    const count = a.count || 1
    const within = a.within ? parseDuration(a.within) : Infinity
    const slot = stateful((r, e) => {
      if (!match(e)) return
      const ts = ((r[slot] as number[] | null) || []).concat(e.t)
      r[slot] = ts.length > count ? ts.slice(-count) : ts
    }, a.since == 'stage')
    return {
      test: (r, c) => {
        const ts = (r[slot] as number[] | null) || []
        return ts.length >= count && c.now - ts[ts.length - count]! <= within
      },
    }
  }

  /**
   * Steps in order, strictly consecutive, or in any order, with `within` from the first
   * step; latched once complete. Slot: [done, per-state data].
   * ordered: best[k] = latest start of a partial match that completed k steps (keeping the
   * latest start gives the best chance to finish within the window).
   */
  const sequenceRule = (a: { steps: EventMatch[]; mode?: string; within?: string; since?: 'stage' }): Node => {
    const steps = a.steps.map(matcher)
    const n = steps.length
    const within = a.within ? parseDuration(a.within) : Infinity
    const mode = a.mode || 'ordered'
    const slot = stateful((r, e) => {
      const old = r[slot] as [boolean, (number | null)[]] | null
      if (old?.[0]) return
      const m = old ? old[1].slice() : Array<number | null>(n + 1).fill(null)
      let done = false
      if (mode == 'any') {
        // m[i]: last time of step i
        steps.forEach((s, i) => s(e) && (m[i] = e.t))
        const ts = m.slice(0, n) as number[]
        done = ts.every((t) => t != null) && Math.max(...ts) - Math.min(...ts) <= within
      } else if (mode == 'strict') {
        // m[0]: matched prefix length, m[1]: its start
        const k = m[0] || 0
        if (steps[k]!(e)) {
          if (!k) m[1] = e.t
          m[0] = k + 1
        } else if (steps[0]!(e)) {
          m[0] = 1
          m[1] = e.t
        } else m[0] = 0
        if (m[0] == n) {
          done = e.t - m[1]! <= within
          if (!done) m[0] = 0
        }
      } else {
        for (let k = n - 1; k >= 0; k--)
          if (steps[k]!(e)) {
            const start = k ? m[k]! : e.t
            if (start != null && e.t - start <= within && (m[k + 1] == null || start > m[k + 1]!)) m[k + 1] = start
          }
        done = m[n] != null
      }
      r[slot] = [done, m]
    }, a.since == 'stage')
    return { test: (r) => !!(r[slot] as [boolean] | null)?.[0] }
  }

  return { node, observers, slots: () => slots }
}
