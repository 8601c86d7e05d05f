/** JSON-safe value, as stored and sent. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }
/** Properties or traits, as the host passes them (normalised before storing). */
export type Properties = Record<string, unknown>

/** Why events were dropped. */
export type DropReason = 'invalid' | 'too_large' | 'rejected' | 'queue_full' | 'expired'

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

/** A stage change, as `dp.on('stage')` reports it (also in every tab of the origin). */
export interface StageChange {
  from: string | null
  to: string
  /** ms since the epoch */
  at: number
  /** messageId of the event that caused it, `tick`, `host` (dp.stage) or `demote:<cause>` */
  cause: string
  /** stages passed over on the way */
  skipped?: string[]
  /** found by re-folding history under a new definition version */
  backfill?: true
}

/** Event map of `dp.on(type, handler)`. */
export interface TrackerEvents {
  error: import('./core/errors.js').DesirePathError
  sent: Sent
  dropped: Dropped
  stage: StageChange
  /** a nudge to show now, in this tab (desire-path/journey, with `nudges` in the definition) */
  nudge: import('./nudges/types.js').NudgeDecision
}

/** One queued event, as stored: id = queue key (a UUIDv7; the messageId unless the event is derived), s = JSON text, b = UTF-8 bytes. @internal */
export interface StoredEvent {
  id: string
  s: string
  b: number
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

export interface TrackerOptions {
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
  compression?: 'gzip'
  /** Sent in the body (never in the URL) for collectors that want it. @example writeKey: 'wk_123' */
  writeKey?: string
  /** Send as soon as this many events are stored. @example flushAt: 20 */
  flushAt?: number
  /** Otherwise send this many ms after the first unsent event. @example flushInterval: 5000 */
  flushInterval?: number
  /** Max events in one request. @example maxBatchEvents: 1000 */
  maxBatchEvents?: number
  /** Max bytes in one request (Segment: 500 KB). @example maxBatchBytes: 500_000 */
  maxBatchBytes?: number
  /** Max bytes of one event; larger events are dropped with an error (Segment: 32 KB). */
  maxEventBytes?: number
  /**
   * Queue caps on what waits: the oldest events are dropped first past these (default
   * 100,000 events / 50 MB; in memory mode, without IndexedDB, 10,000 / 10 MB).
   * @example maxQueueEvents: 100_000
   */
  maxQueueEvents?: number
  /** @example maxQueueBytes: 50_000_000 */
  maxQueueBytes?: number
  /** Events older than this (ms) are dropped unsent. @example maxEventAge: 7 * 864e5 */
  maxEventAge?: number
  /** Retry backoff: first delay and ceiling, in ms. @example retryBase: 1000, retryMax: 60_000 */
  retryBase?: number
  retryMax?: number
  /** Abort a request after this many ms and retry it. @example requestTimeout: 30_000 */
  requestTimeout?: number
  /** Wait this long (ms) for IndexedDB to open before keeping the queue in memory. @example storageTimeout: 3000 */
  storageTimeout?: number
  /** Long strings are cut to this many characters. @example maxStringLength: 10_000 */
  maxStringLength?: number
  /** Prefix of the IndexedDB database, localStorage keys and Web Lock names. @example storageKey: 'dp' */
  storageKey?: string
  /** Extra context merged into every event's `context`. @example context: { app: { name: 'web' } } */
  context?: Record<string, unknown>
  /** Called with every error (never thrown to the page). @example onError: (e) => Sentry.captureException(e) */
  onError?: (error: import('./core/errors.js').DesirePathError) => void
  /** Use IndexedDB only when `true` (default); `false` keeps the queue in memory. */
  persist?: boolean
  /**
   * A journey definition (JSON). Needs `createTracker` from `desire-path/journey`, so that
   * hosts without journeys don't ship the engine. @example journey: await (await fetch('/journey.json')).json()
   */
  journey?: import('./journey/types.js').JourneyDefinition
  /** @internal the slot `desire-path/journey` plugs into */
  $plugin?: (core: import('./core/tracker.js').Core) => import('./core/tracker.js').Plugin

  // Platform pieces, with real defaults; for tests and odd hosts.
  fetch?: typeof fetch
  sendBeacon?: (url: string, data: Blob) => boolean
  indexedDB?: IDBFactory | null
  localStorage?: Storage | null
  locks?: LockManager | null
  BroadcastChannel?: typeof BroadcastChannel | null
  now?: () => number
  random?: () => number
  document?: Document
  location?: Location
  navigator?: Navigator
  window?: Window
}
