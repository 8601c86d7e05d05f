import type { JsonValue } from '../lib/json.js'
import { parseDuration } from '../journey/duration.js'
import { detId, type DerivedEvent, type Engine, type JourneyState } from '../journey/engine.js'
import { matchPath } from '../journey/pattern.js'
import type { JourneyDefinition, NudgeDef, SignalKind } from '../journey/types.js'
import type { Claim, NudgeMemory, Offer, Policy } from './memory.js'
import type { NudgeReason, NudgeStatus } from './types.js'

export type { AckKind, Decided, NudgeMemory, Offer, Policy } from './memory.js'

/** Without the tracker's session id: 30 minutes without any activity end a session. */
const SESSION = 30 * 6e4
/** An offer the host does not mark shown within this long is released, not counted. */
export const OFFER_TIMEOUT = 5000
/** A nudge on screen without any other ack for this long is taken as gone (its tab closed). */
const STALE = 30 * 6e4
/** Signal urgency, most urgent first; a rule trigger ranks after every signal. */
const URGENCY: (SignalKind | 'rule')[] = ['stepOverdue', 'stalled', 'skippedKeyStep', 'offPath', 'idle', 'rule']

/** 0 ≤ bucket < 100, stable for a string: sticky hash-bucket assignment. */
export const bucket = (s: string) => (parseInt(detId(s).slice(0, 8), 16) / 2 ** 32) * 100

/**
 * The nudge policy of a journey definition. Pure functions of the memory, the journey
 * state and the time, like the engine: no DOM, clock or storage.
 *
 * Per evaluation: a nudge is eligible when it has not expired, the customer is in its
 * stage, this tab's page matches `where`, the audience rule and the trigger hold. At its
 * first eligibility it gets an arm — `holdout` (global, sticky per customer), `control`
 * (the nudge's experiment) or `treatment` — kept from then on (identify keeps the
 * journey's customer, so arms never flip). Eligible nudges not exited, snoozed, capped by
 * their frequency are ranked (priority, then signal urgency, then id) and granted in that
 * order while the policy lets them: one per slot in a tab, `minGap` between shows, caps
 * per scope. A treatment winner is offered to this tab; a control or holdout winner is
 * shown nothing but charged like a show (a ghost impression), so both arms meet the same
 * competition. Losers stay eligible: the next evaluation offers them.
 */
export function createPolicy(def: JourneyDefinition, engine: Engine): Policy {
  const nudges = def.nudges || []
  const byId = (id: string) => nudges.find((n) => n.id == id)
  const pol = def.policy || {}
  const ms = (d?: string) => (d ? parseDuration(d) : 0)
  const caps = (pol.caps || []).map((c) => ({ ...c, ms: c.per == 'session' ? 0 : ms(c.per) }))
  const gap = ms(pol.minGap)
  const keep = Math.max(gap, ...caps.map((c) => c.ms))
  const init = (): NudgeMemory => ({ arm: {}, c: {}, log: [], ses: { at: 0, last: 0, n: {} }, snz: {}, out: {}, live: {}, goal: {} })
  /** a copy to change: memories passed in are never mutated */
  const copy = (m: NudgeMemory | undefined): NudgeMemory => ({ ...init(), ...(m && JSON.parse(JSON.stringify(m))) })

  const emit = (s: JourneyState, out: DerivedEvent[], event: DerivedEvent['event'], t: number, n: NudgeDef, props: Record<string, JsonValue>, what: string) =>
    out.push({ event, t, messageId: detId(`${def.id}|${s.subject}|nudge|${n.id}|${what}`), properties: { journey: def.id, version: def.version, nudge: n.id, ...props } })

  /** Counts a show (a real or a ghost one); returns its ordinal. */
  const charge = (m: NudgeMemory, n: NudgeDef, now: number) => {
    const k = (m.c[n.id]?.[0] || 0) + 1
    m.c[n.id] = [k, now]
    m.ses.n[n.id] = (m.ses.n[n.id] || 0) + 1
    m.log.push([now, n.id])
    m.log = m.log.filter(([t]) => now - t < keep || t >= m.ses.at).slice(-1000)
    return k
  }

  /** Starts the goal window of a show. */
  const watch = (m: NudgeMemory, s: JourneyState, n: NudgeDef, now: number, k: number) => {
    if (n.goal) m.goal[n.id] = [now, engine.test(s, n.goal.rule, now), k]
  }

  const inScope = (scope: string, n: NudgeDef) => scope == 'all' || scope == 'slot:' + n.slot || (scope.startsWith('tag:') && !!n.tags?.includes(scope.slice(4)))

  /**
   * Why the policy holds `n` back, given the shows so far plus `extra` (shows granted
   * or offered but not yet shown, which count as shows here), '' if it doesn't.
   */
  const held = (m: NudgeMemory, n: NudgeDef, now: number, tab: string, extra: Claim[]): NudgeReason | '' => {
    if (extra.some(([, x]) => x.slot == n.slot && x.live == tab)) return 'slot busy'
    const shows = m.log.map(([t, id]): [number, NudgeDef | undefined] => [t, byId(id)]).concat(extra.map(([t, x]) => [t, x]))
    if (gap && shows.some(([t]) => now - t < gap)) return 'gap'
    for (const c of caps)
      if (inScope(c.scope, n) && shows.filter(([t, x]) => x && inScope(c.scope, x) && (c.ms ? now - t < c.ms : t >= m.ses.at)).length >= c.max) return 'cap'
    return ''
  }

  return {
    evaluate(m0, s, snap, now, tab, page, cant, session) {
      const m = copy(m0)
      const derived: DerivedEvent[] = []
      const offers: Offer[] = []
      const status: NudgeStatus[] = []
      // per-session limits count in the tracker's session, the one on every event
      if (session ? session != m.ses.id : now - m.ses.last > SESSION) m.ses = { at: now, last: now, n: {}, id: session }
      m.ses.last = now
      // offers not marked shown in time are released; shows nobody closed, forgotten
      for (const [id, l] of Object.entries(m.live)) if (l.shown ? now - l.shown > STALE : now - l.at > OFFER_TIMEOUT) delete m.live[id]
      // goal windows: the goal came to hold since the show
      for (const [id, [at, was, k]] of Object.entries(m.goal)) {
        const n = byId(id)
        if (!n?.goal || now - at > ms(n.goal.within)) delete m.goal[id]
        else if (engine.test(s, n.goal.rule, now)) {
          if (!was) {
            emit(s, derived, 'Nudge Completed', now, n, { via: 'goal', arm: m.arm[id]!, show: k }, 'completed|' + k)
            m.out[id] = now
            delete m.goal[id]
          }
        } else m.goal[id]![1] = false
      }

      const stage = snap.stage
      const candidates: { n: NudgeDef; st: NudgeStatus; sig: SignalKind | 'rule'; why: string }[] = []
      for (const n of nudges) {
        const [shows, last] = m.c[n.id] || [0, 0]
        const st: NudgeStatus = { id: n.id, eligible: false, shows, ...(m.arm[n.id] && { arm: m.arm[n.id] }) }
        status.push(st)
        if (n.expiresAt && now >= Date.parse(n.expiresAt)) {
          st.reason = 'expired'
          continue
        }
        const t = n.trigger
        const signal = 'signal' in t ? snap.signals.find((x) => x.kind == t.signal && (!t.step || x.step == t.step)) : undefined
        // not eligible: why (for the overlay). Before the customer's first event there is
        // no customer to assign an arm to.
        const not: NudgeReason | '' =
          !s.last || s.exited
            ? 'journey'
            : n.stage && n.stage != stage
              ? 'stage'
              : n.where && !(page != null && matchPath(n.where, page))
                ? 'page'
                : n.audience && !engine.test(s, n.audience, now)
                  ? 'audience'
                  : !('signal' in t ? signal : engine.test(s, t.rule, now))
                    ? 'trigger'
                    : ''
        if (not) {
          st.reason = not
          continue
        }
        st.eligible = true
        const sig = signal ? signal.kind : 'rule'
        let arm = m.arm[n.id]
        if (!arm) {
          m.hold ??= bucket(s.subject + '|holdout|' + def.id) < (pol.holdout || 0)
          arm = m.arm[n.id] = m.hold ? 'holdout' : bucket(s.subject + '|' + def.id + '|' + n.id) < (n.experiment?.control || 0) ? 'control' : 'treatment'
          emit(s, derived, 'Nudge Eligible', now, n, { arm, signal: sig, stage }, 'eligible|' + arm)
        }
        st.arm = arm
        if (m.live[n.id]) {
          st.showing = true
          continue
        }
        const rel = m.rel?.[n.id]
        if (rel && rel[0] == tab && rel[1] == page) {
          // the host could not show it here (its target element is missing): another page may
          st.reason = 'released'
          continue
        }
        const f = n.frequency || {}
        const snooze = m.snz[n.id]
        const reason: NudgeReason | '' =
          m.out[n.id] != null
            ? 'exited'
            : snooze && snooze[0] > now
              ? 'snoozed'
              : (f.maxShows && shows >= f.maxShows) || (m.ses.n[n.id] || 0) >= (f.perSession || 1)
                ? 'cap'
                : f.minInterval && last && now - last < ms(f.minInterval)
                  ? 'gap'
                  : ''
        if (reason) st.reason = reason
        else {
          const at = def.stages.find((x) => x.id == stage)
          candidates.push({ n, st, sig, why: signal ? signal.explanation : `Its trigger rule holds${at ? ' in ' + (at.name || at.id) : ''}.` })
        }
      }

      // ranking: priority, then urgency, then id (deterministic)
      candidates.sort((a, b) => (b.n.priority || 0) - (a.n.priority || 0) || URGENCY.indexOf(a.sig) - URGENCY.indexOf(b.sig) || (a.n.id < b.n.id ? -1 : 1))
      // offers still waiting for their `shown` count as shows, and hold their slot in their tab
      const pending: Claim[] = []
      for (const [id, l] of Object.entries(m.live)) {
        const n = byId(id)
        if (n) pending.push([l.shown ? -Infinity : l.at, { ...n, live: l.tab }])
      }
      const granted: Claim[] = []
      const ghosts: NudgeDef[] = []
      for (const { n, st, sig, why } of candidates) {
        const arm = st.arm!
        const reason = held(m, n, now, tab, pending) || (held(m, n, now, tab, pending.concat(granted)) && 'outranked')
        if (reason) {
          st.reason = reason
          continue
        }
        if (arm != 'treatment') {
          st.reason = arm
          ghosts.push(n)
        } else if (cant) {
          st.reason = cant
          continue
        } else {
          m.live[n.id] = { slot: n.slot, tab, at: now, sig, arm, page }
          offers.push({ nudge: n, signal: sig, explanation: why, arm })
          st.showing = true
        }
        granted.push([now, { ...n, live: tab }])
      }
      // ghost impressions: charged like shows, after the round (they competed as granted)
      for (const n of ghosts) {
        const k = charge(m, n, now)
        emit(s, derived, 'Nudge Shown', now, n, { arm: m.arm[n.id]!, slot: n.slot, ghost: true, show: k }, 'shown|' + k)
        watch(m, s, n, now, k)
      }
      return { memory: m, offers, derived, status }
    },

    ack(m0, s, kind, id, now, tab, arg) {
      const m = copy(m0)
      const derived: DerivedEvent[] = []
      const n = byId(id)
      const l = m.live[id]
      if (kind == 'leave') {
        for (const [x, y] of Object.entries(m.live)) if (y.tab == tab) delete m.live[x]
        return { m, derived }
      }
      if (!n) return { m, derived }
      const arm = m.arm[id] || 'treatment'
      const k = m.c[id]?.[0] || 0
      if (kind == 'release') {
        if (l && !l.shown && l.tab == tab) {
          delete m.live[id]
          ;(m.rel ||= {})[id] = [tab, l.page]
        }
      } else if (kind == 'shown') {
        if (m.rel) delete m.rel[id]
        if (l?.shown) return { m, derived }
        const k = charge(m, n, now)
        m.live[id] = { slot: n.slot, sig: l?.sig || 'rule', arm, at: l?.at ?? now, tab, shown: now }
        emit(s, derived, 'Nudge Shown', now, n, { arm, slot: n.slot, signal: m.live[id]!.sig, show: k }, 'shown|' + k)
        watch(m, s, n, now, k)
      } else {
        delete m.live[id]
        if (kind == 'clicked') emit(s, derived, 'Nudge Clicked', now, n, { arm, show: k, ...(typeof arg == 'string' && { cta: arg.slice(0, 200) }) }, 'clicked|' + k + '|' + arg)
        else if (kind == 'completed') {
          m.out[id] = now
          delete m.goal[id]
          emit(s, derived, 'Nudge Completed', now, n, { via: 'host', arm, show: k }, 'completed|' + k)
        } else {
          // dismissed: snooze (by the argument, else by the definition) unless snoozed enough
          const d = n.dismiss || {}
          const times = m.snz[id]?.[1] || 0
          const want = arg === false ? 0 : typeof arg == 'string' ? ms(arg) : arg === true || d.snooze ? ms(d.snooze) || 864e5 : 0
          const snooze = want > 0 && times < (d.maxSnoozes ?? 3)
          if (snooze) m.snz[id] = [now + want, times + 1]
          else m.out[id] = now
          emit(s, derived, 'Nudge Dismissed', now, n, { arm, show: k, action: snooze ? 'snooze' : 'exit', ...(snooze && { until: new Date(now + want).toISOString() }) }, 'dismissed|' + k)
        }
      }
      return { m, derived }
    },
  }
}
