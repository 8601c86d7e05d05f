import type { JsonValue } from '../lib/json.js'
import { parseDuration, humanize } from './duration.js'
import { compile, matcher, type Ctx, type JourneyEvent, type Node } from './rules.js'
import type { JourneyDefinition, NudgeDef, Rule, SignalKind, StageChange, StageDef, StepDef } from './types.js'

/** A stage change, as kept in the state's history: what `dp.on('stage')` reports. */
export type Transition = StageChange

/** Everything the engine remembers about one customer's journey. JSON-serialisable. */
export interface JourneyState {
  /** `id@version` of the definition folded with */
  def: string
  /** index of the current stage; -1 before the first */
  stage: number
  since: number
  history: Transition[]
  exited?: { id: string; at: number }
  goal?: number
  /** steps of the current stage's path that are done: id → time */
  steps: Record<string, number>
  lastStep?: string
  /** the last step was an unlikely one after the step before (next-step probability < 10%) */
  off?: number
  /** last step or transition */
  progress: number
  /** sort key of the last folded event: `<15-digit ms>|<10-digit arrival>|<messageId>` */
  last: string
  traits: Record<string, JsonValue>
  page?: string
  /** the customer: anonymousId (else userId) of the first event; part of derived ids */
  subject: string
  /** rule memory */
  r: unknown[]
  /** derived events so far: numbers their deterministic ids */
  n: number
}

/** An event the journey emits through the normal pipeline. */
export interface DerivedEvent {
  event:
    | 'Journey Stage Entered'
    | 'Journey Step Completed'
    | 'Journey Exited'
    | 'Journey Goal Reached'
    | 'Nudge Eligible'
    | 'Nudge Shown'
    | 'Nudge Clicked'
    | 'Nudge Dismissed'
    | 'Nudge Completed'
  properties: Record<string, JsonValue>
  /** deterministic: the same history gives the same ids, so replays never double-count */
  messageId: string
  t: number
}

export type { SignalKind }
export interface Signal {
  kind: SignalKind
  step?: string
  /** readable, from the path's figures */
  explanation: string
}

/** What `dp.journey()` returns. */
export interface JourneySnapshot {
  stage: string | null
  since: number | null
  history: Transition[]
  exited: { id: string; at: number } | null
  /** 0..1: key steps done (all steps if none is key) */
  progress: number
  next: { id: string; label: string } | null
  signals: Signal[]
}

export interface Step {
  state: JourneyState
  derived: DerivedEvent[]
  /** the event sorts before one already folded: the caller re-folds (or it was a duplicate) */
  late?: true
}

export interface Engine {
  readonly def: JourneyDefinition
  init(): JourneyState
  fold(state: JourneyState, e: JourneyEvent, backfill?: boolean): Step
  tick(state: JourneyState, now: number): Step
  /** the host asserts a stage (dp.stage): forward only */
  assert(state: JourneyState, stageId: string, now: number): Step
  snapshot(state: JourneyState, now: number): JourneySnapshot
  /** whether a rule of the definition's nudges (trigger, audience, goal) holds now */
  test(state: JourneyState, rule: Rule, now: number): boolean
}

const IDLE = 30 * 6e4
const key = (e: JourneyEvent) => String(e.t).padStart(15, '0') + '|' + String(e.q || 0).padStart(10, '0') + '|' + e.messageId
/**
 * The order events are folded in: timestamp, then arrival in the shared store (tabs of one
 * millisecond), then messageId (a UUIDv7's counter is the local sequence).
 */
export const byKey = (a: JourneyEvent, b: JourneyEvent) =>
  a.t - b.t || (a.q || 0) - (b.q || 0) || (a.messageId < b.messageId ? -1 : a.messageId > b.messageId ? 1 : 0)

/** 128-bit hash (cyrb128) as a UUID-shaped string with version 8 (custom). */
export function detId(s: string): string {
  let h1 = 1779033703, h2 = 3144134277, h3 = 1013904242, h4 = 2773480762
  for (let i = 0, k; i < s.length; i++) {
    k = s.charCodeAt(i)
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067)
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233)
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213)
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179)
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067)
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233)
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213)
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179)
  const x = [h1 ^ h2 ^ h3 ^ h4, h2 ^ h1, h3 ^ h1, h4 ^ h1].map((h) => (h >>> 0).toString(16).padStart(8, '0')).join('')
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-8${x.slice(13, 16)}-${'89ab'[parseInt(x[16]!, 16) & 3]}${x.slice(17, 20)}-${x.slice(20, 32)}`
}

/**
 * The journey engine for one definition: a pure fold. No DOM, clock or storage: time
 * comes only from event timestamps and `tick(now)`, so the same code runs in the browser,
 * in Node (the learner) and in the devtools overlay, and the same history always gives
 * the same state and the same derived events.
 *
 * Per event, in order: rule memories are updated; path steps of the current stage are
 * marked; exits are checked first, then the current stage's demotion, then the furthest
 * later stage whose entry rule holds (stages passed over are recorded as skipped). At
 * most one stage change per event or tick. A state passed in is never mutated.
 */
export function createEngine(def: JourneyDefinition): Engine {
  const c = compile(def)
  const stages = def.stages.map((s) => ({
    def: s,
    entry: c.node(s.entry),
    demote: s.demote && c.node(s.demote),
    steps: (s.path?.steps || []).map((st) => ({ st, match: matcher(st.match) })),
  }))
  const exits = (def.exits || []).map((x) => ({ id: x.id, when: c.node(x.when) }))
  const goal: Node | undefined = def.goal && c.node(def.goal)
  // nudge rules are stateful like the others: compiled up front, fed every event
  const extra = new Map<Rule, Node>()
  for (const n of (def.nudges || []) as NudgeDef[])
    for (const r of [n.audience, 'rule' in n.trigger && n.trigger.rule, n.goal?.rule]) if (r) extra.set(r, c.node(r))
  const stageObs = c.observers.filter((o) => o.stage)
  const tag = def.id + '@' + def.version

  const ctx = (s: JourneyState, now: number): Ctx => ({ now, stage: s.stage, since: s.since, traits: s.traits, page: s.page, steps: s.steps })
  const copy = (s: JourneyState): JourneyState => ({ ...s, r: s.r.slice(), history: s.history.slice() })

  /**
   * Collects derived events. Ids hash the journey, the customer, the event's ordinal and
   * what happened (`what`), not when or why: a transition a tick found live and the
   * next event found in a replay, or a re-fold under a new version, get the same id.
   */
  const emitter = (s: JourneyState, out: DerivedEvent[], backfill?: boolean) => (event: DerivedEvent['event'], t: number, props: Record<string, JsonValue>, what: string) => {
    const properties = { journey: def.id, version: def.version, ...props, ...(backfill && { backfill: true }) }
    out.push({ event, properties, t, messageId: detId(`${def.id}|${s.subject}|${s.n++}|${event}|${what}`) })
  }

  const move = (s: JourneyState, to: number, t: number, cause: string, emit: ReturnType<typeof emitter>, backfill?: boolean) => {
    const from = s.stage >= 0 ? stages[s.stage]!.def.id : null
    const skipped = stages.slice(s.stage + 1, to).map((x) => x.def.id)
    const tr: Transition = { from, to: stages[to]!.def.id, at: t, cause, ...(skipped[0] && { skipped }), ...(backfill && { backfill: true as const }) }
    s.history.push(tr)
    s.stage = to
    s.since = s.progress = t
    s.steps = {}
    delete s.lastStep
    delete s.off
    for (const o of stageObs) s.r[o.slot] = null
    emit('Journey Stage Entered', t, { from, to: tr.to, cause, skipped }, from + '>' + tr.to)
  }

  /** Marks steps of the current stage that `e` completes. */
  const steps = (s: JourneyState, e: JourneyEvent, emit: ReturnType<typeof emitter>) => {
    for (const { st, match } of stages[s.stage]?.steps || []) {
      if (s.steps[st.id] != null || !match(e)) continue
      const prev = s.lastStep && stages[s.stage]!.def.path!.steps.find((x) => x.id == s.lastStep)
      const p = prev && prev.next ? (prev.next[st.id] ?? 0) : undefined
      if (p != undefined && p < 0.1) s.off = p
      else delete s.off
      s.steps = { ...s.steps, [st.id]: e.t }
      s.lastStep = st.id
      s.progress = e.t
      emit('Journey Step Completed', e.t, { stage: stages[s.stage]!.def.id, step: st.id, key: !!st.key }, stages[s.stage]!.def.id + '/' + st.id)
    }
  }

  /** Exits, then demotion, then the furthest later stage; then the goal. */
  const settle = (s: JourneyState, now: number, cause: string, emit: ReturnType<typeof emitter>, backfill?: boolean): boolean => {
    if (s.exited) return false
    const x = ctx(s, now)
    for (const ex of exits)
      if (ex.when.test(s.r, x)) {
        s.exited = { id: ex.id, at: now }
        emit('Journey Exited', now, { exit: ex.id, stage: s.stage >= 0 ? stages[s.stage]!.def.id : null }, ex.id)
        return false
      }
    let moved = false
    if (s.stage > 0 && stages[s.stage]!.demote?.test(s.r, x)) {
      move(s, s.stage - 1, now, 'demote:' + cause, emit, backfill)
      moved = true
    } else
      for (let j = stages.length - 1; j > s.stage; j--)
        if (stages[j]!.entry.test(s.r, x)) {
          move(s, j, now, cause, emit, backfill)
          moved = true
          break
        }
    if (goal && s.goal == null && goal.test(s.r, ctx(s, now))) {
      s.goal = now
      emit('Journey Goal Reached', now, { stage: stages[s.stage]?.def.id ?? null }, '')
    }
    return moved
  }

  const fold = (state: JourneyState, e: JourneyEvent, backfill?: boolean): Step => {
    const k = key(e)
    if (k <= state.last) return { state, derived: [], late: true }
    const s = copy(state)
    const derived: DerivedEvent[] = []
    const emit = emitter(s, derived, backfill)
    const first = s.last == ''
    if (first) {
      s.since = e.t // before any stage, "since" is the first event
      s.subject = e.anonymousId || e.userId || ''
    }
    s.last = k
    // A live page ticks at load, before its first event: stages whose entry needs no event
    // are entered then. A replay does the same here, so both derive the same transitions.
    if (first) settle(s, e.t, 'tick', emit, backfill)
    for (const o of c.observers) o.obs(s.r, e)
    if (e.type == 'identify' && e.traits) s.traits = { ...s.traits, ...e.traits }
    if (e.type == 'page' && typeof e.properties?.path == 'string') s.page = e.properties.path
    if (!s.exited) {
      steps(s, e, emit)
      // the event that moves the customer on may also be a step of the stage it enters
      if (settle(s, e.t, e.messageId, emit, backfill)) steps(s, e, emit)
    }
    return { state: s, derived }
  }

  const lastTime = (s: JourneyState) => (s.last ? +s.last.slice(0, 15) : -Infinity)

  return {
    def,
    init: () => ({ def: tag, stage: -1, since: 0, history: [], steps: {}, progress: 0, last: '', traits: {}, subject: '', r: Array(c.slots()).fill(null), n: 0 }),
    fold,
    tick(state, now) {
      // a journey starts with the customer's first event (which also names the customer)
      if (!state.last) return { state, derived: [] }
      // time never runs backwards inside a journey
      const t = Math.max(now, lastTime(state))
      const s = copy(state)
      const derived: DerivedEvent[] = []
      settle(s, t, 'tick', emitter(s, derived))
      return derived[0] ? { state: s, derived } : { state, derived }
    },
    assert(state, id, now) {
      const to = stages.findIndex((x) => x.def.id == id)
      if (to <= state.stage || state.exited) return { state, derived: [] }
      const s = copy(state)
      const derived: DerivedEvent[] = []
      move(s, to, Math.max(now, lastTime(state)), 'host', emitter(s, derived))
      return { state: s, derived }
    },
    snapshot: (s, now) => snapshot(s, now, stages.map((x) => x.def)),
    test: (s, rule, now) => !!extra.get(rule)?.test(s.r, ctx(s, now)),
  }
}

const pct = (x: number) => Math.round(x * 100) + '%'
const label = (st: StepDef) => st.label || st.match.name || st.id

/** Current stage, progress along its path, the next step, and the signals that hold at `now`. */
function snapshot(s: JourneyState, now: number, stages: StageDef[]): JourneySnapshot {
  const stage = stages[s.stage]
  const path = stage?.path
  const all = path?.steps || []
  const keys = all.some((x) => x.key) ? all.filter((x) => x.key) : all
  const done = (st: StepDef) => s.steps[st.id] != null
  const signals: Signal[] = []
  const name = stage ? stage.name || stage.id : ''
  const who = path?.basis ? `of ${path.basis} customers who reached ${name}` : `of customers who reached ${name}`
  if (stage && !s.exited) {
    const stall = stage.stall ? parseDuration(stage.stall) : Infinity
    if (now - s.progress >= stall)
      signals.push({ kind: 'stalled', explanation: `No progress in ${name} for ${humanize(now - s.progress)}; customers who succeed move within ${humanize(stall)}.` })
    for (const st of keys) {
      const due = st.expectedWithin ? parseDuration(st.expectedWithin) : Infinity
      if (!done(st) && now - s.since > due)
        signals.push({
          kind: 'stepOverdue',
          step: st.id,
          explanation: st.share != null ? `${pct(st.share)} ${who} ${label(st)} within ${humanize(due)}.` : `Customers usually ${label(st)} within ${humanize(due)} of reaching ${name}.`,
        })
    }
    all.forEach((st, i) => {
      const later = all.slice(i + 1).find(done)
      if (st.key && !done(st) && later)
        signals.push({ kind: 'skippedKeyStep', step: st.id, explanation: `Customers who succeed usually ${label(st)} before they ${label(later)}.` })
    })
    const lastStep = all.find((x) => x.id == s.lastStep)
    if (s.off != null && lastStep)
      signals.push({ kind: 'offPath', step: lastStep.id, explanation: `Only ${pct(s.off)} of customers ${label(lastStep)} at this point of ${name}.` })
    const idle = path?.idleAfter ? parseDuration(path.idleAfter) : IDLE
    const lastAt = s.last ? +s.last.slice(0, 15) : s.since
    if (now - lastAt >= idle) signals.push({ kind: 'idle', explanation: `No activity for ${humanize(now - lastAt)}.` })
  }
  // next: the likeliest not-done step after the last one, else the first key step not done
  const after = all.find((x) => x.id == s.lastStep)?.next
  const byOdds = after && all.filter((x) => !done(x) && after[x.id]).sort((a, b) => after[b.id]! - after[a.id]!)[0]
  const next = byOdds || keys.find((x) => !done(x)) || all.find((x) => !done(x))
  return {
    stage: stage ? stage.id : null,
    since: stage ? s.since : null,
    history: s.history,
    exited: s.exited || null,
    progress: keys.length ? keys.filter(done).length / keys.length : stage ? 1 : 0,
    next: next ? { id: next.id, label: label(next) } : null,
    signals,
  }
}

/**
 * Folds a whole history, from `from` (default: a fresh state): sorted by `byKey` and
 * deduplicated by messageId. Any permutation of the same events gives the same state
 * and the same derived events.
 */
export function foldAll(engine: Engine, events: JourneyEvent[], backfill?: boolean, from = engine.init()): Step {
  const seen = new Set<string>()
  const sorted = events.filter((e) => !seen.has(e.messageId) && seen.add(e.messageId)).sort(byKey)
  let state = from
  const derived: DerivedEvent[] = []
  for (const e of sorted) {
    const r = engine.fold(state, e, backfill)
    state = r.state
    derived.push(...r.derived)
  }
  return { state, derived }
}
