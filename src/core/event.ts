/** What normalisation had to change, to report once. */
export type Issue = 'cycle' | 'function' | 'bigint' | 'number' | 'string' | 'depth' | 'key'

const MAX_DEPTH = 20
const BAD_KEYS = ['__proto__', 'constructor', 'prototype']

/**
 * Serialises host input to JSON without storing anything half-broken: a `JSON.stringify`
 * replacer (the native walk already calls `toJSON`, drops functions and symbols, and turns
 * NaN/Infinity into null) that also turns BigInt into a string, cuts long strings and deep
 * nesting, and leaves out cycles and prototype-polluting keys. Shared (non-cyclic)
 * references are kept: only ancestors count as cycles. Every change is noted in `issues`.
 * A throwing getter, toJSON or Proxy trap makes it throw: the caller rejects the event.
 */
export function stringify(value: unknown, maxString: number, issues: Set<Issue>): string {
  // Fast path: a flat object of short strings, finite numbers, booleans and nulls (most
  // events) needs no replacer, and native JSON.stringify without one is several times faster.
  let flat = true
  for (const k in value as object) {
    const v = (value as Record<string, unknown>)[k]
    const t = typeof v
    if (!(t == 'boolean' || v === null || (t == 'string' ? (v as string).length <= maxString : t == 'number' && isFinite(v as number))) || BAD_KEYS.includes(k)) {
      flat = false
      break
    }
  }
  if (flat && Object.getPrototypeOf(value) == Object.prototype) return JSON.stringify(value)
  const stack: unknown[] = []
  return JSON.stringify(value, function (this: unknown, key, v: unknown) {
    // `this` is the object holding `v`: drop finished siblings' subtrees from the stack
    while (stack.length && stack[stack.length - 1] !== this) stack.pop()
    if (BAD_KEYS.includes(key)) return void issues.add('key')
    switch (typeof v) {
      case 'object':
        if (!v) return v
        if (stack.includes(v)) return void issues.add('cycle')
        if (stack.push(v) > MAX_DEPTH + 1) return void issues.add('depth')
        return v
      case 'string':
        return v.length > maxString ? (issues.add('string'), v.slice(0, maxString)) : v
      case 'number':
        return isFinite(v) ? v : (issues.add('number'), null)
      case 'bigint':
        return issues.add('bigint'), String(v)
      case 'function':
      case 'symbol':
        issues.add('function')
    }
    return v
  })
}
