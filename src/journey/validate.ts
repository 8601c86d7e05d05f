import { DesirePathError } from '../lib/errors.js'
import { parseDuration } from './duration.js'
import { validPattern } from './pattern.js'
import type { JourneyDefinition } from './types.js'

/**
 * The journey-definition validator: a recursive walk over a table of object shapes.
 * It stops at the first problem, in document order (an object's keys in their own order,
 * then its missing required keys), and names it by its JSON path. Cross-references
 * (stage/step/exit ids, `ref`, `stepDone`, `next`) are checked in the same pass, against
 * names collected up front, so that a forward reference is not an error.
 * definition.schema.json describes the same structure for editors; keep the two in step.
 */

/** Checks the value `v` found at path `p`; `i` is its index when it is an array item. */
type Check = (v: unknown, p: string, i: number) => void
type Obj = Record<string, unknown>

const ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/
const MAX_DEPTH = 12
const MAX_NODES = 2000
// the segments a property path may not use: a filter must never reach an object's prototype
const UNSAFE = ['__proto__', 'constructor', 'prototype']

// Walk state, reset by every call (the walk is synchronous, so module state is safe).
let depth: number
let nodes: number
/** the definition's predicates, for `ref` */
let preds: Obj
/** every step id of every stage's path, for `stepDone` */
let allSteps: unknown[]
/** the step ids of the path being walked, for `next` */
let pathSteps: unknown[]
/** ids seen so far, per kind (stage, exit, step), for duplicates */
let seen: Record<string, unknown[]>
/** the predicate being walked ('' outside predicates), for cycles */
let cur: string
/** predicates the cycle search has explored from `cur`, and the rule nodes it may still visit */
let explored: Set<unknown>
let budget: number
/** index of the stage being walked: `demote` is refused on the first */
let stageIndex: number
/** every stage id, for a nudge's `stage` */
let stageIds: unknown[]

function fail(p: string, m: string): never {
  throw Object.assign(new DesirePathError('definition', (p || '(root)') + ': ' + m), { path: p })
}

function check(ok: unknown, p: string, m: string): void {
  if (!ok) fail(p, m)
}

const isObj = (v: unknown): v is Obj => !!v && typeof v == 'object' && !Array.isArray(v)
const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k)
const get = (v: unknown, k: string) => (isObj(v) && own(v, k) ? v[k] : undefined)
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])

/** A value quoted for a message, clipped: messages must stay readable whatever the input. */
const q = (v: unknown): string =>
  typeof v == 'string' ? JSON.stringify(v.length > 60 ? v.slice(0, 60) + '…' : v) : isObj(v) ? '{…}' : Array.isArray(v) ? '[…]' : String(v)

/** `a.b` for identifier-like keys, `a["b-c"]` for the rest (predicate names may hold `-`, `.`, `:`). */
const at = (p: string, k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? (p && p + '.') + k : p + '[' + q(k) + ']')

// ---- scalars

/** A string of min..max characters (min is 0 or 1). */
const str =
  (max: number, min = 0): Check =>
  (v, p) =>
    check(typeof v == 'string' && v.length <= max && v.length >= min, p, `must be a ${min ? 'non-empty ' : ''}string of at most ${max} characters`)
const long = str(1000)

const id: Check = (v, p) => check(typeof v == 'string' && ID.test(v), p, `invalid id ${q(v)}`)

/** An id unique among its kind: `seen[kind]` is reset by whoever owns the list. */
const uid =
  (kind: string): Check =>
  (v, p) => {
    id(v, p, 0)
    check(!seen[kind]!.includes(v), p, `duplicate ${kind} id ${q(v)}`)
    seen[kind]!.push(v)
  }

const duration: Check = (v, p) => {
  const ms = parseDuration(v)
  // P0D would fire at once and a 400-digit count overflows to Infinity: neither is meant
  check(ms > 0 && ms < Infinity, p, `invalid duration ${q(v)}`)
}

const oneOf =
  (values: string[]): Check =>
  (v, p) =>
    check(values.includes(v as string), p, 'must be one of ' + values.map((x) => `"${x}"`).join(', '))

/** A number (an integer if `int`) from min to max. */
const range =
  (min: number, max: number, int?: boolean): Check =>
  (v, p) =>
    check(typeof v == 'number' && v >= min && v <= max && (!int || Number.isInteger(v)), p, `must be ${int ? 'an integer' : 'a number'} from ${min} to ${max}`)
const fraction = range(0, 1)

const isNum = (v: unknown) => typeof v == 'number' && isFinite(v)

/** A JSON scalar (string, finite number, boolean; null only if `nullable`). */
const scalar =
  (nullable?: boolean): Check =>
  (v, p) =>
    typeof v == 'string'
      ? long(v, p, 0)
      : check(isNum(v) || typeof v == 'boolean' || (nullable && v === null), p, `must be a string, number${nullable ? ', boolean or null' : ' or boolean'}`)

// ---- containers

const object: Check = (v, p) => check(isObj(v), p, 'must be an object')

/** An array of min..max items (no max: any length). */
const arr =
  (item: Check, min = 0, max = 0): Check =>
  (v, p) => {
    const a = list(v)
    check(v == a && a.length >= min && (!max || a.length <= max), p, max ? `must be an array of ${min} to ${max} items` : min ? 'must be a non-empty array' : 'must be an array')
    // a for loop, not forEach: holes of a sparse array are checked (as undefined)
    for (let i = 0; i < a.length; i++) item(a[i], `${p}[${i}]`, i)
  }

/** An object with these keys only; `required` are checked after the keys present. */
const obj =
  (shape: Record<string, Check>, required: string[] = []): Check =>
  (v, p) => {
    object(v, p, 0)
    const o = v as Obj
    for (const k of Object.keys(o)) {
      check(own(shape, k), p, `unknown key ${q(k)}`)
      shape[k]!(o[k], at(p, k), 0)
    }
    for (const k of required) check(own(o, k), at(p, k), 'required')
  }

// ---- filters and event matches

const prop: Check = (v, p) => {
  str(200)(v, p, 0)
  check(
    (v as string).split('.').every((s) => /^[\w$-]+$/.test(s) && !UNSAFE.includes(s)),
    p,
    `invalid property path ${q(v)}`,
  )
}

const numOrString: Check = (v, p) => (typeof v == 'string' ? long(v, p, 0) : check(isNum(v), p, 'must be a number or a string'))

/** The value check of each operator; 0: the operator takes no value. */
const OPS: Record<string, Check | 0> = {
  eq: scalar(true),
  neq: scalar(true),
  in: arr(scalar(), 1, 256),
  nin: arr(scalar(), 1, 256),
  gt: numOrString,
  gte: numOrString,
  lt: numOrString,
  lte: numOrString,
  // also a number or boolean: membership in an array property
  contains: scalar(),
  startsWith: long,
  endsWith: long,
  exists: 0,
  notExists: 0,
}

const filterKeys = obj(
  { prop, op: (v, p) => check(typeof v == 'string' && own(OPS, v), p, `unknown operator ${q(v)}`), value: () => {} },
  ['prop', 'op'],
)

/** `value` is checked last, wherever it is written: what it may be depends on `op`. */
const filter: Check = (v, p) => {
  filterKeys(v, p, 0)
  const { op, value } = v as Obj
  const valueCheck = OPS[op as string]
  const vp = at(p, 'value')
  if (valueCheck) {
    check(value !== undefined, vp, 'required')
    valueCheck(value, vp, 0)
  } else check(value === undefined, vp, `not allowed with "${op}"`)
}

const MATCH: Record<string, Check> = {
  name: str(200, 1),
  type: oneOf(['track', 'page', 'identify']),
  where: arr(filter, 0, 32),
}
const since = oneOf(['stage'])

// ---- rules

/**
 * The chain `cur → … → cur` if rule `r` leads back to the predicate being walked.
 * `explored` (predicates searched from `cur` already, in vain) makes the searches of all
 * refs of `cur` visit each rule node once together, so a valid document (≤ MAX_NODES
 * nodes) never runs out of budget; the budget bounds the work (and the stack) on one
 * that is too big anyway.
 */
function cycle(r: unknown, chain: string[]): string[] | undefined {
  let c: string[] | undefined
  if (!isObj(r) || --budget < 0) return c
  const n = r.ref
  if (n === cur) return chain.concat(cur)
  if (typeof n == 'string' && !explored.has(n)) {
    explored.add(n)
    // one chain, pushed and popped: copying it at every step made long chains quadratic
    chain.push(n)
    c = cycle(get(preds, n), chain)
    chain.pop()
  } else list(r.all).concat(list(r.any), [r.not]).some((x) => (c = cycle(x, chain)))
  return c
}

const KINDS: Record<string, Check> = {
  all: arr(rule),
  // an empty `any` is always false: surely a mistake
  any: arr(rule, 1),
  not: rule,
  event: obj({ ...MATCH, count: range(1, 10000, true), within: duration, since }),
  sequence: obj({ steps: arr(obj(MATCH), 2, 32), mode: oneOf(['ordered', 'strict', 'any']), within: duration, since }, ['steps']),
  absent: obj({ ...MATCH, for: duration }, ['for']),
  trait: filter,
  page: (v, p) => check(validPattern(v) && (v as string).length <= 1000, p, `invalid pattern ${q(v)}`),
  inStage: duration,
  stepDone: (v, p) => check(typeof v == 'string' && allSteps.includes(v), p, `unknown step ${q(v)}`),
  ref: (v, p) => {
    check(typeof v == 'string' && own(preds, v), p, `unknown predicate ${q(v)}`)
    // refs compile by inlining (rules.ts): a cycle would recurse forever
    const c = cur && cycle({ ref: v }, [cur])
    if (c) fail(p, 'predicate cycle ' + c.join(' → '))
  },
}

function rule(v: unknown, p: string): void {
  object(v, p, 0)
  check(++depth <= MAX_DEPTH, p, `rule nested deeper than ${MAX_DEPTH}`)
  check(++nodes <= MAX_NODES, p, `more than ${MAX_NODES} rule nodes`)
  const keys = Object.keys(v as Obj)
  check(keys.length == 1, p, 'rule must have exactly one of ' + Object.keys(KINDS).join(', '))
  const k = keys[0]!
  check(own(KINDS, k), p, `unknown rule ${q(k)}`)
  KINDS[k]!((v as Obj)[k], at(p, k), 0)
  depth--
}

// ---- nudges

const SLOTS = ['modal', 'popover', 'banner', 'tooltip', 'inline']
const percent = range(0, 100)
const count = (max: number) => range(1, max, true)
/** `all`, `tag:<id>` or `slot:<slot>` */
const scope: Check = (v, p) =>
  check(v == 'all' || (typeof v == 'string' && (SLOTS.includes(v.slice(5)) ? v.startsWith('slot:') : v.startsWith('tag:') && ID.test(v.slice(4)))), p, `invalid scope ${q(v)}: "all", "tag:<tag>" or "slot:<slot>"`)

const triggerKeys = obj({ signal: oneOf(['stalled', 'stepOverdue', 'skippedKeyStep', 'offPath', 'idle']), step: (v, p) => check(allSteps.includes(v), p, `unknown step ${q(v)}`), rule })
const trigger: Check = (v, p) => {
  triggerKeys(v, p, 0)
  const o = v as Obj
  check(own(o, 'signal') != own(o, 'rule'), p, 'must have either "signal" or "rule"')
  check(!own(o, 'step') || own(o, 'signal'), at(p, 'step'), 'only with "signal"')
}

const nudge = obj(
  {
    id: uid('nudge'),
    stage: (v, p) => check(stageIds.includes(v), p, `unknown stage ${q(v)}`),
    trigger,
    audience: rule,
    where: KINDS.page!,
    slot: oneOf(SLOTS),
    priority: range(-1000, 1000, true),
    tags: arr(id, 0, 16),
    frequency: obj({ maxShows: count(1000), minInterval: duration, perSession: count(100) }),
    dismiss: obj({ snooze: duration, maxSnoozes: count(100) }),
    goal: obj({ rule, within: duration }, ['rule', 'within']),
    experiment: obj({ control: percent }, ['control']),
    expiresAt: (v, p) => check(typeof v == 'string' && /^\d{4}-\d\d-\d\dT/.test(v) && Date.parse(v) >= 0, p, `invalid date-time ${q(v)}`),
    // opaque to the core: any JSON
    content: () => {},
  },
  ['id', 'trigger', 'slot'],
)

// ---- the document

const step = obj(
  {
    id: uid('step'),
    label: str(200),
    match: obj(MATCH),
    key: (v, p) => check(typeof v == 'boolean', p, 'must be a boolean'),
    expectedWithin: duration,
    share: fraction,
    next: (v, p) => {
      object(v, p, 0)
      for (const k of Object.keys(v as Obj)) {
        check(pathSteps.includes(k), p, `unknown step ${q(k)}`)
        fraction((v as Obj)[k], at(p, k), 0)
      }
    },
  },
  ['id', 'match'],
)

const pathKeys = obj({ steps: arr(step, 1, 64), basis: range(1, 1e9, true), idleAfter: duration }, ['steps'])

const stageKeys = obj(
  {
    id: uid('stage'),
    name: str(200),
    entry: rule,
    demote: (v, p) => {
      // the first stage has nowhere to go back to
      check(stageIndex, p, 'not allowed on the first stage')
      rule(v, p)
    },
    stall: duration,
    path: (v, p) => {
      // `next` may name a later step of the same path
      pathSteps = list(get(v, 'steps')).map((s) => get(s, 'id'))
      seen.step = []
      pathKeys(v, p, 0)
    },
  },
  ['id', 'entry'],
)

const root = obj(
  {
    // editors autocomplete from "$schema": "https://desire-path.dev/schema/journey-definition.json"
    $schema: (v, p) => check(typeof v == 'string', p, 'must be a string'),
    id,
    version: (v, p) => check(typeof v == 'string' && /^\d+\.\d+(\.\d+)?$/.test(v), p, `invalid version ${q(v)}`),
    stages: arr(
      (v, p, i) => {
        stageIndex = i
        stageKeys(v, p, i)
      },
      1,
      64,
    ),
    exits: arr(obj({ id: uid('exit'), when: rule }, ['id', 'when'])),
    goal: rule,
    predicates: (v, p) => {
      object(v, p, 0)
      for (const k of Object.keys(v as Obj)) {
        id(k, at(p, k), 0)
        cur = k
        explored = new Set()
        budget = MAX_NODES
        rule((v as Obj)[k], at(p, k))
      }
      cur = ''
    },
    nudges: arr(nudge, 0, 256),
    policy: obj({
      caps: arr(obj({ scope, max: range(1, 1e6, true), per: (v, p) => (v == 'session' ? 0 : duration(v, p, 0)) }, ['scope', 'max', 'per']), 0, 32),
      minGap: duration,
      holdout: percent,
    }),
  },
  ['id', 'version', 'stages'],
)

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
  depth = nodes = stageIndex = 0
  cur = ''
  seen = { stage: [], exit: [], nudge: [] }
  stageIds = list(get(doc, 'stages')).map((s) => get(s, 'id'))
  const p = get(doc, 'predicates')
  preds = isObj(p) ? p : {}
  allSteps = list(get(doc, 'stages')).flatMap((s) => list(get(get(s, 'path'), 'steps')).map((t) => get(t, 'id')))
  root(doc, '', 0)
  return doc as JourneyDefinition
}
