import { humanize, parseDuration } from './duration.js'
import type { JourneySnapshot, JourneyState, Signal } from './state.js'
import type { StageDef, StepDef } from './types.js'

/** Without a stage `idleAfter`: 30 minutes without any event make the customer idle. */
const IDLE = 30 * 6e4
const pct = (x: number) => Math.round(x * 100) + '%'
const label = (st: StepDef) => st.label || st.match.name || st.id

/** Current stage, progress along its path, the next step, and the signals that hold at `now`. */
export function snapshot(s: JourneyState, now: number, stages: StageDef[]): JourneySnapshot {
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
  // next: the likeliest not-done step after the last one, if at least 10% likely (below,
  // taking it would be offPath), else the first key step not done; none once they are all done
  const after = all.find((x) => x.id == s.lastStep)?.next
  const byOdds = after && all.filter((x) => !done(x) && after[x.id]! >= 0.1).sort((a, b) => after[b.id]! - after[a.id]!)[0]
  const next = byOdds || keys.find((x) => !done(x))
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
