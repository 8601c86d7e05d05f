// @vitest-environment node
import { describe, expect, it } from 'vitest'
import type { JourneyDefinition } from '../../../src/journey/types.js'
import { context } from '../../../src/learn/context.js'
import { emptyPartial } from '../../../src/learn/partial.js'
import { replay, type Rec } from '../../../src/learn/replay.js'
import { params } from '../../../src/learn/run.js'

const H = 36e5
const DAY = 24 * H
const T0 = Date.parse('2026-01-01T00:00:00Z')
const DEF: JourneyDefinition = {
  id: 'j',
  version: '1',
  stages: [
    { id: 'visitor', entry: { all: [] } },
    { id: 'trial', entry: { event: { name: 'Signed Up' } } },
    { id: 'active', entry: { event: { name: 'Report Shared', count: 2 } } },
  ],
  goal: { event: { name: 'Paid' } },
  nudges: [{ id: 'n', stage: 'trial', trigger: { signal: 'stalled' }, slot: 'banner', goal: { rule: { event: { name: 'Invited' } }, within: 'P2D' } }],
}

let seq = 0
const track = (user: string, name: string, t: number, props: Record<string, string> = {}): Rec => [T0 + t, 'm' + seq++, 'track', name, props, 0, 0, seq]

function run(recs: Rec[][], now = T0 + 60 * DAY, learnFrom: 'all' | 'holdout' = 'all') {
  const p = params(DEF, { now: new Date(now).toISOString(), learnFrom }, 0)
  const cx = context(DEF, p, ['f'])
  const part = emptyPartial(DEF, p, '0/1')
  for (const r of recs) replay(cx, 'subject-' + seq, r, part)
  return part
}

describe('replaying a subject', () => {
  it('cuts visits, labels them, and counts the steps between entry and outcome only', () => {
    const a = [track('a', 'Home Viewed', 0), track('a', 'Signed Up', H), track('a', 'Created', 2 * H), track('a', 'Report Shared', 3 * H), track('a', 'Report Shared', 4 * H), track('a', 'Welcome', 5 * H)]
    const part = run([a])
    const trial = part.stages.trial!
    expect([trial.successful, trial.unsuccessful, trial.censored]).toEqual([1, 0, 0])
    // the first "Report Shared" makes up the next stage's entry: the outcome, never a step
    expect(Object.keys(trial.cand)).toEqual(['t:Created'])
    // what follows the transition belongs to the next stage
    expect(Object.keys(part.stages.active!.cand)).toEqual(['t:Welcome'])
    // the event that moved the customer on ("Signed Up") is not a step of the stage it
    // left; the first event only starts the first stage, so it is one of its steps
    expect(Object.keys(part.stages.visitor!.cand)).toEqual(['t:Home Viewed'])
    expect(part.stages.trial!.next).toEqual({ '^\tt:Created': 1, 't:Created\t$': 1 })
  })

  it('a visit without the next stage is unsuccessful after a full horizon, censored before; a late transition is a failure', () => {
    const late = [track('b', 'Signed Up', 0), track('b', 'Report Shared', 15 * DAY), track('b', 'Report Shared', 15 * DAY + 1)]
    const recent = [track('c', 'Signed Up', 59 * DAY)]
    const part = run([late, recent])
    const t = part.stages.trial!
    expect([t.successful, t.unsuccessful, t.censored]).toEqual([0, 1, 1])
  })

  it('dedupes resends by messageId (counted), and the order of records does not matter', () => {
    const a = [track('a', 'Signed Up', 0), track('a', 'Created', H), track('a', 'Report Shared', 2 * H), track('a', 'Report Shared', 3 * H)]
    const shuffled = [a[3]!, a[1]!, a[0]!, a[2]!, a[1]!]
    const part = run([shuffled])
    expect(part.replay.counts.duplicate).toBe(1)
    expect(part.stages.trial!.successful).toBe(1)
    expect(part.stages.trial!.cand['t:Created']!.s).toBe(1)
  })

  it('follows a nudge from its first eligibility: converted when its goal comes to hold within its window', () => {
    const el = (u: string, arm: string, t: number) => track(u, 'Nudge Eligible', t, { nudge: 'n', arm, stage: 'trial' })
    const yes = [track('a', 'Signed Up', 0), el('a', 'treatment', H), track('a', 'Invited', DAY)]
    const tooLate = [track('b', 'Signed Up', 0), el('b', 'control', H), track('b', 'Invited', 3 * DAY)]
    const recent = [track('c', 'Signed Up', 59 * DAY), el('c', 'control', 59 * DAY + H)]
    const n = run([yes, tooLate, recent]).nudges.n!
    expect(n.arms.treatment).toEqual({ subjects: 1, conversions: 1 })
    expect(n.arms.control).toEqual({ subjects: 1, conversions: 0 })
    expect(n.censored).toBe(1)
  })

  it('--learn-from holdout: the global holdout whole, everyone else only until a nudge shows', () => {
    const el = (u: string, arm: string, t: number) => track(u, 'Nudge Eligible', t, { nudge: 'n', arm, stage: 'trial' })
    const success = (u: string) => [track(u, 'Signed Up', 0), track(u, 'Created', H), track(u, 'Report Shared', 3 * DAY), track(u, 'Report Shared', 3 * DAY + 1)]
    const held = [...success('h'), el('h', 'holdout', DAY)]
    const shown = [...success('s'), el('s', 'treatment', DAY), track('s', 'Nudge Shown', DAY + 1, { nudge: 'n', arm: 'treatment' })]
    const earlier = [track('e', 'Signed Up', 0), track('e', 'Report Shared', H), track('e', 'Report Shared', 2 * H), el('e', 'treatment', DAY), track('e', 'Nudge Shown', DAY + 1, { nudge: 'n' })]
    const all = run([held, shown, earlier]).stages.trial!
    expect([all.successful, all.unsuccessful, all.censored]).toEqual([3, 0, 0])
    // shown a nudge a day into the visit, before its outcome: not observed unexposed for a
    // full horizon, so censored; the success before any nudge still counts
    const holdout = run([held, shown, earlier], T0 + 60 * DAY, 'holdout').stages.trial!
    expect([holdout.successful, holdout.unsuccessful, holdout.censored]).toEqual([2, 0, 1])
    expect(holdout.cand['t:Created']!.s).toBe(1)
  })

  it('folds every event when a rule depends on time (a noise event can move the customer on)', () => {
    const timed: JourneyDefinition = {
      id: 't',
      version: '1',
      stages: [
        { id: 'active', entry: { all: [] } },
        { id: 'lapsing', entry: { all: [{ event: { name: 'Ping' } }, { not: { event: { name: 'Ping', within: 'P1D' } } }] } },
      ],
    }
    const p = params(timed, { now: new Date(T0 + 60 * DAY).toISOString() }, 0)
    const part = emptyPartial(timed, p, '0/1')
    replay(context(timed, p, ['f']), 's', [track('a', 'Ping', 0), track('a', 'Noise', 2 * DAY)], part)
    // "Noise" matches no rule, but folding it is when the engine sees that no Ping came for a day
    expect(part.stages.active!.successful).toBe(1)
    expect(context(DEF, p, ['f']).folds({ type: 'track', event: 'Noise', messageId: 'x', t: 0 })).toBe(false)
    expect(context(timed, p, ['f']).folds({ type: 'track', event: 'Noise', messageId: 'x', t: 0 })).toBe(true)
    // a strict sequence is broken by any event between its steps: every event is folded
    const strict: JourneyDefinition = { ...timed, stages: [timed.stages[0]!, { id: 'b', entry: { sequence: { steps: [{ name: 'A' }, { name: 'B' }], mode: 'strict' } } }] }
    expect(context(strict, p, ['f']).folds({ type: 'track', event: 'Noise', messageId: 'x', t: 0 })).toBe(true)
  })
})
