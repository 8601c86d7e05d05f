// `desire-path learn …`, `desire-path learn merge …` and `desire-path uplift …` (Node
// only): arguments in, files out, a summary on standard output, an exit code back.
import { writeFile } from 'node:fs/promises'
import { DefinitionError, checked, fromPartials, learnPartial, uplift, type LearnOptions } from '../learn/api.js'
import { parseDuration } from '../journey/duration.js'
import type { JourneyDefinition } from '../journey/types.js'
import { ReadError } from '../learn/read.js'
import type { LearnResult, NudgeUplift, LearnPartial } from '../learn/types.js'
import { load } from './cli-load.js'

type Print = (s: string) => void

export const LEARN_USAGE = `Usage:
  desire-path learn EVENTS... --journey FILE --out FILE [options]
  desire-path learn merge PARTIALS... --journey FILE --out FILE [--report FILE]

EVENTS: NDJSON files of Segment-shaped messages (batch envelopes or one message a line,
.gz accepted), directories of them, or - for standard input.

Options:
  --journey FILE        the journey definition (required)
  --out FILE            where the learned definition goes (required, unless --partial)
  --report FILE         also write the report (Markdown)
  --horizon DURATION    success is the next stage within this (default: the goal's within, else P14D)
  --now ISO             the end of observation (default: the latest event)
  --min-support N       visits a step needs to be a key step (default 30)
  --learn-from all|holdout   holdout: only the global holdout and history before any nudge
  --workers N           worker threads (default: the cores)
  --shard I/N --partial FILE   count shard I of N only, into a partial for learn merge

Exit code: 0 done, 2 a file cannot be read, the journey does not validate, or the command line is wrong.`

export const UPLIFT_USAGE = `Usage: desire-path uplift EVENTS... --journey FILE [--json FILE] [--horizon D] [--now ISO] [--workers N]

Per nudge, from each subject's first "Nudge Eligible": subjects and conversions per arm,
the relative uplift of treatment over control with its 95% interval and p-value.`

const VALUED = ['--journey', '--out', '--report', '--horizon', '--now', '--min-support', '--learn-from', '--workers', '--shard', '--partial', '--json']

/** Splits arguments into positionals and `--option value`s; a string says what is wrong. */
function parse(args: string[], allowed: string[]): { pos: string[]; o: Record<string, string> } | string {
  const pos: string[] = []
  const o: Record<string, string> = {}
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    if (a == '--') {
      pos.push(...args.slice(i + 1))
      break
    } else if (a.startsWith('--') && a.includes('=')) o[a.slice(0, a.indexOf('='))] = a.slice(a.indexOf('=') + 1)
    else if (a.startsWith('-') && a != '-') {
      if (!VALUED.includes(a) || !allowed.includes(a)) return `unknown option "${a}"`
      if (args[i + 1] == null) return `${a} needs a value`
      o[a] = args[++i]!
    } else pos.push(a)
  }
  for (const k of Object.keys(o)) if (!allowed.includes(k)) return `unknown option "${k}"`
  return { pos, o }
}

/** Options for the learner from the command line, or what is wrong with them. */
function options(o: Record<string, string>): LearnOptions | string {
  const r: LearnOptions = {}
  if (o['--horizon'] != null) {
    if (!(parseDuration(o['--horizon']) > 0)) return `--horizon: not an ISO 8601 duration (P14D, PT12H): "${o['--horizon']}"`
    r.horizon = o['--horizon']
  }
  if (o['--now'] != null) {
    if (!isFinite(Date.parse(o['--now']))) return `--now: not an ISO 8601 date-time: "${o['--now']}"`
    r.now = o['--now']
  }
  for (const [k, key] of [['--min-support', 'minSupport'], ['--workers', 'workers']] as const)
    if (o[k] != null) {
      if (!/^\d+$/.test(o[k]) || (k == '--workers' && +o[k] < 1)) return `${k}: not a whole number: "${o[k]}"`
      r[key] = +o[k]
    }
  if (o['--learn-from'] != null) {
    if (o['--learn-from'] != 'all' && o['--learn-from'] != 'holdout') return `--learn-from: all or holdout, not "${o['--learn-from']}"`
    r.learnFrom = o['--learn-from']
  }
  if (o['--shard'] != null) {
    const m = /^(\d+)\/(\d+)$/.exec(o['--shard'])
    if (!m || +m[1]! >= +m[2]!) return `--shard: I/N with 0 ≤ I < N, not "${o['--shard']}"`
    r.shard = o['--shard']
  }
  return r
}

async function journey(file: string, err: Print): Promise<JourneyDefinition | undefined> {
  const r = await load(file)
  if ('why' in r) return void err(`${file}: ${r.why}`)
  try {
    return checked(r.doc)
  } catch (e) {
    if (e instanceof DefinitionError) return void err(`${file}: ${e.message}`)
    throw e
  }
}

const pct = (x: number) => Math.round(x * 100) + '%'

function summary(r: LearnResult, out: Print): void {
  const l = r.definition.learned
  out(`learned ${r.definition.id}@${r.definition.version} from ${l.input.messages} messages, ${l.subjects} customers`)
  for (const s of r.definition.stages) {
    const st = l.stages[s.id]!
    const v = st.visits
    const head = `  ${s.id}: ${v.successful} successful, ${v.unsuccessful} unsuccessful, ${v.censored} censored`
    out(st.skipped ? `${head} (not learned: ${st.skipped})` : `${head}; path: ${st.keySteps.join(' → ') || '(no key step)'}${st.negativeSteps[0] ? `; failure: ${st.negativeSteps.join(', ')}` : ''}`)
  }
  const bad = Object.entries(l.quality.counts).map(([k, n]) => `${k} ${n}`)
  if (bad[0]) out(`  data quality: ${bad.join(', ')}`)
}

function upliftTable(u: Record<string, NudgeUplift>, out: Print): void {
  if (!Object.keys(u)[0]) return out('no "Nudge Eligible" events: no nudge to measure')
  for (const [id, x] of Object.entries(u)) {
    const arm = (a: keyof NudgeUplift['arms']) => `${a} ${x.arms[a].conversions}/${x.arms[a].subjects}`
    const rel = x.relative == null ? 'n/a' : `${x.relative >= 0 ? '+' : ''}${pct(x.relative)} [${x.ci95 ? x.ci95.map(pct).join(', ') : 'n/a'}], p ${x.p == null ? 'n/a' : x.p < 0.001 ? '< 0.001' : x.p.toFixed(3)}`
    out(`${id} (${x.stage ?? 'any stage'}): ${arm('treatment')}, ${arm('control')}, ${arm('holdout')}; uplift ${rel}${x.warning ? ` — ${x.warning}` : ''}`)
  }
}

/** Runs `fn`, turning the learner's input errors into exit code 2. */
async function guarded(err: Print, fn: () => Promise<number>): Promise<number> {
  try {
    return await fn()
  } catch (e) {
    if (e instanceof ReadError || e instanceof DefinitionError) return err(e.message), 2
    throw e
  }
}

export async function learnCommand(args: string[], out: Print, err: Print): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) return out(LEARN_USAGE), 0
  const merge = args[0] == 'merge'
  const p = parse(merge ? args.slice(1) : args, merge ? ['--journey', '--out', '--report'] : VALUED.filter((x) => x != '--json'))
  const fail = (m: string) => (err(`desire-path learn: ${m}\n\n${LEARN_USAGE}`), 2)
  if (typeof p == 'string') return fail(p)
  const { pos, o } = p
  if (!pos[0]) return fail(merge ? 'no PARTIALS given' : 'no EVENTS given')
  if (!o['--journey']) return fail('--journey FILE is required')
  if (!o['--out'] && !o['--partial']) return fail('--out FILE is required')
  if (o['--shard'] && !o['--partial']) return fail('--shard needs --partial FILE (combine the partials with learn merge)')
  const opts = options(o)
  if (typeof opts == 'string') return fail(opts)
  const def = await journey(o['--journey'], err)
  if (!def) return 2
  return guarded(err, async () => {
    let partials: LearnPartial[]
    if (merge) {
      partials = []
      for (const f of pos) {
        const r = await load(f)
        if ('why' in r) return err(`${f}: ${r.why}`), 2
        if ((r.doc as LearnPartial)?.kind != 'desire-path/learn-partial') return err(`${f}: not a partial of desire-path learn`), 2
        partials.push(r.doc as LearnPartial)
      }
    } else partials = [await learnPartial(pos, def, { shard: '0/1', ...opts })]
    if (o['--partial']) {
      await writeFile(o['--partial'], JSON.stringify(partials[0]) + '\n')
      out(`partial ${partials[0]!.shards[0]}: ${partials[0]!.subjects} customers → ${o['--partial']}`)
      if (!o['--out'] || o['--shard']) return 0
    }
    let r: LearnResult
    try {
      r = fromPartials(def, partials)
    } catch (e) {
      return err(`desire-path learn merge: ${(e as Error).message}`), 2
    }
    await writeFile(o['--out']!, JSON.stringify(r.definition, null, 2) + '\n')
    if (o['--report']) await writeFile(o['--report'], r.report)
    summary(r, out)
    out(`wrote ${o['--out']}${o['--report'] ? ` and ${o['--report']}` : ''}`)
    return 0
  })
}

export async function upliftCommand(args: string[], out: Print, err: Print): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) return out(UPLIFT_USAGE), 0
  const p = parse(args, ['--journey', '--json', '--horizon', '--now', '--workers'])
  const fail = (m: string) => (err(`desire-path uplift: ${m}\n\n${UPLIFT_USAGE}`), 2)
  if (typeof p == 'string') return fail(p)
  if (!p.pos[0]) return fail('no EVENTS given')
  if (!p.o['--journey']) return fail('--journey FILE is required')
  const opts = options(p.o)
  if (typeof opts == 'string') return fail(opts)
  const def = await journey(p.o['--journey'], err)
  if (!def) return 2
  return guarded(err, async () => {
    const u = await uplift(p.pos, def, opts)
    if (p.o['--json']) await writeFile(p.o['--json'], JSON.stringify(u, null, 2) + '\n')
    upliftTable(u, out)
    return 0
  })
}

