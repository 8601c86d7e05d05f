import type { Dropped, DropReason, JsonValue, Properties, StoredEvent, TrackerEvents, TrackerOptions } from '../types.js'
import { createEmitter } from './emitter.js'
import { DesirePathError } from './errors.js'
import { normalize, type Issue } from './event.js'
import { readOptions } from './options.js'
import { createUuidV7 } from '../lib/uuid.js'
import { utf8Length } from '../lib/utf8.js'
import { memoryQueue } from '../storage/memory.js'
import { idbQueue } from '../storage/db.js'
import { fallbackQueue } from '../storage/fallback.js'
import { createFlusher, MAX_RETRY_AFTER, type Backoff } from '../transport/flush.js'

/** The tracker: every call returns at once and never throws. */
export interface Tracker {
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
   * @example dp.identify('user-42', { role: 'admin' })
   */
  identify(userId: string, traits?: Properties): void
  /** Forgets the user and traits and starts a new anonymousId (on logout). @example dp.reset() */
  reset(): void
  /**
   * Subscribes to `error`, `sent` or `dropped`. @returns an unsubscribe function
   * @example const off = dp.on('sent', ({ count }) => console.log(count, 'delivered'))
   */
  on<K extends keyof TrackerEvents>(type: K, handler: (payload: TrackerEvents[K]) => void): () => void
  /**
   * Sends everything stored now. Resolves once each event was acknowledged, or failed
   * and has a retry scheduled. Never rejects. @example await dp.flush()
   */
  flush(): Promise<void>
  /** Flushes, then stops timers and listeners; later calls are ignored. @example await dp.shutdown() */
  shutdown(): Promise<void>
  /** The persisted anonymous id. */
  readonly anonymousId: string
  /** The identified user, if any. */
  readonly userId: string | undefined
}

const WRITE_CHUNK = 500
const LIB = { name: 'desire-path', version: __VERSION__ }
// Query/fragment parameters whose values never leave the page (PII, credentials).
const SECRET = /([?&#](?:email|e-mail|password|passwd|pwd|token|access_token|id_token|refresh_token|auth|secret|api_key|apikey|session|sid|code|ssn|phone)=)[^&#]*/gi
const redact = (url: string) => url.replace(SECRET, '$1redacted')

/**
 * Creates a tracker. Throws only for bad options, naming the option.
 * Without a DOM (server rendering) it returns a tracker whose calls do nothing.
 * @param options see {@link TrackerOptions}
 * @example
 * const dp = createTracker({ endpoint: 'https://collector.example.com/v1/batch' })
 * dp.track('Project Created', { plan: 'pro' })
 */
export function createTracker(options: TrackerOptions): Tracker {
  const w = options?.window ?? (typeof window == 'object' ? window : undefined)
  const doc = options?.document ?? w?.document
  const loc = options?.location ?? w?.location
  const s = readOptions(options, loc?.href)
  const o = options
  const nav = o.navigator ?? w?.navigator
  if (!doc || !loc) return inert()

  const now = o.now || Date.now
  const random = o.random || Math.random
  const key = o.storageKey || 'desire-path'
  const pick = <T>(v: T | null | undefined, d: () => T | undefined) => (v === null ? undefined : v ?? d())
  const ls = pick(o.localStorage, () => {
    try {
      return w?.localStorage
    } catch {
      return undefined // throws in sandboxed frames and with storage blocked
    }
  })
  const f = pick(o.fetch, () => w?.fetch?.bind(w))
  const beacon = pick(o.sendBeacon, () => (nav?.sendBeacon ? (u: string, d: Blob) => nav.sendBeacon(u, d) : undefined))
  const BC = pick(o.BroadcastChannel, () => (w as unknown as { BroadcastChannel?: typeof BroadcastChannel })?.BroadcastChannel)
  const idbf = o.persist === false ? undefined : pick(o.indexedDB, () => {
    try {
      return w?.indexedDB
    } catch {
      return undefined
    }
  })
  const uuid = createUuidV7(random)

  // --- errors: once-only console warning per code, onError, 'error' listeners; never thrown
  const warned = new Set<string>()
  const report = (e: DesirePathError) => {
    if (!warned.has(e.code)) {
      warned.add(e.code)
      console.warn(e.message)
    }
    try {
      o.onError?.(e)
    } catch {
      /* the host's error hook failed: nothing left to tell */
    }
    emitter.emit('error', e)
  }
  const emitter = createEmitter<TrackerEvents>((e, type) => {
    if (type != 'error') report(new DesirePathError('listener_threw', `a "${String(type)}" listener threw: ${e}`, e))
  })
  let dropTotal = 0
  const dropped = (reason: DropReason, count: number) =>
    emitter.emit('dropped', { reason, count, total: (dropTotal += count) } satisfies Dropped)

  // --- identity, persisted so anonymousId survives reloads
  const read = <T>(k: string): T | undefined => {
    try {
      return JSON.parse(ls?.getItem(`${key}:${k}`) || 'null') ?? undefined
    } catch {
      return undefined
    }
  }
  const write = (k: string, v: unknown) => {
    try {
      ls?.setItem(`${key}:${k}`, JSON.stringify(v))
    } catch {
      /* quota or blocked: this page keeps it in memory */
    }
  }
  let user = read<{ a: string; u?: string; t?: Record<string, JsonValue> }>('user')
  if (!user?.a) write('user', (user = { a: uuid(now()) }))

  // --- context: static part once, page part recomputed only when it changes
  let tz: string | undefined
  try {
    tz = Intl.DateTimeFormat().resolvedOptions().timeZone
  } catch {
    /* old engines */
  }
  const issues = new Set<Issue>()
  const base = {
    library: LIB,
    ...(nav && { locale: nav.language, userAgent: nav.userAgent }),
    ...(tz && { timezone: tz }),
    ...normalize(o.context, s.maxStringLength, issues),
  }
  let referrer = doc.referrer
  let lastPage: string | undefined
  let pageKey = ''
  let pageCtx: Record<string, string> = {}
  const pageContext = () => {
    const k = loc.href + doc.title + referrer
    if (k !== pageKey) {
      pageKey = k
      pageCtx = { path: loc.pathname, referrer: redact(referrer), search: redact(loc.search), title: doc.title, url: redact(loc.href) }
    }
    return pageCtx
  }

  // --- queue
  const caps = { maxEvents: s.maxQueueEvents, maxBytes: s.maxQueueBytes, maxAge: s.maxEventAge }
  const mem = memoryQueue(caps, now, dropped)
  let idb
  try {
    idb = idbf ? idbQueue(idbf, key, s.storageTimeout, caps, now, dropped) : undefined
  } catch (e) {
    report(new DesirePathError('storage_fallback', 'IndexedDB unusable, queue kept in memory: ' + e, e))
  }
  const q = fallbackQueue(idb, mem, report)

  // Events captured by this tab and not yet acknowledged: what the unload path sends.
  const mine = new Map<string, StoredEvent>()
  let pending: StoredEvent[] = []
  let writing: Promise<void> = Promise.resolve()
  let writeTimer: ReturnType<typeof setTimeout> | undefined
  const writeChunk = () => {
    clearTimeout(writeTimer)
    writeTimer = undefined
    const batch = pending.splice(0, WRITE_CHUNK)
    if (pending.length) writeTimer = setTimeout(writeChunk, 0)
    if (batch.length)
      writing = writing.then(async () => {
        await q.put(batch)
        if (mine.size >= s.flushAt) void flusher.flush()
        else flusher.schedule(s.flushInterval)
      })
  }
  const stored = () => {
    while (pending.length) writeChunk()
    return writing
  }

  let bc: BroadcastChannel | undefined
  try {
    // Tabs tell each other what the collector acknowledged, so no tab resends it on unload.
    bc = BC ? new BC(key) : undefined
    if (bc) bc.onmessage = (e) => (e.data as string[]).forEach((id) => mine.delete(id))
  } catch {
    /* opaque origins */
  }

  let backoff: Backoff = { until: 0, n: 0 }
  const flusher = createFlusher({
    q,
    endpoint: s.url,
    fetch: f,
    sendBeacon: beacon,
    locks: pick(o.locks, () => nav?.locks),
    shared: {
      get() {
        const b = read<Backoff>('backoff') || backoff
        // a clock moved back must not pause delivery for long
        return b.until - now() > MAX_RETRY_AFTER + s.retryMax ? { until: 0, n: b.n } : b
      },
      set(b) {
        backoff = b
        try {
          b.n ? write('backoff', b) : ls?.removeItem(key + ':backoff')
        } catch {
          /* memory copy */
        }
      },
    },
    lockName: key + ':flush',
    owner: uuid(now()),
    wrap: (events) =>
      `{"batch":[${events}],"sentAt":"${new Date(now()).toISOString()}"${o.writeKey ? ',"writeKey":' + JSON.stringify(o.writeKey) : ''}}`,
    ...s,
    now,
    random,
    stored,
    acked(batch) {
      const ids = batch.map((r) => r.id)
      for (const id of ids) mine.delete(id)
      try {
        bc?.postMessage(ids)
      } catch {
        /* closed */
      }
      emitter.emit('sent', { count: ids.length, ids })
    },
    dropped,
    report,
  })

  // --- capture
  let stopped = false
  const capture = (msg: Record<string, unknown>, props: unknown, field: 'properties' | 'traits') => {
    if (stopped) return report(new DesirePathError('event_invalid', 'tracker was shut down; call ignored'))
    if (props != null && (typeof props != 'object' || Array.isArray(props))) {
      dropped('invalid', 1)
      return report(new DesirePathError('event_invalid', `${field} must be an object, got ${typeof props}`))
    }
    issues.clear()
    msg[field] = normalize(props, s.maxStringLength, issues)
    if (issues.size)
      report(new DesirePathError('event_normalized', `${field} were cleaned to be storable: ${[...issues].join(', ')}`))
    const t = now()
    const id = uuid(t)
    msg.anonymousId = user!.a
    if (user!.u) msg.userId = user!.u
    msg.messageId = id
    msg.timestamp = new Date(t).toISOString()
    msg.context = { ...base, page: pageContext() }
    const json = JSON.stringify(msg)
    const b = utf8Length(json)
    if (b > s.maxEventBytes) {
      dropped('too_large', 1)
      return report(new DesirePathError('event_too_large', `event "${msg.event || msg.type}" is ${b} bytes, over maxEventBytes (${s.maxEventBytes}); dropped`))
    }
    const rec = { id, s: json, b }
    pending.push(rec)
    mine.set(id, rec)
    writeTimer ||= setTimeout(writeChunk, 0)
  }
  const guard =
    <A extends unknown[]>(fn: (...a: A) => void) =>
    (...a: A) => {
      try {
        fn(...a)
      } catch (e) {
        report(new DesirePathError('internal', 'unexpected: ' + e, e))
      }
    }

  // --- page lifecycle: hidden/unload sends now; back online retries now
  const hide = guard((e: Event) => {
    if (e.type != 'pagehide' && doc.visibilityState != 'hidden') return
    void stored()
    flusher.unload([...mine.values()])
  })
  const online = guard(() => {
    flusher.shared.set({ until: 0, n: 0 })
    void flusher.flush()
  })
  doc.addEventListener('visibilitychange', hide)
  w?.addEventListener('pagehide', hide)
  w?.addEventListener('online', online)
  // Events left by earlier page loads go out soon after load (not on the first tick,
  // so the page's own first events still batch up).
  flusher.schedule(Math.min(s.flushInterval, 1000))

  return {
    track: guard((event: string, properties?: Properties) => {
      if (typeof event != 'string' || !event) {
        dropped('invalid', 1)
        return report(new DesirePathError('event_invalid', `track() needs an event name, got ${String(event)}`))
      }
      capture({ type: 'track', event: event.slice(0, s.maxStringLength) }, properties, 'properties')
    }),
    page: guard((properties?: Properties) => {
      const href = loc.href
      if (lastPage !== undefined && lastPage !== href) referrer = lastPage
      lastPage = href
      const msg: Record<string, unknown> = { type: 'page' }
      if (typeof properties?.name == 'string') msg.name = properties.name
      // non-objects go through as-is so capture() rejects them
      capture(msg, properties == null || typeof properties == 'object' ? { ...pageContext(), ...properties } : properties, 'properties')
    }),
    identify: guard((userId: string, traits?: Properties) => {
      if ((typeof userId != 'string' && typeof userId != 'number') || userId === '') {
        dropped('invalid', 1)
        return report(new DesirePathError('event_invalid', `identify() needs a userId string, got ${String(userId)}`))
      }
      const t = normalize(traits, s.maxStringLength, new Set())
      write('user', (user = { ...user!, u: String(userId), t: user!.u == String(userId) ? { ...user!.t, ...t } : t }))
      capture({ type: 'identify', userId: user.u }, { ...user.t }, 'traits')
    }),
    reset: guard(() => write('user', (user = { a: uuid(now()) }))),
    on: (type, handler) => {
      try {
        return emitter.on(type, handler)
      } catch {
        return () => {}
      }
    },
    flush: () => flusher.flush(),
    async shutdown() {
      if (stopped) return
      await flusher.flush()
      stopped = true
      flusher.stop()
      doc.removeEventListener('visibilitychange', hide)
      w?.removeEventListener('pagehide', hide)
      w?.removeEventListener('online', online)
      bc?.close()
      q.close?.()
    },
    get anonymousId() {
      return user!.a
    },
    get userId() {
      return user!.u
    },
  }
}

/** Server rendering or no DOM: the same API, doing nothing. */
function inert(): Tracker {
  const no = () => {}
  const done = () => Promise.resolve()
  return { track: no, page: no, identify: no, reset: no, on: () => no, flush: done, shutdown: done, anonymousId: '', userId: undefined }
}
