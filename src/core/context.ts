import type { JsonValue } from '../lib/json.js'
import { safe } from '../lib/safe.js'
import { utf8Length } from '../lib/utf8.js'
import type { Env } from './env.js'
import { stringify } from './event.js'

const LIB = { name: 'desire-path', version: __VERSION__ }
// Query/fragment parameters whose names contain these words keep their values on the page (PII, credentials).
const SECRET = /([?&#][^=&#]*(mail|pass|pwd|token|auth|secret|key|session|sid|code|ssn|phone)[^=&#]*=)[^&#]*/gi
const redact = (url: string) => url.replace(SECRET, '$1redacted')
const timeZone = (): string => {
  const T = (globalThis as { Temporal?: { Now: { timeZoneId(): string } } }).Temporal
  return T ? T.Now.timeZoneId() : Intl.DateTimeFormat().resolvedOptions().timeZone
}

/** @internal Every event's `context`: a static part, made once, and the page. */
export type Context = [
  /**
   * `context` as JSON and its UTF-8 length, rebuilt only when the page changes: it is
   * most of an event's bytes, so it is serialised and measured once, not per event.
   */
  context: () => [json: string, bytes: number],
  /** `{ path, referrer, search, title, url }` of the current location, secrets redacted */
  pageProps: () => Record<string, string>,
  /** `page()` was called: from the next page view on, this location is the referrer */
  visit: () => void,
  /** merges `extra` into every event's context from now on */
  merge: (extra: Record<string, JsonValue>) => void,
]

export function createContext(e: Env): Context {
  const { $doc: doc, $loc: loc, _nav: nav } = e
  let base: Record<string, unknown> = {
    library: LIB,
    locale: nav?.language,
    userAgent: nav?.userAgent,
    ...(e._o.context && JSON.parse(stringify(e._o.context, e.maxStringLength, new Set()))),
  }
  let referrer = doc.referrer
  let lastPage: string | undefined
  let key = ''
  let json: [string, number]
  const page = () => ({ path: loc.pathname, referrer: redact(referrer), search: redact(loc.search), title: doc.title, url: redact(loc.href) })
  return [
    () => {
      const k = loc.href + doc.title + referrer
      if (k != key) {
        key = k
        // At the first event, not at creation: Intl's first call starts ICU (~17 ms in
        // Chromium); Temporal, where there is one, answers in microseconds. A host can pass
        // `context.timezone` to skip both.
        if (!('timezone' in base)) base = { ...base, timezone: safe(timeZone) }
        // empty fields (no referrer, no query string) are left out: every event repeats them
        const p = JSON.stringify({ ...base, page: Object.fromEntries(Object.entries(page()).filter(([, v]) => v !== '')) })
        json = [p, utf8Length(p)]
      }
      return json
    },
    page,
    () => {
      if (lastPage != null && lastPage != loc.href) referrer = lastPage
      lastPage = loc.href
    },
    (extra) => {
      base = { ...base, ...extra }
      key = ''
    },
  ]
}
