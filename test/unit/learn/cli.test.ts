// @vitest-environment node
// The learner's command line on small hand-written inputs: what it writes, and how bad
// input is reported (never fatal for lines; exit 2, naming the file, for what it cannot read).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { main } from '../../../src/entries/cli.js'
import { definitionErrors } from '../../../src/journey/validate.js'

const dir = mkdtempSync(join(tmpdir(), 'dp-learn-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const file = (name: string, text: string | Buffer) => {
  const p = join(dir, name)
  writeFileSync(p, text)
  return p
}
async function cli(...args: string[]) {
  const out: string[] = []
  const err: string[] = []
  const code = await main(args, (s) => out.push(s), (s) => err.push(s))
  return { code, out, err }
}

const JOURNEY = file(
  'journey.json',
  JSON.stringify({
    id: 'trial',
    version: '2.3',
    stages: [
      { id: 'visitor', entry: { all: [] } },
      { id: 'trial', entry: { event: { name: 'Signed Up' } } },
      { id: 'active', entry: { event: { name: 'Report Shared' } } },
    ],
  }),
)
const T0 = Date.parse('2026-01-01T00:00:00Z')
let n = 0
const msg = (user: string, event: string, hours: number, extra = {}) => ({ type: 'track', event, messageId: 'm' + n++, timestamp: new Date(T0 + hours * 36e5).toISOString(), anonymousId: 'a-' + user, ...extra })

/** 40 customers who sign up: those who create a project share a report the next day. */
function customers(): string[] {
  const lines: string[] = []
  for (let i = 0; i < 40; i++) {
    const u = 'c' + i
    const ok = i % 2 == 0
    const m = [msg(u, 'Home Viewed', i), msg(u, 'Signed Up', i + 1)]
    if (ok || i % 8 == 1) m.push(msg(u, 'Project Created', i + 3))
    if (ok) m.push(msg(u, 'Report Shared', i + 20))
    lines.push(JSON.stringify({ batch: m, sentAt: m[0]!.timestamp }))
  }
  return lines
}

describe('desire-path learn (command line)', () => {
  const events = customers()
  const plain = file('a.ndjson', events.slice(0, 20).join('\n') + '\n{"batch": [oops\n' + JSON.stringify(msg('x', 'No Id', 1, { anonymousId: undefined })) + '\n')
  const gz = file('b.ndjson.gz', gzipSync(events.slice(20).join('\n') + '\n' + JSON.stringify({ type: 'track', event: 'x', anonymousId: 'q', messageId: 'z' }) + '\n'))
  const out = join(dir, 'learned.json')
  const report = join(dir, 'report.md')

  it('writes a learned definition that validates, with provenance, and a report; bad lines are counted with their place', async () => {
    const r = await cli('learn', plain, gz, '--journey', JOURNEY, '--out', out, '--report', report, '--min-support', '5', '--now', '2026-03-01T00:00:00Z', '--workers', '1')
    expect(r.err).toEqual([])
    expect(r.code).toBe(0)
    const learned = JSON.parse(readFileSync(out, 'utf8'))
    expect(definitionErrors(learned)).toEqual([])
    expect(learned.version).toBe('2.4')
    expect(learned.stages[1].path.steps.map((s: { id: string; key: boolean }) => [s.id, s.key])).toEqual([['project-created', true]])
    expect(learned.learned.stages.trial.visits).toEqual({ successful: 20, unsuccessful: 20, censored: 0 })
    expect(learned.learned.quality.counts).toEqual({ malformed: 1, missingId: 1, missingTimestamp: 1 })
    expect(learned.learned.quality.first.malformed).toEqual([`${plain}:21`])
    expect(learned.learned.quality.first.missingTimestamp).toEqual([`${gz}:21`])
    expect(Object.keys(learned.learned.input.files)).toEqual([plain, gz])
    expect(learned.learned.input.files[gz]).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(readFileSync(report, 'utf8')).toContain('```mermaid')
    expect(r.out.join('\n')).toContain('trial: 20 successful, 20 unsuccessful, 0 censored; path: project-created')
  })

  it('keeps a hand-written step that a nudge names, as a non-key step before the key steps, so the definition stays valid', async () => {
    const hand = {
      id: 'trial',
      version: '1',
      stages: [
        { id: 'visitor', entry: { all: [] } },
        {
          id: 'trial',
          entry: { event: { name: 'Signed Up' } },
          path: { steps: [{ id: 'tour', match: { name: 'Tour Taken' }, next: { old: 0.5 } }, { id: 'old', match: { name: 'Old Step' } }] },
        },
        { id: 'active', entry: { event: { name: 'Report Shared' } } },
      ],
      nudges: [{ id: 'tour-nudge', stage: 'trial', trigger: { signal: 'stepOverdue', step: 'tour' }, slot: 'banner' }],
    }
    const j = file('hand.json', JSON.stringify(hand))
    const o = join(dir, 'hand-learned.json')
    const r = await cli('learn', plain, gz, '--journey', j, '--out', o, '--min-support', '5', '--now', '2026-03-01T00:00:00Z', '--workers', '1')
    expect(r.code).toBe(0)
    const learned = JSON.parse(readFileSync(o, 'utf8'))
    expect(definitionErrors(learned)).toEqual([])
    expect(learned.stages[1].path.steps.map((s: { id: string; key: boolean; next?: unknown }) => [s.id, s.key, s.next !== undefined])).toEqual([
      ['tour', false, false],
      ['project-created', true, true],
    ])
  })

  it('keeps names and ids outside ASCII (and with tabs or newlines) intact through its spill files', async () => {
    const lines: string[] = []
    for (let i = 0; i < 40; i++) {
      const anon = `añon\t${i}\n`
      const m = [msg('x', 'Home Viewed', i, { anonymousId: anon }), msg('x', 'Signed Up', i + 1, { anonymousId: anon })]
      // signup links the marketing id to a user id outside ASCII; the product app's events carry both
      const user = `usér-${i}`
      m.push({ type: 'identify', userId: user, anonymousId: anon, messageId: 'id' + i, timestamp: new Date(T0 + (i + 2) * 36e5).toISOString() } as never)
      if (i % 2 == 0 || i % 8 == 1) m.push(msg('x', 'Café Créé ✓', i + 3, { anonymousId: 'app-' + i, userId: user }))
      if (i % 2 == 0) m.push(msg('x', 'Report Shared', i + 20, { anonymousId: undefined, userId: user }))
      lines.push(JSON.stringify({ batch: m }))
    }
    const f = file('utf8.ndjson', lines.join('\n') + '\n')
    const o = join(dir, 'utf8.json')
    expect((await cli('learn', f, '--journey', JOURNEY, '--out', o, '--min-support', '5', '--now', '2026-03-01T00:00:00Z', '--workers', '1')).code).toBe(0)
    const learned = JSON.parse(readFileSync(o, 'utf8'))
    expect(learned.learned.subjects).toBe(40)
    expect(learned.learned.stages.trial.visits).toEqual({ successful: 20, unsuccessful: 20, censored: 0 })
    expect(learned.stages[1].path.steps.map((s: { match: { name: string } }) => s.match.name)).toEqual(['Café Créé ✓'])
  })

  it('exits 2 for a file it cannot read, naming it, and for a journey that does not validate, naming the JSON path', async () => {
    const missing = await cli('learn', join(dir, 'nope.ndjson'), '--journey', JOURNEY, '--out', out)
    expect(missing.code).toBe(2)
    expect(missing.err.join('\n')).toContain(join(dir, 'nope.ndjson') + ': cannot read')
    const corrupt = file('c.ndjson.gz', Buffer.concat([gzipSync('{"a":1}\n'.repeat(1000)).subarray(0, 40), Buffer.from('garbage')]))
    const bad = await cli('learn', corrupt, '--journey', JOURNEY, '--out', out, '--workers', '1')
    expect(bad.code).toBe(2)
    expect(bad.err.join('\n')).toContain(corrupt + ': cannot read')
    const j = file('bad-journey.json', JSON.stringify({ id: 'j', version: '1', stages: [{ id: 'a', entry: { evnt: {} } }] }))
    const invalid = await cli('learn', plain, '--journey', j, '--out', out)
    expect(invalid.code).toBe(2)
    expect(invalid.err.join('\n')).toMatch(/bad-journey\.json: stages\[0\]\.entry/)
    const usage = await cli('learn', plain, '--journey', JOURNEY)
    expect([usage.code, usage.err[0]]).toEqual([2, expect.stringContaining('--out FILE is required')])
  })

  it('refuses bad options with exit 2, naming them', async () => {
    for (const [args, said] of [
      [['--horizon', 'two weeks'], '--horizon: not an ISO 8601 duration'],
      [['--now', 'soon'], '--now: not an ISO 8601 date-time'],
      [['--learn-from', 'nudged'], '--learn-from: all or holdout'],
      [['--workers', '0'], '--workers: not a whole number'],
      [['--shard', '2/2', '--partial', 'p.json'], '--shard: I/N with 0 ≤ I < N'],
      [['--frobnicate', '1'], 'unknown option "--frobnicate"'],
    ] as const) {
      const r = await cli('learn', plain, '--journey', JOURNEY, '--out', out, ...args)
      expect({ args, code: r.code, said: r.err[0]?.includes(said) }).toEqual({ args, code: 2, said: true })
    }
  })

  it('uplift: per nudge, the arms, the relative uplift with its interval, as a table and as --json', async () => {
    const lines: string[] = []
    for (let i = 0; i < 400; i++) {
      const arm = i % 2 ? 'treatment' : 'control'
      // treatment converts (reaches the next stage) 3 times in 4, control 1 time in 4
      const k = i >> 1
      const converts = arm == 'treatment' ? k % 4 != 0 : k % 4 == 0
      const m = [msg('u' + i, 'Signed Up', 0), msg('u' + i, 'Nudge Eligible', 1, { properties: { nudge: 'share-nudge', arm, stage: 'trial' } })]
      if (converts) m.push(msg('u' + i, 'Report Shared', 30))
      lines.push(JSON.stringify({ batch: m }))
    }
    const f = file('nudged.ndjson', lines.join('\n') + '\n')
    const json = join(dir, 'uplift.json')
    const r = await cli('uplift', f, '--journey', JOURNEY, '--json', json, '--now', '2026-03-01T00:00:00Z', '--workers', '1')
    expect(r.code).toBe(0)
    const u = JSON.parse(readFileSync(json, 'utf8'))['share-nudge']
    const t = u.arms.treatment
    const c = u.arms.control
    expect([t.subjects, c.subjects, u.arms.holdout.subjects, u.stage, u.conversion]).toEqual([200, 200, 0, 'trial', 'next stage'])
    expect(u.relative).toBeCloseTo(t.conversions / t.subjects / (c.conversions / c.subjects) - 1, 10)
    expect(u.ci95[0]).toBeLessThan(u.relative)
    expect(u.ci95[1]).toBeGreaterThan(u.relative)
    expect(u.p).toBeLessThan(0.001)
    // no definition of share-nudge in the journey: said, and the default conversion used
    expect(u.warning).toContain('no definition in the journey')
    expect(r.out[0]).toMatch(/^share-nudge \(trial\): treatment \d+\/200, control \d+\/200, holdout 0\/0; uplift \+\d+% \[/)
  })

  it('learn merge refuses partials that do not cover every shard once', async () => {
    const p0 = join(dir, 'p0.json')
    expect((await cli('learn', plain, gz, '--journey', JOURNEY, '--shard', '0/2', '--partial', p0, '--workers', '1')).code).toBe(0)
    const r = await cli('learn', 'merge', p0, '--journey', JOURNEY, '--out', out)
    expect(r.code).toBe(2)
    expect(r.err.join('\n')).toContain('missing 1/2')
  })
})
