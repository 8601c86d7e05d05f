import type { JsonValue } from '../lib/json.js'
import { byKey, detId, key } from './ids.js'
import { compile, matcher, type Ctx, type JourneyEvent, type Node } from './rules.js'
import { snapshot } from './snapshot.js'
import type { DerivedEvent, Engine, JourneyState, Step, Transition } from './state.js'
import type { JourneyDefinition, NudgeDef, Rule } from './types.js'

export type { DerivedEvent, Engine, JourneySnapshot, JourneyState, Signal, Step, Transition } from './state.js'
export type { SignalKind } from './types.js'
export { byKey, detId } from './ids.js'

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
