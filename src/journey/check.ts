/**
 * The runtime's structural check of a journey definition: only what the engine and the
 * nudge policy need not to crash — the objects and arrays they walk, string and unique
 * stage ids, rules they can compile, refs that resolve without a cycle, a bounded depth.
 * Everything else (ids, durations, patterns, limits, unknown keys) is the full validator's
 * job at build time (desire-path/journey/validate, `desire-path validate`): it weighs
 * kilobytes the page should not ship. Whatever the full validator accepts passes here.
 */

type O = Record<string, unknown>
type Fn = (v: unknown, p: string) => unknown
/** A shape: a check, `[s]` an array of `s`, `{ k: s }` an object whose `k` is `s` (`k?`: unless absent). */
type Shape = Fn | Shape[] | { [k: string]: Shape }

/**
 * Rule nodes along one path, refs inlined. The validator's limit on all the rule nodes
 * of a definition, so a valid one always fits; it keeps the engine's recursion (compiling
 * and testing rules) well inside the stack.
 */
const MAX = 2000

let preds: O
/** the height of each predicate checked so far; 0 while it is being checked: a ref to it then closes a cycle */
let heights: Map<string, number>
let stageIds: unknown[]

const isObj = (v: unknown): v is O => !!v && typeof v == 'object' && !Array.isArray(v)
// a thrown string ends the check: there is one reason to give, not a list
function no(p: string, m: string): never {
  throw (p || '(root)') + ': ' + m
}
const obj = (v: unknown, p: string): O => (isObj(v) ? v : no(p, 'object expected'))
const arr = (v: unknown, p: string): unknown[] => (Array.isArray(v) ? v : no(p, 'array expected'))
const str: Fn = (v, p) => typeof v == 'string' || no(p, 'string expected')

function walk(v: unknown, s: Shape, p: string): unknown {
  if (typeof s == 'function') return s(v, p)
  if (Array.isArray(s)) return arr(v, p).forEach((x, i) => walk(x, s[0]!, `${p}[${i}]`))
  const o = obj(v, p)
  for (const k in s) {
    const key = k.replace('?', '')
    if (key == k || o[key] !== undefined) walk(o[key], s[k]!, (p && p + '.') + key)
  }
  return undefined
}

// `in` and `nin` call the value's includes()
const filter: Fn = (v, p) => walk(v, { prop: str, ...((v as O)?.op == 'in' || (v as O)?.op == 'nin' ? { value: arr } : {}) }, p)
const MATCH = { 'where?': [filter] }
// a strict sequence tests its first step on every event: there must be one
const SEQUENCE: Fn = (v, p) => walk(v, [MATCH], p) || (v as []).length || no(p, 'empty')

/** Checks the rule `v` at depth `d` (1 at the top); returns its height, refs inlined. */
function rule(v: unknown, p: string, d: number): number {
  const keys = Object.keys(obj(v, p))
  const k = keys[1] ? '' : keys[0]
  if (d > MAX) no(p, 'rules nested too deep')
  const a = (v as O)[k!]
  const q = p + '.' + k
  let h = 0
  // a loop, not walk(): one stack frame per level, as deep as the engine goes
  if (k == 'all' || k == 'any') for (const [i, x] of arr(a, q).entries()) h = Math.max(h, rule(x, `${q}[${i}]`, d + 1))
  else if (k == 'not') h = rule(a, q, d + 1)
  else if (k == 'event' || k == 'absent') walk(a, MATCH, q)
  else if (k == 'trait') filter(a, q)
  else if (k == 'page') str(a, q)
  else if (k == 'ref') h = ref(a, q, d)
  else if (k == 'sequence') walk(a, { steps: SEQUENCE }, q)
  // the kinds with nothing to check; anything else is not a rule (one key, a known kind)
  else if (k != 'inStage' && k != 'stepDone') no(p, 'not a rule')
  return h + 1
}

/** The height of the predicate that a `ref` at depth `d` names. */
function ref(n: unknown, p: string, d: number): number {
  if (typeof n != 'string' || !Object.prototype.hasOwnProperty.call(preds, n)) no(p, 'unknown predicate')
  let h = heights.get(n)
  if (h === 0) no(p, 'predicate cycle')
  if (h == null) {
    heights.set(n, 0)
    heights.set(n, (h = rule(preds[n], 'predicates.' + n, d + 1)))
  } else if (d + h > MAX) no(p, 'rules nested too deep')
  return h
}

const R: Fn = (v, p) => rule(v, p, 1)
const ROOT: Shape = {
  id: str,
  stages: (v, p) =>
    walk(
      v,
      [
        {
          id: (x, q) => (typeof x == 'string' && !stageIds.includes(x) && stageIds.push(x)) || no(q, 'missing or duplicate id'),
          entry: R,
          'demote?': R,
          'path?': { steps: [{ match: MATCH }] },
        },
      ],
      p,
    ) || stageIds.length || no(p, 'empty'),
  'exits?': [{ when: R }],
  'goal?': R,
  // the policy reads `'rule' in trigger`
  // ids key the policy's memory objects: `toString` would read as present there
  'nudges?': [{ id: (x, q) => (typeof x == 'string' && !(x in {})) || no(q, 'not a usable id'), trigger: { 'rule?': R }, 'audience?': R, 'goal?': { 'rule?': R }, 'where?': str, 'tags?': arr }],
  'policy?': { 'caps?': [{ scope: str }] },
}

/**
 * Whether the engine can run `def`: a short reason (a JSON path and what is wrong) if it
 * cannot, undefined if it can. Never throws.
 */
export function checkDefinition(def: unknown): string | undefined {
  try {
    preds = isObj(def) && isObj(def.predicates) ? def.predicates : {}
    heights = new Map()
    stageIds = []
    walk(def, ROOT, '')
  } catch (e) {
    // a stack overflow on a hostile document is a reason too
    return String(e)
  }
  return undefined
}
