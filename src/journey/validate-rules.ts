import { validPattern } from './pattern.js'
import { W, any, arr, at, check, duration, get, isNum, isObj, list, long, obj, object, oneOf, own, q, range, scalar, str, type Check, type Obj } from './validate-base.js'

/**
 * The validator's grammar of rules: property filters, event matches, the rule kinds, and
 * the limits and cross-references that keep the engine's compilation finite (depth, node
 * count, known predicates and steps, no predicate cycle).
 */

export const MAX_DEPTH = 12
export const MAX_NODES = 2000
// the segments a property path may not use: a filter must never reach an object's prototype
const UNSAFE = ['__proto__', 'constructor', 'prototype']

// ---- filters and event matches

const prop: Check = (v, p) =>
  str(200)(v, p, 0) &&
  check(
    (v as string).split('.').every((s) => /^[\w$-]+$/.test(s) && !UNSAFE.includes(s)),
    p,
    `invalid property path ${q(v)}`,
  )

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

const filterKeys = obj({ prop, op: (v, p) => check(typeof v == 'string' && own(OPS, v), p, `unknown operator ${q(v)}`), value: any }, ['prop', 'op'])

/** `value` is checked last, wherever it is written: what it may be depends on `op`. */
export const filter: Check = (v, p) => {
  if (!filterKeys(v, p, 0)) return false
  const { op, value } = v as Obj
  // an unknown operator is reported already, and says nothing about the value
  if (typeof op != 'string' || !own(OPS, op)) return true
  const valueCheck = OPS[op]
  const vp = at(p, 'value')
  if (!valueCheck) check(value === undefined, vp, `not allowed with "${op}"`)
  else if (check(value !== undefined, vp, 'required')) valueCheck(value, vp, 0)
  return true
}

export const MATCH: Record<string, Check> = {
  name: str(200, 1),
  type: oneOf(['track', 'page', 'identify']),
  where: arr(filter, 0, 32),
}
const since = oneOf(['stage'])
export const page: Check = (v, p) => check(validPattern(v) && (v as string).length <= 1000, p, `invalid pattern ${q(v)}`)
export const knownStep: Check = (v, p) => check(W.allSteps.includes(v), p, `unknown step ${q(v)}`)

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
  if (!isObj(r) || --W.budget < 0) return c
  const n = r.ref
  if (n === W.cur) return chain.concat(W.cur)
  if (typeof n == 'string' && !W.explored.has(n)) {
    W.explored.add(n)
    // one chain, pushed and popped: copying it at every step made long chains quadratic
    chain.push(n)
    c = cycle(get(W.preds, n), chain)
    chain.pop()
  } else list(r.all).concat(list(r.any), [r.not]).some((x) => (c = cycle(x, chain)))
  return c
}

const ref: Check = (v, p) => {
  if (!check(typeof v == 'string' && own(W.preds, v), p, `unknown predicate ${q(v)}`)) return false
  // refs compile by inlining (rules.ts): a cycle would recurse forever
  const c = W.cur && !W.cyclic.has(W.cur) ? cycle({ ref: v }, [W.cur]) : undefined
  if (!c) return true
  c.forEach((n) => W.cyclic.add(n))
  return check(0, p, 'predicate cycle ' + c.join(' → '))
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
  page,
  inStage: duration,
  stepDone: (v, p) => check(typeof v == 'string' && W.allSteps.includes(v), p, `unknown step ${q(v)}`),
  ref,
}

/** A rule: an object with exactly one known kind, within the depth and node limits. */
export function rule(v: unknown, p: string): boolean {
  // past the node limit (reported once) the rest of the rules is not looked at
  if (W.full || !object(v, p, 0)) return false
  if (!check(W.depth < MAX_DEPTH, p, `rule nested deeper than ${MAX_DEPTH}`)) return false
  if (!check(++W.nodes <= MAX_NODES, p, `more than ${MAX_NODES} rule nodes`)) return !(W.full = true)
  const keys = Object.keys(v as Obj)
  const k = keys[0]!
  if (check(keys.length == 1, p, 'rule must have exactly one of ' + Object.keys(KINDS).join(', ')) && check(own(KINDS, k), p, `unknown rule ${q(k)}`)) {
    W.depth++
    KINDS[k]!((v as Obj)[k], at(p, k), 0)
    W.depth--
  }
  return true
}
