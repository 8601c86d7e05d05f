import type { JsonValue } from '../lib/json.js'
import { byKey } from '../journey/ids.js'
import type { JourneyState, Transition } from '../journey/engine.js'
import type { JourneyEvent } from '../journey/rules.js'
import type { EventMatch } from '../journey/types.js'
import { DERIVED, type Context } from './context.js'
import { count } from './quality.js'
import { add, sketch } from './sketch.js'
import type { Arm, LearnPartial, StageStats } from './types.js'

// One subject's history, replayed through the journey engine: it cuts the stage visits,
// labels each (successful, unsuccessful, censored) and counts what happened in it; it
// follows each nudge from the subject's first `Nudge Eligible` to its conversion.

/** A spill record (read.ts): [t, messageId, type, name, properties, traits, file, line]; the subject is the spill line's prefix. */
export type Rec = [number, string, string, string | 0, Record<string, JsonValue> | 0, Record<string, JsonValue> | 0, number, number]

interface Visit {
  stage: number
  t0: number
  /** candidate → its first occurrence (time order) */
  first: Map<string, number>
}
interface Pending {
  id: string
  t0: number
  arm: Arm
  stage: number
  within: number
  /** converts by its goal rule (else: by reaching a later stage) */
  goal: boolean
  held: boolean
  converted: boolean
}

const ARMS = new Set(['treatment', 'control', 'holdout'])

export const stageStats = (): StageStats => ({ successful: 0, unsuccessful: 0, censored: 0, toNext: sketch(), cand: {}, before: {}, next: {} })

/** The event the engine folds; the stitched id stands for the customer's ids (the engine only names derived events' ids with it). */
function event(r: Rec, subject: string): JourneyEvent {
  const e: JourneyEvent = { type: r[2], messageId: r[1], t: r[0], anonymousId: subject }
  if (r[3]) e[r[2] == 'track' ? 'event' : 'name'] = r[3]
  if (r[4]) e.properties = r[4]
  if (r[5]) e.traits = r[5]
  return e
}

/** A candidate step's key: `t:Name` (a track), `p:Name` (a named page), `u:/path` (a page by its path). */
export function candidate(e: JourneyEvent): string | undefined {
  if (e.type == 'track') return e.event ? 't:' + e.event : undefined
  if (e.type != 'page') return undefined
  if (e.name) return 'p:' + e.name
  const path = e.properties?.path
  return typeof path == 'string' ? 'u:' + path : undefined
}

/** The match that finds a candidate's events. */
const matchOf = (k: string): EventMatch =>
  k[0] == 't' ? { type: 'track', name: k.slice(2) } : k[0] == 'p' ? { type: 'page', name: k.slice(2) } : { type: 'page', where: [{ prop: 'path', op: 'eq', value: k.slice(2) }] }

export function replay(cx: Context, subject: string, recs: Rec[], acc: LearnPartial): void {
  const { engine, def, horizon: H, now } = cx
  const ids = def.stages.map((s) => s.id)
  const lastStage = ids.length - 1
  const seen = new Set<string>()
  const evs: JourneyEvent[] = []
  // in input order (file, line): the first copy of a resend is kept, later ones counted,
  // however the records were split into shards and partitions
  recs.sort((a, b) => a[6] - b[6] || a[7] - b[7])
  for (const r of recs) {
    if (seen.has(r[1])) {
      count(acc.replay, 'duplicate', cx.files[r[6]]!, r[7], cx.files)
      continue
    }
    seen.add(r[1])
    if (r[0] <= now) evs.push(event(r, subject))
  }
  evs.sort(byKey)
  acc.subjects++

  // --learn-from holdout: the global holdout's whole history, everyone else's until a nudge shows
  let end = now
  if (cx.params.learnFrom == 'holdout' && !evs.some((e) => e.type == 'track' && e.event == 'Nudge Eligible' && e.properties?.arm == 'holdout')) {
    const shown = evs.find((e) => e.type == 'track' && e.event == 'Nudge Shown')
    if (shown) end = Math.min(end, shown.t)
  }

  let s: JourneyState = engine.init()
  let visit: Visit | undefined
  const pending: Pending[] = []

  const cand = (st: StageStats, k: string) => (st.cand[k] ||= { match: matchOf(k), s: 0, u: 0, at: sketch() })
  const close = (v: Visit, ok: boolean, at: number) => {
    const st = acc.stages[ids[v.stage]!]!
    if (ok && at - v.t0 <= H && at <= end) {
      st.successful++
      add(st.toNext, at - v.t0)
      const keys = [...v.first.keys()]
      keys.forEach((k, i) => {
        const t = v.first.get(k)!
        const c = cand(st, k)
        c.s++
        add(c.at, t - v.t0)
        for (let j = i + 1; j < keys.length; j++) st.before[k + '\t' + keys[j]] = (st.before[k + '\t' + keys[j]] || 0) + 1
        const nx = (i ? keys[i - 1]! : '^') + '\t' + k
        st.next[nx] = (st.next[nx] || 0) + 1
      })
      const last = (keys[keys.length - 1] || '^') + '\t$'
      st.next[last] = (st.next[last] || 0) + 1
    } else if (Math.min(at, end) - v.t0 >= H || (!ok && at <= end)) {
      st.unsuccessful++
      for (const k of v.first.keys()) cand(st, k).u++
    } else st.censored++
  }

  const moved = (tr: Transition) => {
    const to = ids.indexOf(tr.to)
    if (visit) close(visit, to > visit.stage, tr.at)
    visit = (to < lastStage || def.goal) && tr.at < end ? { stage: to, t0: tr.at, first: new Map() } : undefined
    for (const p of pending) if (!p.converted && !p.goal && to > p.stage && tr.at - p.t0 <= p.within) p.converted = true
  }

  /** After the state changed at `t`: transitions, exit, goal, nudge goals. */
  const after = (prev: JourneyState, t: number) => {
    for (let i = prev.history.length; i < s.history.length; i++) moved(s.history[i]!)
    if (s.exited && !prev.exited && visit) {
      close(visit, false, s.exited.at)
      visit = undefined
    }
    if (s.goal != null && prev.goal == null && visit?.stage == lastStage) {
      close(visit, true, s.goal)
      visit = undefined
    }
    for (const p of pending) {
      const goal = cx.nudges.get(p.id)?.goal
      if (!goal || p.converted || t - p.t0 > p.within) continue
      const held = engine.test(s, goal.rule, t)
      if (held && !p.held) p.converted = true
      p.held = held
    }
  }

  const step = (next: JourneyState, t: number) => {
    const prev = s
    s = next
    if (next !== prev) after(prev, t)
  }

  for (const e of evs) {
    if (e.type == 'track' && DERIVED.has(e.event!)) {
      const p = e.properties || {}
      if (e.event == 'Nudge Eligible' && typeof p.nudge == 'string' && ARMS.has(p.arm as string) && !pending.some((x) => x.id == p.nudge)) {
        // the nudge's stage: its definition's, else the one the event names, else the current one
        const info = cx.nudges.get(p.nudge)
        const named = ids.indexOf(p.stage as string)
        const stage = info && info.stage >= 0 ? info.stage : named >= 0 ? named : s.stage
        const goal = info?.goal
        pending.push({ id: p.nudge, t0: e.t, arm: p.arm as Arm, stage, within: goal ? goal.within : H, goal: !!goal, held: !!goal && engine.test(s, goal.rule, e.t), converted: false })
      } else if (e.event == 'Journey Stage Entered' && p.cause == 'host' && typeof p.to == 'string') step(engine.assert(s, p.to, e.t).state, e.t)
      continue
    }
    if (cx.timed && s.last) step(engine.tick(s, e.t).state, e.t)
    const prev = s
    // the first event starts the journey: always folded
    if (!s.last || cx.folds(e)) step(engine.fold(s, e).state, e.t)
    // the event that moves the customer on is the outcome of the stage it leaves, never a
    // step (of either stage); the first event's tick only starts the first stage
    const caused = s.history.length > prev.history.length && s.history.slice(prev.history.length).some((tr) => tr.cause == e.messageId)
    if (!caused && visit && !s.exited && e.t < end && e.t - visit.t0 <= H) {
      const c = candidate(e)
      if (c && !visit.first.has(c) && !cx.outcome[visit.stage]!(e)) visit.first.set(c, e.t)
    }
  }
  if (cx.timed && s.last) step(engine.tick(s, now).state, now)
  if (visit) close(visit, false, Infinity)

  for (const p of pending) {
    const n = (acc.nudges[p.id] ||= { stage: ids[p.stage] ?? null, arms: { treatment: { subjects: 0, conversions: 0 }, control: { subjects: 0, conversions: 0 }, holdout: { subjects: 0, conversions: 0 } }, censored: 0 })
    if (p.t0 + p.within > now) n.censored++
    else {
      n.arms[p.arm].subjects++
      if (p.converted) n.arms[p.arm].conversions++
    }
  }
}
