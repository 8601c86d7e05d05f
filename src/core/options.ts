import type { TrackerOptions } from '../types.js'
import { DesirePathError } from './errors.js'

const fail = (name: string, want: string, got: unknown): never => {
  throw new DesirePathError('option', `option "${name}" must be ${want}, got ${typeof got == 'string' ? JSON.stringify(got) : String(got)}`)
}

const DEFAULTS = {
  flushAt: 20,
  flushInterval: 5_000,
  maxBatchEvents: 1_000,
  maxBatchBytes: 500_000,
  maxEventBytes: 32_000,
  maxQueueEvents: 10_000,
  maxQueueBytes: 10_000_000,
  maxEventAge: 7 * 864e5,
  retryBase: 1_000,
  retryMax: 60_000,
  requestTimeout: 30_000,
  storageTimeout: 3_000,
  maxStringLength: 10_000,
}
export type Settings = typeof DEFAULTS

/** Checks options once, at creation: the only place desire-path throws. */
export function readOptions(o: TrackerOptions, base: string | undefined): Settings & { url: string } {
  if (!o || typeof o != 'object') fail('options', 'an object', o)
  const s = { ...DEFAULTS } as Settings & { url: string }
  for (const k in DEFAULTS) {
    const v = (o as unknown as Record<string, unknown>)[k]
    if (v === undefined) continue
    if (typeof v != 'number' || !(v > 0) || v == Infinity) fail(k, 'a positive number', v)
    s[k as keyof Settings] = v as number
  }
  // an event must fit in a batch
  s.maxEventBytes = Math.min(s.maxEventBytes, s.maxBatchBytes - 200)
  for (const k of ['onError', 'fetch', 'sendBeacon', 'now', 'random'] as const)
    if (o[k] != null && typeof o[k] != 'function') fail(k, 'a function', o[k])
  for (const k of ['storageKey', 'writeKey'] as const)
    if (o[k] !== undefined && (typeof o[k] != 'string' || !o[k])) fail(k, 'a non-empty string', o[k])
  if (typeof o.endpoint != 'string' || !o.endpoint) fail('endpoint', 'a URL string', o.endpoint)
  try {
    const u = new URL(o.endpoint, base)
    if (!/^https?:$/.test(u.protocol)) throw 0
    s.url = u.href
  } catch {
    fail('endpoint', 'an http(s) URL', o.endpoint)
  }
  return s
}
