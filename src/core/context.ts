import type { JsonValue } from '../lib/json.js'
import { safe } from '../lib/safe.js'
import { utf8Length } from '../lib/utf8.js'
import type { Env, Session } from './env.js'
import { stringify } from './event.js'
import { cleanPath, cleanUrl } from './redact.js'

const LIB = { name: 'desire-path', version: __VERSION__ }
/** The page fields that hold URLs, and how each is cleaned (redact.ts). */
const URLS = ['url', 'referrer', 'search', 'path'] as const

/**
 * Page properties with their URLs cleaned (`queryParams.allow` applies): those the tracker
 * reads and those the host passes to `page()` alike.
 */
export const cleanPage = <P extends Record<string, unknown>>(e: Env, p: P): P => {
  for (const k of URLS) {
    const v = p[k]
    if (typeof v == 'string') (p as Record<string, unknown>)[k] = k == 'path' ? cleanPath(v) : cleanUrl(v, e._o.queryParams?.allow)
  }
  return p
}
const timeZone = (): string => {
  const T = (globalThis as { Temporal?: { Now: { timeZoneId(): string } } }).Temporal
  return T ? T.Now.timeZoneId() : Intl.DateTimeFormat().resolvedOptions().timeZone
}

/** @internal Every event's `context`: a static part, made once, and the page. */
export type Context = [
  /**
   * `context` as JSON and its UTF-8 length in session `s`, rebuilt only when the page or
   * the session changes: it is most of an event's bytes, so it is serialised and measured
   * once, not per event.
   */
  context: (s: Session) => [json: string, bytes: number],
  /** `{ path, referrer, search, title, url }` of the current location, not yet cleaned */
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
  let campaign: Session['c']
  let json: [string, number]
  const page = () => ({ path: loc.pathname, referrer, search: loc.search, title: doc.title, url: loc.href })
  return [
    (s) => {
      const k = loc.href + doc.title + referrer + s.id
      if (k != key || s.c != campaign) {
        key = k
        campaign = s.c
        // At the first event, not at creation: Intl's first call starts ICU (~17 ms in
        // Chromium); Temporal, where there is one, answers in microseconds. A host can pass
        // `context.timezone` to skip both.
        if (!('timezone' in base)) base = { ...base, timezone: safe(timeZone) }
        // empty fields (no referrer, no query string) are left out: every event repeats them
        const p = JSON.stringify({
          ...base,
          page: Object.fromEntries(Object.entries(cleanPage(e, page())).filter(([, v]) => v !== '')),
          session: { id: s.id },
          campaign: s.c,
        })
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
