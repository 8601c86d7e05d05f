import { DesirePathError } from '../lib/errors.js'
import type { JourneyDefinition } from './types.js'
import { ID, MAX_ERRORS, STOP, W, any, arr, at, check, duration, fraction, get, id, isObj, list, obj, object, oneOf, own, q, range, str, uid, type Check, type DefinitionError, type Obj } from './validate-base.js'
import { MATCH, MAX_NODES, knownStep, page, rule } from './validate-rules.js'

export type { DefinitionError } from './validate-base.js'

/**
 * The journey-definition validator: a recursive walk over a table of object shapes
 * (validate-base.ts has the primitives, validate-rules.ts the rules). It lists every
 * problem in document order (an object's keys in their own order, then its missing
 * required keys), each with its JSON path. Cross-references (stage/step/exit ids, `ref`,
 * `stepDone`, `next`) are checked in the same pass, against names collected up front, so
 * that a forward reference is not an error. definition.schema.json describes the same
 * structure for editors; test/unit/journey/schema.test.ts keeps the two in step.
 */

// ---- nudges

const SLOTS = ['modal', 'popover', 'banner', 'tooltip', 'inline']
const percent = range(0, 100)
const count = (max: number) => range(1, max, true)
/** `all`, `tag:<id>` or `slot:<slot>` */
const scope: Check = (v, p) =>
  check(v === 'all' || (typeof v == 'string' && (SLOTS.includes(v.slice(5)) ? v.startsWith('slot:') : v.startsWith('tag:') && ID.test(v.slice(4)))), p, `invalid scope ${q(v)}: "all", "tag:<tag>" or "slot:<slot>"`)

const triggerKeys = obj({ signal: oneOf(['stalled', 'stepOverdue', 'skippedKeyStep', 'offPath', 'idle']), step: knownStep, rule })
const trigger: Check = (v, p) => {
  if (!triggerKeys(v, p, 0)) return false
  const o = v as Obj
  check(own(o, 'signal') != own(o, 'rule'), p, 'must have either "signal" or "rule"')
  return check(!own(o, 'step') || own(o, 'signal'), at(p, 'step'), 'only with "signal"')
}

const nudge = obj(
  {
    id: uid('nudge'),
    stage: (v, p) => check(W.stageIds.includes(v), p, `unknown stage ${q(v)}`),
    trigger,
    audience: rule,
    where: page,
    slot: oneOf(SLOTS),
    priority: range(-1000, 1000, true),
    tags: arr(id, 0, 16),
    frequency: obj({ maxShows: count(1000), minInterval: duration, perSession: count(100) }),
    dismiss: obj({ snooze: duration, maxSnoozes: count(100) }),
    goal: obj({ rule, within: duration }, ['rule', 'within']),
    experiment: obj({ control: percent }, ['control']),
    expiresAt: (v, p) => check(typeof v == 'string' && /^\d{4}-\d\d-\d\dT/.test(v) && Date.parse(v) >= 0, p, `invalid date-time ${q(v)}`),
    // opaque to the core: any JSON
    content: any,
  },
  ['id', 'trigger', 'slot'],
)

// ---- stages and paths

/** `next` may name any step of the same path, a later one too. */
const next: Check = (v, p) => {
  if (!object(v, p, 0)) return false
  for (const k of Object.keys(v as Obj)) if (check(W.pathSteps.includes(k), p, `unknown step ${q(k)}`)) fraction((v as Obj)[k], at(p, k), 0)
  return true
}

const step = obj(
  {
    id: uid('step'),
    label: str(200),
    match: obj(MATCH),
    key: (v, p) => check(typeof v == 'boolean', p, 'must be a boolean'),
    expectedWithin: duration,
    share: fraction,
    next,
  },
  ['id', 'match'],
)

const pathKeys = obj({ steps: arr(step, 1, 64), basis: range(1, 1e9, true), idleAfter: duration }, ['steps'])

const stageKeys = obj(
  {
    id: uid('stage'),
    name: str(200),
    entry: rule,
    // the first stage has nowhere to go back to; its rule is checked all the same
    demote: (v, p) => check(W.stageIndex, p, 'not allowed on the first stage') && rule(v, p),
    stall: duration,
    path: (v, p) => {
      W.pathSteps = list(get(v, 'steps')).map((s) => get(s, 'id'))
      W.seen.step = []
      return pathKeys(v, p, 0)
    },
  },
  ['id', 'entry'],
)

// ---- the document

const predicates: Check = (v, p) => {
  if (!object(v, p, 0)) return false
  for (const k of Object.keys(v as Obj)) {
    id(k, at(p, k), 0)
    W.cur = k
    W.explored = new Set()
    W.budget = MAX_NODES
    rule((v as Obj)[k], at(p, k))
  }
  W.cur = ''
  return true
}

const root = obj(
  {
    // editors autocomplete from "$schema": "https://desire-path.dev/schema/journey-definition.json"
    $schema: (v, p) => check(typeof v == 'string', p, 'must be a string'),
    id,
    version: (v, p) => check(typeof v == 'string' && /^\d+(\.\d+){0,2}$/.test(v), p, `invalid version ${q(v)}: MAJOR, MAJOR.MINOR or MAJOR.MINOR.PATCH`),
    stages: arr(
      (v, p, i) => {
        W.stageIndex = i
        return stageKeys(v, p, i)
      },
      1,
      64,
    ),
    exits: arr(obj({ id: uid('exit'), when: rule }, ['id', 'when'])),
    goal: rule,
    predicates,
    nudges: arr(nudge, 0, 256),
    // a learned definition's provenance and figures (desire-path learn): not the SDK's business
    learned: object,
    policy: obj({
      caps: arr(obj({ scope, max: range(1, 1e6, true), per: (v, p) => v === 'session' || duration(v, p, 0) }, ['scope', 'max', 'per']), 0, 32),
      minGap: duration,
      holdout: percent,
    }),
  },
  ['id', 'version', 'stages'],
)

/**
 * Every problem of a journey definition (parsed JSON), in document order, each with its
 * JSON path ('' for the root); empty if it is valid. Stops after MAX_ERRORS (1000) problems,
 * with a last entry that says so.
 * @example
 * definitionErrors({ id: 'onboarding', version: '1.0', stages: [{ id: 'trial', entry: { ref: 'x' } }] })
 * // [{ path: 'stages[0].entry.ref', message: 'unknown predicate "x"' }]
 */
export function definitionErrors(doc: unknown): DefinitionError[] {
  const stages = list(get(doc, 'stages'))
  const p = get(doc, 'predicates')
  Object.assign(W, {
    errors: [],
    depth: 0,
    nodes: 0,
    full: false,
    stageIndex: 0,
    cur: '',
    cyclic: new Set(),
    seen: { stage: [], exit: [], nudge: [] },
    stageIds: stages.map((s) => get(s, 'id')),
    preds: isObj(p) ? p : {},
    allSteps: stages.flatMap((s) => list(get(get(s, 'path'), 'steps')).map((t) => get(t, 'id'))),
  })
  try {
    root(doc, '', 0)
  } catch (e) {
    if (e !== STOP) throw e
    W.errors.push({ path: '', message: `more than ${MAX_ERRORS} problems: the rest is not listed` })
  }
  const errors = W.errors
  W.errors = []
  return errors
}

/**
 * Checks a journey definition (parsed JSON) and returns it, typed.
 * @param doc the definition, e.g. from `JSON.parse`
 * @throws DesirePathError with code `definition` at the first problem; its message starts
 *   with the JSON path of the problem and its `path` property holds that path ('' for the root)
 * @example
 * validateDefinition({ id: 'onboarding', version: '1.0', stages: [{ id: 'trial', entry: { ref: 'x' } }] })
 * // throws: [desire-path] stages[0].entry.ref: unknown predicate "x"
 */
export function validateDefinition(doc: unknown): JourneyDefinition {
  const e = definitionErrors(doc)[0]
  if (e) throw Object.assign(new DesirePathError('definition', (e.path || '(root)') + ': ' + e.message), { path: e.path })
  return doc as JourneyDefinition
}
