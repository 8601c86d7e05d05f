import type { JsonValue } from '../types.js'

/** What normalisation had to change, to report once. */
export type Issue = 'cycle' | 'function' | 'bigint' | 'number' | 'string' | 'depth' | 'key' | 'throw'

const MAX_DEPTH = 20
const BAD_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

/**
 * Makes host input JSON-safe without throwing: drops functions, symbols, cycles and
 * prototype-polluting keys, turns BigInt into a string, non-finite numbers into null,
 * cuts long strings and deep nesting, calls `toJSON` (Dates), reads getters once.
 * Every change is noted in `issues` so the caller can report it.
 */
export function normalize(
  input: unknown,
  maxString: number,
  issues: Set<Issue>,
): Record<string, JsonValue> {
  const stack: object[] = []
  const walk = (v: unknown, depth: number): JsonValue | undefined => {
    switch (typeof v) {
      case 'string':
        if (v.length <= maxString) return v
        issues.add('string')
        return v.slice(0, maxString)
      case 'number':
        if (isFinite(v)) return v
        issues.add('number')
        return null
      case 'boolean':
        return v
      case 'bigint':
        issues.add('bigint')
        return String(v)
      case 'object':
        if (v === null) return null
        if (stack.includes(v)) return void issues.add('cycle')
        if (depth > MAX_DEPTH) return void issues.add('depth')
        try {
          stack.push(v)
          if (typeof (v as { toJSON?: unknown }).toJSON == 'function')
            return walk((v as { toJSON(): unknown }).toJSON(), depth + 1)
          if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1) ?? null)
          const out: Record<string, JsonValue> = {}
          for (const k of Object.keys(v)) {
            if (BAD_KEYS.has(k)) {
              issues.add('key')
              continue
            }
            let x: JsonValue | undefined
            try {
              x = walk((v as Record<string, unknown>)[k], depth + 1)
            } catch {
              issues.add('throw') // a throwing getter: leave that key out, keep the rest
            }
            if (x !== undefined) out[k] = x
          }
          return out
        } catch {
          // a throwing toJSON or Proxy trap: leave the value out
          return void issues.add('throw')
        } finally {
          stack.pop()
        }
      case 'undefined':
        return undefined
      default:
        // function, symbol
        return void issues.add('function')
    }
  }
  const out = input == null ? {} : walk(input, 0)
  return out && typeof out == 'object' && !Array.isArray(out) ? out : {}
}
