import { parseDuration } from './duration.js'

/**
 * The validator's primitives: the walk's state, how a problem is recorded, and the checks
 * of scalars and containers that the definition's grammar (validate-rules.ts, validate.ts)
 * is built of. A check records every problem it sees and goes on, so that one run lists
 * them all; it returns whether the value has the right shape itself, and callers look
 * inside a value only then (a string's length, an object's keys), so a problem is
 * reported once, not again by everything that depends on it.
 */

/** One problem of a definition: its JSON path ('' for the root) and what is wrong there. */
export interface DefinitionError {
  path: string
  message: string
}

/**
 * Checks the value `v` found at path `p`; `i` is its index when it is an array item.
 * Returns false when `v` itself is not what it must be.
 */
export type Check = (v: unknown, p: string, i: number) => boolean
export type Obj = Record<string, unknown>

export const ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/
/** A hostile document could have millions of problems: the list stops here. */
export const MAX_ERRORS = 1000
/** Thrown to end a walk that has found MAX_ERRORS problems. */
export const STOP = {}

/** The walk's state, reset by every validation (the walk is synchronous, so one object is safe). */
export const W = {
  errors: [] as DefinitionError[],
  /** nesting of the rule being walked, and rule nodes so far in the document */
  depth: 0,
  nodes: 0,
  /** the node limit was passed: rules are no longer walked (one report, not one per node) */
  full: false,
  /** the definition's predicates, for `ref` */
  preds: {} as Obj,
  /** every step id of every stage's path, for `stepDone` and a trigger's `step` */
  allSteps: [] as unknown[],
  /** the step ids of the path being walked, for `next` */
  pathSteps: [] as unknown[],
  /** ids seen so far, per kind (stage, exit, step, nudge), for duplicates */
  seen: {} as Record<string, unknown[]>,
  /** the predicate being walked ('' outside predicates), for cycles */
  cur: '',
  /** predicates the cycle search has explored from `cur`, and the rule nodes it may still visit */
  explored: new Set<unknown>(),
  budget: 0,
  /** predicates on a cycle already reported: a cycle is reported once, at its first ref */
  cyclic: new Set<unknown>(),
  /** index of the stage being walked: `demote` is refused on the first */
  stageIndex: 0,
  /** every stage id, for a nudge's `stage` */
  stageIds: [] as unknown[],
}

/** Records the problem `m` at path `p` unless `ok`; returns whether it was ok. */
export function check(ok: unknown, p: string, m: string): boolean {
  if (ok) return true
  W.errors.push({ path: p, message: m })
  if (W.errors.length >= MAX_ERRORS) throw STOP
  return false
}

export const isObj = (v: unknown): v is Obj => !!v && typeof v == 'object' && !Array.isArray(v)
export const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k)
export const get = (v: unknown, k: string) => (isObj(v) && own(v, k) ? v[k] : undefined)
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])

/** A value quoted for a message, clipped: messages must stay readable whatever the input. */
export const q = (v: unknown): string =>
  typeof v == 'string' ? JSON.stringify(v.length > 60 ? v.slice(0, 60) + '…' : v) : isObj(v) ? '{…}' : Array.isArray(v) ? '[…]' : String(v)

/** `a.b` for identifier-like keys, `a["b-c"]` for the rest (predicate names may hold `-`, `.`, `:`). */
export const at = (p: string, k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? (p && p + '.') + k : p + '[' + q(k) + ']')

// ---- scalars

/** A string of min..max characters (min is 0 or 1). */
export const str =
  (max: number, min = 0): Check =>
  (v, p) =>
    check(typeof v == 'string' && v.length <= max && v.length >= min, p, `must be a ${min ? 'non-empty ' : ''}string of at most ${max} characters`)
export const long = str(1000)

export const id: Check = (v, p) => check(typeof v == 'string' && ID.test(v), p, `invalid id ${q(v)}`)

/** An id unique among its kind: `W.seen[kind]` is reset by whoever owns the list. */
export const uid =
  (kind: string): Check =>
  (v, p) => {
    // stage, step and nudge ids key plain objects in the engine's state and the policy's
    // memory: a name every object has (constructor, toString...) would read as present
    if (!id(v, p, 0) || !check(!((v as string) in {}), p, `reserved id ${q(v)}: every object has it`)) return false
    const seen = W.seen[kind]!
    const ok = check(!seen.includes(v), p, `duplicate ${kind} id ${q(v)}`)
    seen.push(v)
    return ok
  }

export const duration: Check = (v, p) => {
  const ms = parseDuration(v)
  // P0D would fire at once and a 400-digit count overflows to Infinity: neither is meant
  return check(ms > 0 && ms < Infinity, p, `invalid duration ${q(v)}`)
}

export const oneOf =
  (values: string[]): Check =>
  (v, p) =>
    check(values.includes(v as string), p, 'must be one of ' + values.map((x) => `"${x}"`).join(', '))

/** A number (an integer if `int`) from min to max. */
export const range =
  (min: number, max: number, int?: boolean): Check =>
  (v, p) =>
    check(typeof v == 'number' && v >= min && v <= max && (!int || Number.isInteger(v)), p, `must be ${int ? 'an integer' : 'a number'} from ${min} to ${max}`)
export const fraction = range(0, 1)

export const isNum = (v: unknown) => typeof v == 'number' && isFinite(v)

/** A JSON scalar (string, finite number, boolean; null only if `nullable`). */
export const scalar =
  (nullable?: boolean): Check =>
  (v, p) =>
    typeof v == 'string'
      ? long(v, p, 0)
      : check(isNum(v) || typeof v == 'boolean' || (nullable && v === null), p, `must be a string, number${nullable ? ', boolean or null' : ' or boolean'}`)

// ---- containers

export const object: Check = (v, p) => check(isObj(v), p, 'must be an object')

/** An array of min..max items (no max: any length); its items are checked even if its length is wrong. */
export const arr =
  (item: Check, min = 0, max = 0): Check =>
  (v, p) => {
    const a = list(v)
    const ok = check(v === a && a.length >= min && (!max || a.length <= max), p, max ? `must be an array of ${min} to ${max} items` : min ? 'must be a non-empty array' : 'must be an array')
    // a for loop, not forEach: holes of a sparse array are checked (as undefined)
    for (let i = 0; i < a.length; i++) item(a[i], `${p}[${i}]`, i)
    return ok
  }

/** An object with these keys only; `required` are checked after the keys present. */
export const obj =
  (shape: Record<string, Check>, required: string[] = []): Check =>
  (v, p) => {
    if (!object(v, p, 0)) return false
    const o = v as Obj
    for (const k of Object.keys(o)) if (check(own(shape, k), p, `unknown key ${q(k)}`)) shape[k]!(o[k], at(p, k), 0)
    for (const k of required) check(own(o, k), at(p, k), 'required')
    return true
  }

/** Any value at all (opaque content; a filter's value, checked with its operator). */
export const any: Check = () => true
