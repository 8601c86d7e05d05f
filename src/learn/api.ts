import { definitionErrors } from '../journey/validate.js'
import type { JourneyDefinition } from '../journey/types.js'
import { bucket } from '../nudges/policy.js'
import type { NudgeArm } from '../nudges/types.js'
import { learnedDefinition } from './learned.js'
import { mergePartials } from './partial.js'
import { renderReport } from './report.js'
import { countAll, type CountOptions } from './run.js'
import type { LearnResult, NudgeUplift, LearnPartial } from './types.js'
import { upliftOf } from './uplift.js'

// The learner's programmatic face (desire-path/learn), Node only.

export type LearnOptions = CountOptions

/** Thrown for a definition that does not validate: `path` is the JSON path of the first problem. */
export class DefinitionError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message)
  }
}

/** The definition, validated with the full validator (a DefinitionError if not). */
export function checked(definition: unknown): JourneyDefinition {
  const e = definitionErrors(definition)[0]
  if (e) throw new DefinitionError(`${e.path || '(root)'}: ${e.message}`, e.path)
  return definition as JourneyDefinition
}

const list = (source: string | string[]) => (Array.isArray(source) ? source : [source])
const BY = `desire-path learn ${__VERSION__}`

/** The result (learned definition, report, uplift) of a complete partial, or of merged shards' partials. */
export function fromPartials(definition: unknown, partials: LearnPartial[]): LearnResult {
  const def = checked(definition)
  const part = mergePartials(partials)
  if (part.journey.id != def.id || part.journey.version != def.version)
    throw new Error(`the partials are of journey ${part.journey.id}@${part.journey.version}, not ${def.id}@${def.version}`)
  const learned = learnedDefinition(def, part, BY)
  const uplift = upliftOf(def, part)
  return { definition: learned, report: renderReport(learned, uplift), uplift }
}

/**
 * Learns each stage's recommended path from exported events.
 * @param source NDJSON files (`.gz` too) or directories of them, `-` for standard input
 * @param definition the journey definition (parsed JSON)
 * @example const { definition, report } = await learn('exports/', JSON.parse(readFileSync('journey.json', 'utf8')))
 */
export async function learn(source: string | string[], definition: unknown, options: LearnOptions = {}): Promise<LearnResult> {
  const def = checked(definition)
  return fromPartials(def, [await countAll(list(source), def, { ...options, shard: '0/1' })])
}

/** What one shard of subjects counted (`shard: 'i/N'`), to combine with `fromPartials` (`desire-path learn merge`). */
export async function learnPartial(source: string | string[], definition: unknown, options: LearnOptions = {}): Promise<LearnPartial> {
  return countAll(list(source), checked(definition), options)
}

/** Per nudge, intent-to-treat uplift of treatment over control, with a 95% interval. */
export async function uplift(source: string | string[], definition: unknown, options: LearnOptions = {}): Promise<Record<string, NudgeUplift>> {
  const def = checked(definition)
  return upliftOf(def, await countAll(list(source), def, { ...options, shard: '0/1' }))
}

/**
 * The arm the SDK puts a customer in for a nudge, as its policy (nudges/policy.ts) assigns
 * it at first eligibility: `subject` is the anonymousId of the customer's first event.
 * For joining outcomes kept elsewhere (a CRM) with the experiment, and for tests.
 * @example armOf(definition, 'a1b2…', 'invite-nudge') // 'treatment' | 'control' | 'holdout'
 */
export function armOf(definition: JourneyDefinition, subject: string, nudgeId: string): NudgeArm {
  const n = definition.nudges?.find((x) => x.id == nudgeId)
  if (!n) throw new Error(`no nudge "${nudgeId}" in ${definition.id}`)
  if (bucket(subject + '|holdout|' + definition.id) < (definition.policy?.holdout || 0)) return 'holdout'
  return bucket(subject + '|' + definition.id + '|' + n.id) < (n.experiment?.control || 0) ? 'control' : 'treatment'
}
