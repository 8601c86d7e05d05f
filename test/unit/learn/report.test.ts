// @vitest-environment node
import { describe, expect, it } from 'vitest'
import type { JourneyDefinition } from '../../../src/journey/types.js'
import { eventOf, renderReport } from '../../../src/learn/report.js'
import type { CandidateFigures, LearnedBlock, NudgeUplift } from '../../../src/learn/types.js'

const track = (name: string) => ({ type: 'track' as const, name })
const cand = (id: string, match: CandidateFigures['match'], f: Partial<CandidateFigures>): CandidateFigures => ({
  id,
  match,
  support: 0.2,
  lift: 1,
  phi: 0,
  n: 100,
  p: 0.5,
  key: false,
  negative: false,
  ...f,
})

const QUOTED = 'Say "hi" [beta]'
const learned: LearnedBlock = {
  by: 'desire-path learn 0.1.0',
  date: '2026-03-01T00:00:00.000Z',
  from: { id: 'b2b', version: '1.0' },
  params: { horizon: 'P14D', now: '2026-03-01T00:00:00.000Z', minSupport: 30, minShare: 0.3, minLift: 1.1, minPhi: 0.1, learnFrom: 'all' },
  input: { files: { 'events-00.ndjson.gz': 'sha256:0123456789abcdef0123456789abcdef' }, lines: 12_000, messages: 11_500 },
  quality: {
    counts: { malformed: 2, duplicate: 5 },
    first: { malformed: ['events-00.ndjson.gz:17', 'events-00.ndjson.gz:40'], duplicate: ['events-00.ndjson.gz:3'] },
  },
  subjects: 1500,
  stages: {
    onboarding: {
      visits: { successful: 900, unsuccessful: 300, censored: 50 },
      keySteps: ['workspace-created', 'data-source-connected', 'say-hi'],
      negativeSteps: ['error-shown'],
      stall: 'P1DT12H',
      order: [
        { before: 'workspace-created', after: 'data-source-connected', share: 0.93 },
        { before: 'data-source-connected', after: 'say-hi', share: 0.61 },
      ],
      tests: 9,
      candidates: [
        cand('workspace-created', track('Workspace Created'), { support: 0.86, lift: 1.523, phi: 0.412, n: 1020, key: true, p75: 3 * 36e5 }),
        cand('data-source-connected', track('Data Source Connected'), { support: 0.7, lift: 1.3, phi: 0.3, n: 800, key: true, p75: 2 * 864e5 }),
        cand('say-hi', track(QUOTED), { support: 0.5, lift: 1.2, phi: 0.2, n: 600, key: true }),
        cand('error-shown', track('Error Shown'), { support: 0.1, lift: 0.5, phi: -0.3, n: 400, negative: true }),
        cand('teammate-invited', track('Teammate Invited'), { support: 0.4, lift: 1.02, phi: 0.05, n: 500 }),
        cand('teammate-invited-2', track('teammate invited'), { support: 0.01, lift: 1.5, phi: 0.02, n: 12 }),
        cand('pricing', { type: 'page', name: 'Pricing' }, { n: 300 }),
        cand('docs', { type: 'page', where: [{ prop: 'path', op: 'eq', value: '/docs' }] }, { n: 200 }),
        cand('a-b', track('A|B'), { n: 150 }),
      ],
    },
    adoption: {
      visits: { successful: 0, unsuccessful: 80, censored: 5 },
      keySteps: [],
      negativeSteps: [],
      order: [],
      candidates: [],
      tests: 0,
      skipped: 'no successful visits',
    },
    expansion: {
      visits: { successful: 40, unsuccessful: 40, censored: 0 },
      keySteps: [],
      negativeSteps: [],
      stall: 'P3D',
      order: [],
      tests: 0,
      candidates: [cand('plan-upgraded', track('Plan Upgraded'), { support: 0.5, lift: 1.4, phi: 0.3, n: 25 })],
    },
  },
}

// a cast: JourneyDefinition's own `learned` is JSON (an index signature), which the LearnedBlock interface is not assignable to
const def = {
  id: 'b2b',
  version: '1.1',
  stages: [
    {
      id: 'onboarding',
      name: 'Onboarding',
      entry: { event: { name: 'Signed Up' } },
      stall: 'P1DT12H',
      path: {
        basis: 900,
        steps: [
          { id: 'workspace-created', match: track('Workspace Created'), key: true, expectedWithin: 'PT3H', share: 0.86 },
          { id: 'data-source-connected', match: track('Data Source Connected'), key: true, expectedWithin: 'P2D', share: 0.7 },
          { id: 'say-hi', match: track(QUOTED), key: true, share: 0.5 },
          { id: 'error-shown', match: track('Error Shown'), key: false, share: 0.1 },
          { id: 'invite', match: track('Invite Sent'), key: false },
        ],
      },
    },
    { id: 'adoption', name: 'Adoption', entry: { event: { name: 'Dashboard Shared' } } },
    { id: 'expansion', entry: { event: { name: 'Plan Upgraded' } }, stall: 'P3D', path: { steps: [], basis: 40 } },
  ],
  goal: { event: { name: 'Case Study Published' } },
  learned,
} as JourneyDefinition & { learned: LearnedBlock }

const uplift: Record<string, NudgeUplift> = {
  'invite-nudge': {
    stage: 'onboarding',
    arms: { treatment: { subjects: 1000, conversions: 450 }, control: { subjects: 1000, conversions: 300 }, holdout: { subjects: 60, conversions: 20 } },
    relative: 0.5,
    ci95: [0.334552, 0.68596],
    p: 4.26e-12,
    absolute: 0.15,
    absoluteCi95: [0.107767, 0.191477],
    conversion: 'goal',
    horizon: 'P7D',
    censored: 12,
  },
  'tour-nudge': {
    stage: null,
    arms: { treatment: { subjects: 40, conversions: 4 }, control: { subjects: 0, conversions: 0 }, holdout: { subjects: 30, conversions: 0 } },
    relative: null,
    ci95: [-0.5, 20],
    p: 0.0943,
    absolute: 0.1,
    absoluteCi95: null,
    conversion: 'next stage',
    horizon: 'P14D',
    censored: 0,
    warning: 'compared with the global holdout (the nudge has no control arm); below the minimum sample: 40 subjects in treatment (minimum 100)',
  },
}

const report = renderReport(def, uplift)
/** The section from its heading to the next heading of the same or a higher level. */
const section = (heading: string) => {
  const at = report.indexOf(heading + '\n')
  expect(at, heading).toBeGreaterThanOrEqual(0)
  const level = heading.split(' ')[0]!
  const rest = report.slice(at + heading.length)
  const end = rest.search(new RegExp(`\\n#{1,${level.length}} `))
  return end < 0 ? rest : rest.slice(0, end)
}

describe('renderReport', () => {
  it('has a title with the versions, the provenance and the sections in order', () => {
    expect(report.startsWith('# Learned journey `b2b`: 1.0 → 1.1\n')).toBe(true)
    expect(report).toContain('Learned by desire-path learn 0.1.0 from 1,500 subjects, observed until 2026-03-01T00:00:00.000Z.')
    expect(report).toContain('- Input: `events-00.ndjson.gz` (sha256:0123456789ab…)')
    expect(report).toContain('horizon P14D (14 days), minSupport 30, minShare 30%, minLift 1.10, minPhi 0.10, learnFrom all')
    const order = ['## Stage 1: Onboarding (`onboarding`)', '## Stage 2: Adoption', '## Stage 3: expansion', '## Data quality', '## Nudge uplift', '## Caveats']
    const at = order.map((h) => report.indexOf(h))
    expect(at.every((x) => x > 0)).toBe(true)
    expect(at).toEqual(at.slice().sort((a, b) => a - b))
    expect(report.endsWith('\n')).toBe(true)
    expect(report).not.toMatch(/\n\n\n/)
  })

  it('gives a stage its visits, key steps in path order, and the steps it rejected with why', () => {
    const s = section('## Stage 1: Onboarding (`onboarding`)')
    expect(s).toContain('Visits: 900 successful, 300 unsuccessful, a success rate of 75%; 50 censored')
    expect(s).toContain('| `workspace-created` | Workspace Created | 86% | 1.52× | 0.41 | 1,020 | 3 hours |')
    expect(s).toContain('| `data-source-connected` | Data Source Connected | 70% | 1.30× | 0.30 | 800 | 2 days |')
    expect(s.indexOf('`workspace-created`')).toBeLessThan(s.indexOf('`data-source-connected`'))
    expect(s).toContain('Kept in the path as they were (other parts of the definition refer to them): `invite`.')
    const rejected = section('### Considered, not key')
    expect(rejected).toContain('| Teammate Invited | 40% | 1.02× | 0.05 | 500 | low lift (1.02 < 1.10); low phi (0.05 < 0.10) |')
    expect(rejected).toContain('below min-support n (12 < 30); low support (1% < 30%)')
    expect(rejected).toContain('| page Pricing |')
    expect(rejected).toContain('| page /docs |')
    // a pipe in an event name does not split the cell
    expect(rejected).toContain('| A\\|B | 20% |')
    expect(rejected.indexOf('Teammate Invited')).toBeLessThan(rejected.indexOf('page Pricing'))
    expect(section('### Steps that predict failure')).toContain('| `error-shown` | Error Shown | 10% | 0.50× | -0.30 | 400 |')
    expect(s).toContain('- Stall after P1DT12H (1.5 days): the p75 time from entry to the next stage among successful visits.')
    expect(s).toContain('- Workspace Created before Data Source Connected in 93% of successful visits with both.')
  })

  it('draws the happy path in Mermaid, labels escaped', () => {
    const block = report.match(/```mermaid\n([\s\S]*?)```/)![1]!
    expect(block).toBe(
      'flowchart LR\n' +
        '  s0(["Onboarding"]) --> k1["Workspace Created<br/>86% · p75 3 h"] --> k2["Data Source Connected<br/>70% · p75 2 d"]' +
        ' --> k3["Say #quot;hi#quot; #91;beta#93;<br/>50%"] --> s1(["Adoption"])\n',
    )
    // the last stage goes to the goal
    expect(section('## Stage 3: expansion (`expansion`)')).toContain('  s0(["expansion"]) --> s1(["Goal"])')
    expect(section('## Stage 3: expansion (`expansion`)')).toContain('No candidate passed every threshold')
  })

  it('says why a skipped stage was not learned, instead of tables', () => {
    const s = section('## Stage 2: Adoption (`adoption`)')
    expect(s).toContain('Visits: 0 successful, 80 unsuccessful, a success rate of 0%; 5 censored')
    expect(s).toContain("Nothing learned: no successful visits. The stage's path is left as it was.")
    expect(s).not.toContain('|')
    expect(s).not.toContain('mermaid')
  })

  it('counts the data quality problems with their first lines', () => {
    const s = section('## Data quality')
    expect(s).toContain('12,000 lines read from 1 file, 11,500 messages accepted (before deduplication).')
    expect(s).toContain('| malformed | not JSON | 2 | events-00.ndjson.gz:17, events-00.ndjson.gz:40 |')
    expect(s).toContain('| duplicate | a messageId seen before: dropped | 5 | events-00.ndjson.gz:3 |')
  })

  it('tables each nudge with its arms, uplift, interval, p-value and warnings', () => {
    const s = section('### `invite-nudge`')
    expect(s).toContain("Stage: `onboarding`; conversion: the nudge's goal within P7D (7 days); 12 censored")
    expect(s).toContain('| treatment | 1,000 | 450 | 45% |')
    expect(s).toContain('| holdout | 60 | 20 | 33% |')
    expect(s).toContain('Relative uplift: +50% (95% CI +33% to +69%); absolute +15.0 pp (95% CI +10.8 pp to +19.1 pp); p < 0.001.')
    expect(s).not.toContain('Warning')
    const t = section('### `tour-nudge`')
    expect(t).toContain('Stage: any; conversion: reaching the next stage within P14D (14 days)')
    expect(t).toContain('| control | 0 | 0 | — |')
    expect(t).toContain('Relative uplift: undefined (95% CI −50% to +2000%); absolute +10.0 pp; p = 0.094.')
    expect(t).toContain('> **Warning:** compared with the global holdout (the nudge has no control arm); below the minimum sample: 40 subjects in treatment')
  })

  it('states caveats about these numbers', () => {
    const s = section('## Caveats')
    expect(s).toContain("Only the uplift tables' randomised comparisons are causal.")
    expect(s).toContain('- 55 censored visits (Onboarding 50, Adoption 5) were observed for less than the horizon')
    expect(s).toContain('- Small samples (fewer than 100 successful visits): expansion (40)')
    expect(s).not.toContain('Adoption (0)')
    expect(s).toContain('- Horizon P14D (14 days)')
    expect(s).toContain('- `Teammate Invited` and `teammate invited` are counted apart; the SDK matches names exactly.')
  })

  it('leaves out the uplift section without nudges', () => {
    const r = renderReport(def, {})
    expect(r).not.toContain('## Nudge uplift')
    expect(r).toContain('No randomised comparison (nudge uplift) was measured.')
  })
})

describe('eventOf', () => {
  it('names tracks, named pages and page paths', () => {
    expect(eventOf({ type: 'track', name: 'Signed Up' })).toBe('Signed Up')
    expect(eventOf({ name: 'Signed Up' })).toBe('Signed Up')
    expect(eventOf({ type: 'page', name: 'Pricing' })).toBe('page Pricing')
    expect(eventOf({ type: 'page', where: [{ prop: 'path', op: 'eq', value: '/docs' }] })).toBe('page /docs')
  })
})
