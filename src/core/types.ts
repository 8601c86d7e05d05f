import type { DesirePathError, ErrorCode } from '../lib/errors.js'
import type { JsonValue, Properties } from '../lib/json.js'
import type { DropReason, StoredEvent } from '../storage/queue.js'

// The core's public types: the tracker, its options and events, and the plugin interface
// through which desire-path/journey (compose/) adds stages and nudges. Nothing here knows
// what a journey is: a plugin brings its own snapshot type and events.

/**
 * Consent to store and send: `pending` keeps events in memory only (nothing stored, no
 * request) until `granted`; `denied` drops them and keeps nothing.
 */
export type ConsentState = 'pending' | 'granted' | 'denied'

/** Payload of the `dropped` event. */
export interface Dropped {
  reason: DropReason
  /** events dropped this time */
  count: number
  /** events dropped by this tracker since it was created */
  total: number
}

/** Payload of the `sent` event: a batch the collector acknowledged (2xx). */
export interface Sent {
  count: number
  /** the messageIds acknowledged */
  ids: string[]
}

/** The Segment-shaped event that goes on the wire. */
export interface TrackedEvent {
  type: 'track' | 'page' | 'identify'
  event?: string
  name?: string
  properties?: Record<string, JsonValue>
  traits?: Record<string, JsonValue>
  anonymousId: string
  userId?: string
  messageId: string
  timestamp: string
  context: Record<string, JsonValue>
}

/**
 * What `dp.inspect()` resolves to: the pipeline as this tab sees it, for the devtools
 * overlay (desire-path/devtools) and for support. A snapshot: ask again for fresh figures.
 */
export interface Inspection {
  /** where the queue lives: IndexedDB, or memory (IndexedDB missing, broken, or `persist: false`) */
  storage: 'indexeddb' | 'memory'
  /** events stored and not yet acknowledged, in every tab of the origin; counted up to 10,000 (10,001 means more) */
  waiting: number
  /** events in a request from this tab now */
  inFlight: number
  /**
   * this tab holds the origin's flush lock now, sending. Whether another tab does: ask
   * `navigator.locks.query()` for a held lock named `<storageKey>:flush`.
   */
  flushing: boolean
  /** events the collector acknowledged from this tab since the tracker was created */
  sent: number
  /** events dropped since the tracker was created, by reason */
  dropped: Partial<Record<DropReason, number>>
  /** consent now (`denied` too when Global Privacy Control or Do Not Track is on and respected) */
  consent: ConsentState
  /** the last error reported (also reported to `onError`), with its time (ms) */
  lastError: { code: ErrorCode; message: string; at: number } | null
  /** the options as given to `createTracker` (the `journey` definition among them, for a tool to validate in full) */
  options: Readonly<CoreOptions>
}

/** Event map of the core's `dp.on(type, handler)`; plugins add theirs (compose/types.ts). */
export interface CoreEvents {
  error: DesirePathError
  sent: Sent
  dropped: Dropped
}

export interface CoreOptions<Snapshot = unknown> {
  /**
   * Segment-compatible batch endpoint; events are POSTed as `{ batch, sentAt }`.
   * @example endpoint: 'https://collector.example.com/v1/batch'
   */
  endpoint: string
  /**
   * `'gzip'`: request bodies are gzipped (CompressionStream, where the browser has it) and
   * sent with `Content-Encoding: gzip`, about a tenth of the bytes. Only for collectors
   * that decode it; cross-origin, the header makes each batch a CORS preflighted request,
   * so the collector should allow `content-encoding` and cache the preflight
   * (`Access-Control-Max-Age`). Unload sends stay plain (no time to compress).
   * @example compression: 'gzip'
   */
  compression?: 'gzip' | undefined
  /** Sent in the body (never in the URL) for collectors that want it. @example writeKey: 'wk_123' */
  writeKey?: string | undefined
  /** Send as soon as this many events are stored. @example flushAt: 20 */
  flushAt?: number | undefined
  /** Otherwise send this many ms after the first unsent event. @example flushInterval: 5000 */
  flushInterval?: number | undefined
  /** Max events in one request. @example maxBatchEvents: 1000 */
  maxBatchEvents?: number | undefined
  /** Max bytes in one request (Segment: 500 KB). @example maxBatchBytes: 500_000 */
  maxBatchBytes?: number | undefined
  /** Max bytes of one event; larger events are dropped with an error (Segment: 32 KB). */
  maxEventBytes?: number | undefined
  /**
   * Queue caps on what waits: the oldest events are dropped first past these (default
   * 100,000 events / 50 MB; in memory mode, without IndexedDB, 10,000 / 10 MB).
   * @example maxQueueEvents: 100_000
   */
  maxQueueEvents?: number | undefined
  /** @example maxQueueBytes: 50_000_000 */
  maxQueueBytes?: number | undefined
  /** Events older than this (ms) are dropped unsent. @example maxEventAge: 7 * 864e5 */
  maxEventAge?: number | undefined
  /** Retry backoff: first delay and ceiling, in ms. @example retryBase: 1000, retryMax: 60_000 */
  retryBase?: number | undefined
  retryMax?: number | undefined
  /** Abort a request after this many ms and retry it. @example requestTimeout: 30_000 */
  requestTimeout?: number | undefined
  /** Wait this long (ms) for IndexedDB to open before keeping the queue in memory. @example storageTimeout: 3000 */
  storageTimeout?: number | undefined
  /** Long strings are cut to this many characters. @example maxStringLength: 10_000 */
  maxStringLength?: number | undefined
  /** Prefix of the IndexedDB database, localStorage keys and Web Lock names. @example storageKey: 'dp' */
  storageKey?: string | undefined
  /** Extra context merged into every event's `context`. @example context: { app: { name: 'web' } } */
  context?: Record<string, unknown> | undefined
  /** Called with every error (never thrown to the page). @example onError: (e) => Sentry.captureException(e) */
  onError?: ((error: DesirePathError) => void) | undefined
  /** Use IndexedDB only when `true` (default); `false` keeps the queue in memory. */
  persist?: boolean | undefined
  /**
   * Page views of a single-page app, sent by the tracker: `'history'` sends the page view of
   * the page it starts on and one for each route change (History API, Navigation API where
   * there is one): one per distinct URL, hash changes aside; `'hash'` counts changes of the
   * fragment too (hash routers). Off by default here (call `page()` yourself); on in the
   * script-tag build. @example pageviews: 'history'
   */
  pageviews?: 'history' | 'hash' | false | undefined
  /**
   * Consent for a visitor who has not decided yet (a decision given through
   * `dp.consent()` is kept in localStorage and wins on later loads). `'pending'`: nothing
   * is stored (IndexedDB, localStorage, cookies) and nothing sent until `dp.consent('granted')`;
   * events wait in memory. Default `'granted'`. @example consent: 'pending'
   */
  consent?: ConsentState | undefined
  /**
   * With Global Privacy Control (`navigator.globalPrivacyControl`) or Do Not Track on,
   * the tracker acts as if consent were `'denied'` (default `true`). Pass `false` only when
   * you have your own legal basis for tracking these visitors. @example respectGPC: false
   */
  respectGPC?: boolean | undefined
  /** A session ends after this long without activity, in ms (default 30 minutes). @example sessionTimeout: 30 * 60_000 */
  sessionTimeout?: number | undefined
  /** Sessions also end at midnight, the customer's local time. @example sessionMidnight: true */
  sessionMidnight?: boolean | undefined
  /**
   * Strict URLs: only these query (and fragment) parameters are kept in `url`, `referrer`
   * and `search`, besides UTM parameters and click ids (always kept). Without it,
   * parameters with secret names are removed and secret-looking values masked.
   * @example queryParams: { allow: ['q', 'page'] }
   */
  queryParams?: { allow: string[] } | undefined
  /**
   * Runs on every event before it is stored: return the event (changed or not), or `null`
   * to drop it. @example redact: (e) => (e.properties?.ssn ? null : e)
   */
  redact?: ((event: TrackedEvent) => TrackedEvent | null) | undefined
  /** Journeys need `createTracker` from `desire-path/journey` (the core rejects this option). */
  journey?: unknown
  /** @internal the slot `desire-path/journey` plugs into */
  $plugin?: ((core: Core) => Plugin<Snapshot> | undefined) | undefined

  // Platform pieces, with real defaults; for tests and odd hosts.
  fetch?: typeof fetch | null | undefined
  sendBeacon?: ((url: string, data: Blob) => boolean) | null | undefined
  indexedDB?: IDBFactory | null | undefined
  localStorage?: Storage | null | undefined
  locks?: LockManager | null | undefined
  BroadcastChannel?: typeof BroadcastChannel | null | undefined
  now?: (() => number) | undefined
  random?: (() => number) | undefined
  document?: Document | undefined
  location?: Location | undefined
  navigator?: Navigator | undefined
  window?: Window | undefined
}

/** The tracker: every call returns at once and never throws. */
export interface CoreTracker<Events extends CoreEvents = CoreEvents, Snapshot = unknown> {
  /**
   * Records an action. Synchronous: the event is stored on the next tick and sent in a batch.
   * @param event event name, e.g. `'Project Created'`
   * @param properties JSON-able details; cycles, functions and the like are cleaned out
   * @example dp.track('Project Created', { plan: 'pro' })
   */
  track(event: string, properties?: Properties): void
  /**
   * Records a page view of the current location (call it on SPA route changes too).
   * @param properties merged over `{ path, referrer, search, title, url }`; `name` names the page
   * @example dp.page({ name: 'Pricing' })
   */
  page(properties?: Properties): void
  /**
   * Ties later events to a user and records their traits (kept across reloads).
   * @param userId your id for the user
   * @param traits merged with earlier traits of the same user
   * @example dp.identify('user-42', { role: 'admin' })
   */
  identify(userId: string, traits?: Properties): void
  /** Forgets the user and traits and starts a new anonymousId and session (on logout). @example dp.reset() */
  reset(): void
  /**
   * Sets consent, or (without an argument) tells it. `'granted'`: events kept while
   * pending are stored and sent, in order. `'denied'`: they are dropped; after a grant
   * (revocation), requests stop at once and everything desire-path stored for the origin
   * (queue, identity, session, journey and nudge memory) is deleted. The decision is kept
   * for later loads and the origin's other tabs follow it. With Global Privacy Control or
   * Do Not Track respected, consent stays `'denied'`.
   * @returns consent now
   * @example dp.consent('granted')
   */
  consent(state?: 'granted' | 'denied'): ConsentState
  /**
   * Subscribes to `error`, `sent` or `dropped`.
   * @returns an unsubscribe function
   * @example const off = dp.on('sent', ({ count }) => console.log(count, 'delivered'))
   */
  on<K extends keyof Events>(type: K, handler: (payload: Events[K]) => void): () => void
  /**
   * Sends everything stored now. Resolves once each event was acknowledged, or failed
   * and has a retry scheduled. Never rejects.
   * @example await dp.flush()
   */
  flush(): Promise<void>
  /** Flushes, then stops timers and listeners; later calls are ignored. @example await dp.shutdown() */
  shutdown(): Promise<void>
  /**
   * The journey now: stage, since when, history, progress along the path, next step and
   * active signals. `null` without a journey (see `desire-path/journey`).
   * @example const { stage, next, signals } = dp.journey() ?? {}
   */
  journey(): Snapshot | null
  /**
   * Resolves once `journey()` reflects every call made so far: events folded, stage
   * assertions applied, nudge acknowledgements recorded (each is an IndexedDB transaction
   * shared by the origin's tabs, so `journey()` right after `track()` still shows the state
   * before it). Resolves at once without a journey. Never rejects.
   * @example dp.track('Signed Up'); await dp.settled(); dp.journey()?.stage
   */
  settled(): Promise<void>
  /**
   * Asserts that the customer reached a stage (forward only; a stage behind is ignored).
   * @example dp.stage('onboarding')
   */
  stage(id: string): void
  /**
   * The pipeline now: where the queue lives, what waits, what is in flight, which tab
   * sends, what was sent and dropped, the last error. For the devtools overlay and
   * support; it reads the queue, so don't call it in a hot loop. Never rejects.
   * @example const { waiting, storage } = await dp.inspect()
   */
  inspect(): Promise<Inspection>
  /** The persisted anonymous id. */
  readonly anonymousId: string
  /** The identified user, if any. */
  readonly userId: string | undefined
}

/**
 * @internal What a plugin (desire-path/journey) gets from the core. `$` members cross
 * bundle chunks, so they are not mangled like `_` members.
 */
export interface Core {
  /** sends a derived event through the pipeline with its own (deterministic) id and time */
  $derive(event: string, properties: Record<string, JsonValue>, id: string, t: number): void
  $emit(type: string, payload: unknown): void
  $report(e: DesirePathError): void
  /** merges into every event's `context` from now on */
  $context(extra: Record<string, JsonValue>): void
  $key: string
  $idb: IDBFactory | undefined
  $now: () => number
  $doc: Document
  $win: Window | undefined
  $BC: typeof BroadcastChannel | undefined
  $loc: Location
  $has(type: string): boolean
  /** the id of the session now (session.ts), shared by the origin's tabs */
  $session(): number | undefined
}
/** @internal What the core asks of a plugin. */
export interface Plugin<Snapshot = unknown> {
  /** an event this tab captured (not derived ones) */
  $event(rec: StoredEvent): void
  $journey(): Snapshot | null
  /** resolves once every event and ack handed over so far is applied */
  $settled(): Promise<unknown>
  $stage(id: string): void
  $stop(): Promise<void>
  /** a handler was added for `type` */
  $listen?(type: string): void
}
