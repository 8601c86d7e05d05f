import type { JsonValue, Properties } from '../lib/json.js'
import type { DropReason, StoredEvent } from '../storage/queue.js'
import type { CoreEvents, CoreOptions, CoreTracker } from './types.js'
import { createEmitter } from './emitter.js'
import { DesirePathError, type ErrorCode } from '../lib/errors.js'
import { stringify, type Issue } from './event.js'
import { readOptions } from './options.js'
import { createUuidV7, cryptoRandom } from '../lib/uuid.js'
import { utf8Length } from '../lib/utf8.js'
import { memoryQueue } from '../storage/memory.js'
import { idbQueue } from '../storage/db.js'
import { fallbackQueue } from '../storage/fallback.js'
import { createFlusher, MAX_RETRY_AFTER, type Backoff } from '../transport/flush.js'

/** Events per IndexedDB write transaction: ~5 ms of put() calls, under a long task even on a CPU 4x slower. */
const WRITE_CHUNK = 1_000
/** Stored events memory keeps for the unload path: twice its 64 KB quota. */
const KEEP_BYTES = 128_000
const LIB = { name: 'desire-path', version: __VERSION__ }
// Query/fragment parameters whose names contain these words keep their values on the page (PII, credentials).
const SECRET = /([?&#][^=&#]*(mail|pass|pwd|token|auth|secret|key|session|sid|code|ssn|phone)[^=&#]*=)[^&#]*/gi
const redact = (url: string) => url.replace(SECRET, '$1redacted')
const timeZone = (): string => {
  const T = (globalThis as { Temporal?: { Now: { timeZoneId(): string } } }).Temporal
  return T ? T.Now.timeZoneId() : Intl.DateTimeFormat().resolvedOptions().timeZone
}
const safe = <T>(fn: () => T): T | undefined => {
  try {
    return fn()
  } catch {
    return undefined // storage blocked, sandboxed frame, closed channel...
  }
}

/**
 * Creates a tracker. Throws only for bad options, naming the option.
 * Without a DOM (server rendering) it returns a tracker whose calls do nothing.
 * @param options see {@link TrackerOptions}
 * @example
 * const dp = createTracker({ endpoint: 'https://collector.example.com/v1/batch' })
 * dp.track('Project Created', { plan: 'pro' })
 */
export function createTracker(options: CoreOptions): CoreTracker {
  const o = options
  const w = o?.window ?? (typeof window == 'object' ? window : undefined)
  const doc = o?.document ?? w?.document
  const loc = o?.location ?? w?.location
  const s = readOptions(o, loc?.href)
  if (!doc || !loc) return inert()
  const nav = o.navigator ?? w?.navigator
  /** An injected platform piece; `null` means "none", undefined the real default. */
  const get = <T>(v: T | null | undefined, d: () => T | undefined) => (v === null ? undefined : (v ?? safe(d)))
  const now = o.now || Date.now
  const random = o.random || safe(() => cryptoRandom(w?.crypto ?? globalThis.crypto)) || Math.random
  const key = o.storageKey || 'desire-path'
  // looked up at first use: the property's first read opens the origin's storage (ms)
  let lsGot = false
  let lsv: Storage | undefined
  const ls = () => (lsGot ? lsv : ((lsGot = true), (lsv = get(o.localStorage, () => w!.localStorage))))
  const uuid = createUuidV7(random)

  // --- errors: once-only console warning per code, onError, 'error' listeners; never thrown
  const warned = new Set<string>()
  const report = (e: DesirePathError) => {
    if (!warned.has(e.code)) console.warn(e.message)
    warned.add(e.code)
    safe(() => o.onError?.(e))
    emitter._emit('error', e)
  }
  const err = (code: ErrorCode, msg: string, cause?: unknown) => report(new DesirePathError(code, msg, cause))
  const emitter = createEmitter<CoreEvents & Record<string, unknown>>((e, type) => type != 'error' && err('listener_threw', `${type} listener threw: ${e}`, e))
  let dropTotal = 0
  // a cap that drops events is data lost: reported once per outage (until the next ack)
  let lossReported = false
  const dropped = (reason: DropReason, count: number) => {
    emitter._emit('dropped', { reason, count, total: (dropTotal += count) })
    if ((reason == 'queue_full' || reason == 'expired') && !lossReported) {
      lossReported = true
      const why = reason == 'expired' ? 'older than maxEventAge' : 'queue full (maxQueueEvents / maxQueueBytes)'
      report(new DesirePathError(reason == 'expired' ? 'event_expired' : 'queue_full', `${count} events dropped unsent: ${why}; ${dropTotal} dropped in all`, 0, { count, total: dropTotal }))
    }
  }
  const invalid = (msg: string) => {
    dropped('invalid', 1)
    err('event_invalid', msg)
  }

  // --- identity and shared backoff, in localStorage so they survive reloads
  const read = <T>(k: string): T | undefined => safe(() => JSON.parse(ls()!.getItem(key + k)!)) ?? undefined
  const write = (k: string, v?: unknown) => safe(() => (v ? ls()!.setItem(key + k, JSON.stringify(v)) : ls()!.removeItem(key + k)))
  type User = { a: string; u?: string; t?: Record<string, JsonValue> }
  let user: User | undefined
  /**
   * The identity, read at first use, not in createTracker(): a page's first localStorage
   * access loads its storage synchronously (1-8 ms in Chromium), which a page that uses
   * localStorage anyway pays once, and the others at their first event.
   */
  const me = (): User => {
    if (!user?.a) user = read<User>(':user')
    if (!user?.a) write(':user', (user = { a: uuid(now()) }))
    return user
  }
  let backoff: Backoff = { u: 0, n: 0 }
  const shared = {
    _get() {
      const b = read<Backoff>(':backoff') || backoff
      // a clock moved back must not pause delivery for long
      return b.u - now() > MAX_RETRY_AFTER + s.retryMax ? { u: 0, n: b.n } : b
    },
    _set: (b: Backoff) => write(':backoff', (backoff = b).n && b),
  }

  // --- context: static part once, page part recomputed only when it changes
  const issues = new Set<Issue>()
  let base: Record<string, unknown> = {
    library: LIB,
    locale: nav?.language,
    userAgent: nav?.userAgent,
    ...(o.context && JSON.parse(stringify(o.context, s.maxStringLength, issues))),
  }
  let referrer = doc.referrer
  let lastPage: string | undefined
  const pageProps = () => ({ path: loc.pathname, referrer: redact(referrer), search: redact(loc.search), title: doc.title, url: redact(loc.href) })
  let ctxKey = ''
  let ctxJson = ''
  let ctxBytes = 0
  /**
   * `context` as JSON and its UTF-8 length, rebuilt only when the page changes: it is
   * most of an event's bytes, so it is serialised and measured once, not per event.
   */
  const context = () => {
    const k = loc.href + doc.title + referrer
    if (k != ctxKey) {
      ctxKey = k
      // At the first event, not at creation: Intl's first call starts ICU (~17 ms in
      // Chromium); Temporal, where there is one, answers in microseconds. A host can pass
      // `context.timezone` to skip both.
      if (!('timezone' in base)) base = { ...base, timezone: safe(timeZone) }
      // empty fields (no referrer, no query string) are left out: every event repeats them
      const page = Object.fromEntries(Object.entries(pageProps()).filter(([, v]) => v !== ''))
      ctxBytes = utf8Length((ctxJson = JSON.stringify({ ...base, page })))
    }
    return ctxJson
  }

  // --- queue: IndexedDB, memory behind it
  const caps = { _events: s.maxQueueEvents, _bytes: s.maxQueueBytes, _age: s.maxEventAge }
  const idbf = o.persist === false ? undefined : get(o.indexedDB, () => w!.indexedDB)
  // Events captured by this tab and not yet acknowledged (IndexedDB reports its own drops).
  // in memory mode the queue is in the heap: smaller default caps (explicit options rule)
  const memCaps = { ...caps, _events: o.maxQueueEvents || 10_000, _bytes: o.maxQueueBytes || 10_000_000 }
  const mem = memoryQueue(memCaps, now, dropped, () => q._memory())
  const idb = idbf && safe(() => idbQueue(idbf, key, s.storageTimeout, caps, now, dropped))
  const q = fallbackQueue(idb, mem, report)
  // missing or throwing `indexedDB` (private modes, sandboxed frames): the host should know
  if (!idb && o.persist !== false) err('storage_fallback', 'IndexedDB unavailable, using memory')
  const pending: StoredEvent[] = []
  /** Batches handed to the queue whose write has not resolved yet. */
  const writes = new Set<StoredEvent[]>()
  let writing: Promise<unknown> = Promise.resolve()
  let writeTimer: ReturnType<typeof setTimeout> | 0 = 0
  // events captured / whose write resolved, in capture order (writes commit in order)
  let captured = 0
  let committed = 0
  /**
   * Writes what is pending in one transaction, one write at a time: while one runs, new
   * events gather and go in the next, so a burst makes a few large transactions, and a
   * read for delivery waits behind one write, never behind a backlog. `now`: on page hide,
   * start at once, beside a running write, before the page is gone.
   */
  const writeChunk = (now?: boolean) => {
    clearTimeout(writeTimer)
    writeTimer = 0
    if (writes.size && !now) return // the running write starts the next one
    const batch = pending.splice(0, WRITE_CHUNK)
    if (!batch[0]) return
    writes.add(batch)
    const done = (async () => {
      await q._put(batch)
      writes.delete(batch)
      committed += batch.length
      // stored: memory keeps only the newest, for the unload path (in memory mode, all)
      if (!q._memory()) mem._stored(batch, KEEP_BYTES)
      // everything the rescue copy held is stored now (in memory mode, it is all we have)
      if (rescued && !writes.size && !pending[0] && !q._memory()) {
        rescued = false
        write(rescueKey)
      }
      if (pending[0]) writeChunk()
      if (committed - flushedAt < s.flushAt && pending.length < s.flushAt) flusher._schedule(s.flushInterval)
      else {
        flushedAt = committed
        void flusher._flush(true)
      }
    })()
    writing = Promise.all([writing, done])
  }
  let flushedAt = 0
  /** Resolves once every event captured before the call is stored (not later ones). */
  const stored = async () => {
    const want = captured
    while (committed < want) {
      writeChunk()
      await writing
    }
  }

  // A page can die before its IndexedDB writes commit. On hide, a synchronous copy of
  // what is not yet stored goes to localStorage; the next page load adopts it: stores what
  // of it is not stored already (the write may have committed after all). After creation,
  // not in it: localStorage's first access is slow (see me()).
  const rescueKey = ':rescue:' + uuid(now())
  let rescued = false
  const adopt = () =>
    safe(() => {
      const recs: StoredEvent[] = []
      for (let i = ls()!.length; i--; ) {
        const k = ls()!.key(i)!
        if (k.startsWith(key + ':rescue:') && k != key + rescueKey) {
          recs.push(...(read<StoredEvent[]>(k.slice(key.length)) || []))
          write(k.slice(key.length))
        }
      }
      if (!recs[0]) return
      mem._put(recs)
      // in `writes`, so a hide before it commits rescues these again
      writes.add(recs)
      const done = (async () => {
        await q._put(recs, true)
        writes.delete(recs)
        if (!q._memory()) mem._stored(recs, KEEP_BYTES)
      })()
      writing = Promise.all([writing, done])
    })
  setTimeout(adopt)

  // Tabs tell each other what the collector acknowledged, so no tab resends it on unload.
  const BC = get(o.BroadcastChannel, () => (w as { BroadcastChannel?: typeof BroadcastChannel }).BroadcastChannel)
  // opened a task after creation, like the rescue adoption (its first use costs ~1 ms)
  let bc: BroadcastChannel | undefined
  setTimeout(() => {
    if (stopped || !BC) return
    bc = safe(() => new BC(key))
    if (bc) bc.onmessage = (e: MessageEvent<string[]>) => mem._del(e.data)
  })

  const flusher = createFlusher({
    _q: q,
    _url: s.url,
    _fetch: get(o.fetch, () => w!.fetch.bind(w)),
    _beacon: get(o.sendBeacon, () => nav!.sendBeacon.bind(nav)),
    _locks: get(o.locks, () => nav!.locks),
    _shared: shared,
    _lock: key + ':flush',
    _owner: uuid(now()),
    _gzip: o.compression == 'gzip' && typeof CompressionStream == 'function',
    _wrap: (events) => `{"batch":[${events}],"sentAt":"${new Date(now()).toISOString()}"${o.writeKey ? ',"writeKey":' + JSON.stringify(o.writeKey) : ''}}`,
    _batchEvents: s.maxBatchEvents,
    _batchBytes: s.maxBatchBytes,
    _retryBase: s.retryBase,
    _retryMax: s.retryMax,
    _timeout: s.requestTimeout,
    _interval: s.flushInterval,
    _now: now,
    _random: random,
    _stored: stored,
    _acked(batch) {
      lossReported = false
      const ids = batch.map((r) => r.id)
      safe(() => bc?.postMessage(ids))
      emitter._emit('sent', { count: ids.length, ids })
    },
    _dropped: dropped,
    _report: report,
  })

  // --- capture
  let stopped = false
  let stampMs = NaN
  let stamp = ''
  /** `start`: the event's opening JSON, e.g. `{"type":"track","event":"X"` (no closing brace). */
  const capture = (start: string, props: unknown, field = 'properties', fixedId?: string, at?: number) => {
    if (stopped) return err('event_invalid', 'call after shutdown ignored')
    if (props != null && (typeof props != 'object' || Array.isArray(props))) return invalid(`${field} must be an object`)
    issues.clear()
    let body: string
    try {
      // only the host's data goes through the normalising replacer; the envelope is ours
      body = stringify(props || {}, s.maxStringLength, issues)
    } catch (e) {
      return invalid(`${field} unreadable: ${e}`) // a throwing getter or Proxy trap
    }
    if (issues.size) err('event_normalized', `${field} cleaned: ${[...issues]}`)
    const t = at ?? now()
    const id = fixedId || uuid(t)
    if (t != stampMs) stamp = new Date((stampMs = t)).toISOString()
    const who = me()
    const head = `${start},"${field}":${body},"anonymousId":${JSON.stringify(who.a)}${
      who.u ? ',"userId":' + JSON.stringify(who.u) : ''
    },"messageId":"${id}","timestamp":"${stamp}","context":`
    const json = head + context() + '}'
    const b = utf8Length(head) + ctxBytes + 1
    if (b > s.maxEventBytes) {
      dropped('too_large', 1)
      return err('event_too_large', `${b} bytes > maxEventBytes, dropped`)
    }
    // The queue key orders and ages the queue, so it is always a fresh UUIDv7; a derived
    // event's deterministic messageId (a hash, not time-ordered) stays in the body.
    const rec = { id: fixedId ? uuid(now()) : id, s: json, b }
    pending.push(rec)
    captured++
    mem._add(rec)
    writeTimer ||= setTimeout(() => writeChunk())
    if (!fixedId) plugin?.$event(rec)
  }
  // two fixed parameters, not ...rest: no array allocated per call in hot paths
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const guard = <F extends (a?: any, b?: any) => void>(fn: F): F =>
    ((a?: unknown, b?: unknown) => {
      try {
        fn(a, b)
      } catch (e) {
        err('internal', 'unexpected: ' + e, e)
      }
    }) as F

  // --- page lifecycle: hidden/unload sends now; back online retries now
  const hide = guard((e: Event) => {
    if (e.type == 'pageshow' || (e.type == 'visibilitychange' && doc.visibilityState != 'hidden')) return flusher._resume()
    if (e.type != 'pagehide' && doc.visibilityState != 'hidden') return
    const risky = q._memory() ? mem._all() : [...pending, ...[...writes].flat()]
    if (risky[0]) {
      rescued = true
      write(rescueKey, risky)
    }
    while (pending[0]) writeChunk(true)
    flusher._unload(mem._all())
  })
  const online = guard(() => {
    shared._set({ u: 0, n: 0 })
    void flusher._flush(true)
  })
  // Another tab wrote the identity (two tabs of a fresh profile loading together, an
  // identify or a reset there): take what is stored, so the origin's tabs agree. A clear()
  // elsewhere: keep ours, stored again.
  const shareUser = guard((e: Event) => {
    const k = (e as StorageEvent).key
    if (k != null && k != key + ':user') return
    const u = read<User>(':user')
    if (u?.a) user = u
    else if (user) write(':user', user)
  })
  const listen = (on: boolean) => {
    const m = on ? 'addEventListener' : 'removeEventListener'
    w?.[m]('storage', shareUser)
    doc[m]('visibilitychange', hide)
    w?.[m]('pagehide', hide)
    w?.[m]('pageshow', hide)
    w?.[m]('online', online)
  }
  listen(true)
  const plugin = o.$plugin?.({
    $derive: (event, props, id, t) => capture('{"type":"track","event":' + JSON.stringify(event), props, 'properties', id, t),
    $emit: emitter._emit,
    $report: report,
    $context(extra) {
      base = { ...base, ...extra }
      ctxKey = ''
    },
    $key: key,
    $idb: idbf,
    $now: now,
    $doc: doc,
    $win: w,
    $BC: BC,
    $loc: loc,
    $has: emitter._has,
  })
  // Events left by earlier page loads go out soon after load (not on the first tick,
  // so the page's own first events still batch up).
  flusher._schedule(Math.min(s.flushInterval, 1000))

  return {
    track: guard((event: string, properties?: Properties) =>
      typeof event == 'string' && event
        ? capture('{"type":"track","event":' + JSON.stringify(event.slice(0, s.maxStringLength)), properties)
        : invalid('track() needs an event name'),
    ),
    page: guard((properties?: Properties) => {
      if (lastPage != null && lastPage != loc.href) referrer = lastPage
      lastPage = loc.href
      const name = properties?.name
      // non-objects go through as they are, for capture() to reject
      capture(
        '{"type":"page"' + (typeof name == 'string' ? ',"name":' + JSON.stringify(name.slice(0, s.maxStringLength)) : ''),
        properties == null || typeof properties == 'object' ? { ...pageProps(), ...properties } : properties,
      )
    }),
    identify: guard((userId: string, traits?: Properties) => {
      if ((typeof userId != 'string' && typeof userId != 'number') || userId === '') return invalid('identify() needs a userId')
      const u = String(userId)
      const was = me()
      const t = { ...(was.u == u && was.t), ...JSON.parse(stringify(traits || {}, s.maxStringLength, new Set())) }
      write(':user', (user = { ...was, u, t }))
      capture('{"type":"identify"', t, 'traits')
    }),
    reset: guard(() => write(':user', (user = { a: uuid(now()) }))),
    on(type, handler) {
      const off = emitter._on(type, handler)
      safe(() => plugin?.$listen?.(type))
      return off
    },
    journey: () => safe(() => plugin?.$journey()) ?? null,
    settled: async () => void (await safe(() => plugin?.$settled())),
    stage: guard((id: string) => (plugin ? plugin.$stage(id) : err('event_invalid', 'stage() needs a journey'))),
    flush: () => flusher._flush(),
    async shutdown() {
      if (stopped) return
      await plugin?.$stop()
      await flusher._flush()
      stopped = true
      flusher._stop()
      listen(false)
      bc?.close()
      q._close?.()
    },
    get anonymousId() {
      return me().a
    },
    get userId() {
      return me().u
    },
  }
}

/** Server rendering or no DOM: the same API, doing nothing. */
function inert(): CoreTracker {
  const no = () => {}
  const done = async () => {}
  return { track: no, page: no, identify: no, reset: no, on: () => no, journey: () => null, settled: done, stage: no, flush: done, shutdown: done, anonymousId: '', userId: undefined }
}
