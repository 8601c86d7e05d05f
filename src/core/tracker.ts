import type { Properties } from '../lib/json.js'
import { safe } from '../lib/safe.js'
import { memoryQueue, type MemoryQueue } from '../storage/memory.js'
import type { ConsentState, CoreOptions, CoreTracker } from './types.js'
import { createCapture, type Capture } from './capture.js'
import { initialConsent, keepConsent, privacySignal, wipe } from './consent.js'
import { cleanPage, createContext, type Context } from './context.js'
import { createEnv, type Env, type User } from './env.js'
import { identify, me, reset, storageChanged } from './identity.js'
import { inspect } from './inspect.js'
import { read, write } from './local.js'
import { watchPages } from './pageviews.js'
import { createPipeline, type Pipeline } from './pipeline.js'
import { memoryCaps } from './writer.js'
import { utf8Length } from '../lib/utf8.js'

// The tracker, from its parts, each in its file: env.ts (options, platform pieces, ids),
// report.ts (errors, drops), local.ts (localStorage), identity.ts, session.ts, consent.ts,
// context.ts (every event's context; redact.ts cleans its URLs), capture.ts (an event's
// JSON), pageviews.ts (a single-page app's route changes). pipeline.ts, made while consent
// is granted, stores and sends: writer.ts (the queue, and the writes to it), rescue.ts (what
// a dying page leaves in localStorage), delivery.ts (sending; the tabs' channel),
// lifecycle.ts (page events). Here: how they connect, and the public methods.
//
// `/*#__NOINLINE__*/` (here and in the parts), like `reduce_funcs: false` in
// rollup.config.mjs: the function called stays a function of its own in the build.
// Inlined into its caller (terser's default for a function called once), its variables
// get longer names when the host's bundler minifies the package again (size-limit
// measures with esbuild): ~150 B brotli without either, ~28 B with the option alone.

/**
 * Creates a tracker. Throws only for bad options, naming the option.
 * Without a DOM (server rendering) it returns a tracker whose calls do nothing.
 * @param options see {@link TrackerOptions}
 * @example
 * const dp = createTracker({ endpoint: 'https://collector.example.com/v1/batch' })
 * dp.track('Project Created', { plan: 'pro' })
 */
export function createTracker(options: CoreOptions): CoreTracker {
  const e = /*#__NOINLINE__*/ createEnv(options)
  if (!e) return /*#__NOINLINE__*/ inert()
  const ctx = /*#__NOINLINE__*/ createContext(e)
  // While consent is pending (or granted and the pipeline not started): events wait here.
  const held = /*#__NOINLINE__*/ memoryQueue(memoryCaps(e), e.$now, e._dropped, () => true)
  let run: Pipeline | undefined
  let decided = false
  /**
   * Consent is read (and the pipeline started) at first use or a task after creation, not
   * in createTracker(): a page's first localStorage access loads its storage synchronously
   * (1-8 ms in Chromium). Returns the pipeline, if any.
   */
  const pipe = () => {
    if (!decided) {
      decided = true
      if ((e._consent = initialConsent(e)) == 'granted') start()
      else if (e._consent == 'denied') wipe(e)
    }
    return run
  }
  setTimeout(pipe)
  /** What waited in `held`, taken out. */
  const drain = () => {
    const recs = held._all()
    held._del(recs.map((r) => r.id))
    return recs
  }
  const capture = /*#__NOINLINE__*/ createCapture(e, ctx, (rec, derived) => {
    const r = pipe()
    if (r) r._add(rec, derived)
    else if (e._consent == 'denied') e._dropped('consent', 1)
    else held._add(rec)
  })
  const stages: string[] = []
  /** Consent is granted: the identity and session made in memory are stored, the pipeline starts, what waited goes in, in order. */
  const start = () => {
    const a = (e._user = read<User>(e, ':user') || e._user)?.a
    write(e, ':user', e._user)
    write(e, ':session', e._ses)
    run = /*#__NOINLINE__*/ createPipeline(e, ctx, capture)
    for (const r of drain()) {
      // Another tab's grant came first, with its identity (now ours): what waited here is
      // the same visitor's, so it goes with that anonymousId and session too.
      if (a && !r.s.includes('"anonymousId":' + JSON.stringify(a))) {
        const ev = JSON.parse(r.s)
        ev.anonymousId = a
        ev.context.session = { id: e._ses?.id }
        r.b = utf8Length((r.s = JSON.stringify(ev)))
      }
      run._add(r)
    }
    stages.splice(0).forEach((id) => run!._plugin?.$stage(id))
  }
  /** `from` another tab: its decision, not stored again here. */
  const consent = (c: ConsentState, from?: string) => {
    pipe()
    if (c == e._consent || (c == 'granted' && privacySignal(e))) return
    e._consent = c
    // granted: the identity is stored before the decision, so a tab that follows it finds it
    if (c == 'granted') start()
    if (!from) keepConsent(e, c)
    if (c == 'granted') return
    drain()
    run?._kill()
    run = undefined
    wipe(e)
  }
  const onStorage = e._guard((ev: StorageEvent) => {
    if (ev.key == e.$key + ':consent') {
      const c = safe(() => JSON.parse(ev.newValue!))
      if (c == 'granted' || c == 'denied') consent(c, 'tab')
    }
    else /*#__NOINLINE__*/ storageChanged(e, ev)
  })
  e.$win?.addEventListener('storage', onStorage)
  let unwatch: (() => void) | undefined
  const dp = /*#__NOINLINE__*/ methods(e, capture, ctx, pipe, consent, stages, held, () => {
    e.$win?.removeEventListener('storage', onStorage)
    unwatch?.()
    run?._close()
  })
  if (e._o.pageviews) unwatch = /*#__NOINLINE__*/ watchPages(e, dp.page, e._o.pageviews == 'hash')
  return dp
}

/** The public methods, each guarded: they never throw. `stop()`: the parts' part of shutdown(). */
function methods(
  e: Env,
  capture: Capture,
  [, pageProps, visit]: Context,
  pipe: () => Pipeline | undefined,
  consent: (c: ConsentState) => void,
  stages: string[],
  held: MemoryQueue,
  stop: () => void,
): CoreTracker {
  const { _invalid: invalid, _guard: guard } = e
  const plugin = () => pipe()?._plugin
  return {
    track: guard((event: string, properties?: Properties) =>
      typeof event == 'string' && event
        ? capture('{"type":"track","event":' + JSON.stringify(event.slice(0, e.maxStringLength)), properties)
        : invalid('track() needs an event name'),
    ),
    page: guard((properties?: Properties) => {
      visit()
      e._lastPage = e.$loc.href
      const name = properties?.name
      // non-objects go through as they are, for capture() to reject
      capture(
        '{"type":"page"' + (typeof name == 'string' ? ',"name":' + JSON.stringify(name.slice(0, e.maxStringLength)) : ''),
        properties == null || typeof properties == 'object' ? /*#__NOINLINE__*/ cleanPage(e, { ...pageProps(), ...properties }) : properties,
      )
    }),
    identify: guard((userId: string, traits?: Properties) => {
      if ((typeof userId != 'string' && typeof userId != 'number') || userId === '') return invalid('identify() needs a userId')
      capture('{"type":"identify"', /*#__NOINLINE__*/ identify(e, String(userId), traits), 'traits')
    }),
    reset: guard(() => /*#__NOINLINE__*/ reset(e)),
    consent(c) {
      pipe()
      if (c != null) guard(() => (c == 'granted' || c == 'denied' ? consent(c) : invalid('consent() takes "granted" or "denied"')))()
      return e._consent
    },
    on(type, handler) {
      const off = e._on(type, handler)
      safe(() => plugin()?.$listen?.(type))
      return off
    },
    journey() {
      return safe(() => plugin()?.$journey()) ?? null
    },
    settled: async () => void (await safe(() => plugin()?.$settled())),
    // while consent is pending, stage assertions wait with the events
    stage: guard((id: string) => (pipe() ? (plugin() ? plugin()!.$stage(id) : e._err('event_invalid', 'stage() needs a journey')) : e._consent == 'pending' && stages.push(id))),
    async flush() {
      await pipe()?._flusher._flush()
    },
    async shutdown() {
      if (e._stopped) return
      const p = pipe()
      await p?._plugin?.$stop()
      await p?._flusher._flush()
      e._stopped = true
      stop()
    },
    inspect: async () => /*#__NOINLINE__*/ inspect(e, pipe(), held),
    get anonymousId() {
      return me(e).a
    },
    get userId() {
      return me(e).u
    },
  }
}

/** Server rendering or no DOM: the same API, doing nothing. */
function inert(): CoreTracker {
  const no = () => {}
  const done = async () => {}
  return {
    track: no,
    page: no,
    identify: no,
    reset: no,
    on() {
      return no
    },
    journey() {
      return null
    },
    settled: done,
    stage: no,
    flush: done,
    shutdown: done,
    consent: () => 'denied',
    inspect: async () => ({ storage: 'memory', waiting: 0, inFlight: 0, flushing: false, sent: 0, dropped: {}, consent: 'denied', lastError: null, options: {} as CoreOptions }),
    anonymousId: '',
    userId: undefined,
  }
}
