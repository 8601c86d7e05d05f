import { utf8Length } from '../lib/utf8.js'
import type { StoredEvent } from '../storage/queue.js'
import type { Context } from './context.js'
import type { Env } from './env.js'
import { stringify, type Issue } from './event.js'
import { me } from './identity.js'
import { session } from './session.js'

/**
 * @internal Captures an event: builds its JSON, then hands it on. `start`: its opening,
 * e.g. `{"type":"track","event":"X"` (no closing brace); `props` go under `field`. A
 * derived event brings its own `fixedId` (messageId) and time `at`.
 */
export type Capture = (start: string, props: unknown, field?: string, fixedId?: string, at?: number) => void

/**
 * Events carry the identity (identity.ts) and the context (`context()` of context.ts: its
 * JSON and UTF-8 length); once built, an event goes to `sink(rec, derived)`.
 */
export function createCapture(
  e: Env,
  [context]: Context,
  sink: (rec: StoredEvent, derived?: string) => void,
): Capture {
  const issues = new Set<Issue>()
  let stampMs = NaN
  let stamp = ''
  return (start, props, field = 'properties', fixedId, at) => {
    if (e._stopped) return e._err('event_invalid', 'call after shutdown ignored')
    if (props != null && (typeof props != 'object' || Array.isArray(props))) return e._invalid(`${field} must be an object`)
    issues.clear()
    let body: string
    try {
      // only the host's data goes through the normalising replacer; the envelope is ours
      body = stringify(props || {}, e.maxStringLength, issues)
    } catch (err) {
      return e._invalid(`${field} unreadable: ${err}`) // a throwing getter or Proxy trap
    }
    if (issues.size) e._err('event_normalized', `${field} cleaned: ${[...issues]}`)
    const t = at ?? e.$now()
    const id = fixedId || e._id(t)
    if (t != stampMs) stamp = new Date((stampMs = t)).toISOString()
    const who = me(e)
    const head = `${start},"${field}":${body},"anonymousId":${JSON.stringify(who.a)}${
      who.u ? ',"userId":' + JSON.stringify(who.u) : ''
    },"messageId":"${id}","timestamp":"${stamp}","context":`
    let [json, b] = context(/*#__NOINLINE__*/ session(e, t, fixedId))
    json = head + json + '}'
    b += utf8Length(head) + 1
    const hook = e._o.redact
    if (hook) {
      try {
        const out = hook(JSON.parse(json))
        if (!out) return e._dropped('redacted', 1)
        b = utf8Length((json = JSON.stringify(out)))
      } catch (err) {
        // an event the host's redaction could not check is not stored unchecked
        e._dropped('redacted', 1)
        return e._err('internal', 'redact() threw, event dropped: ' + err, err)
      }
    }
    if (b > e.maxEventBytes) {
      e._dropped('too_large', 1)
      return e._err('event_too_large', `${b} bytes > maxEventBytes, dropped`)
    }
    // The queue key orders and ages the queue, so it is always a fresh UUIDv7; a derived
    // event's deterministic messageId (a hash, not time-ordered) stays in the body.
    sink({ id: fixedId ? e._id() : id, s: json, b }, fixedId)
  }
}
