import type { Properties } from '../lib/json.js'
import { piece, safe } from '../lib/safe.js'
import type { Flusher } from '../transport/flush.js'
import type { CoreOptions, CoreTracker, Plugin } from './types.js'
import { createCapture, type Capture } from './capture.js'
import { createContext, type Context } from './context.js'
import { createDelivery } from './delivery.js'
import { createEnv, type Env } from './env.js'
import { identify, me, reset } from './identity.js'
import { lifecycle } from './lifecycle.js'
import { inspect } from './inspect.js'
import { createWriter, openQueue, type TrackerQueue } from './writer.js'

// The tracker, from its parts, each in its file: env.ts (options, platform pieces, ids),
// report.ts (errors, drops), local.ts (localStorage), identity.ts, context.ts (every
// event's context), capture.ts (an event's JSON), writer.ts (the queue, and the writes to
// it), rescue.ts (what a dying page leaves in localStorage), delivery.ts (sending; the
// tabs' channel), lifecycle.ts (page events). Here: how they connect, and the public methods.
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
  const o = e._o
  const ctx = /*#__NOINLINE__*/ createContext(e)
  const [q, mem, idbf] = /*#__NOINLINE__*/ openQueue(e)
  const [add, stored, hideWrites] = /*#__NOINLINE__*/ createWriter(e, q, mem, () => flusher)
  const BC = piece(o.BroadcastChannel, () => (e.$win as { BroadcastChannel?: typeof BroadcastChannel }).BroadcastChannel)
  const [flusher, online, close] = /*#__NOINLINE__*/ createDelivery(e, q, mem, BC, stored)
  const capture = /*#__NOINLINE__*/ createCapture(e, ctx, (rec, derived) => {
    add(rec)
    if (!derived) plugin?.$event(rec)
  })
  const listen = /*#__NOINLINE__*/ lifecycle(
    e,
    () => {
      hideWrites()
      flusher._unload(mem._all())
    },
    flusher._resume,
    online,
  )
  listen(true)
  const plugin = o.$plugin?.({
    ...e,
    $derive(event, props, id, t) {
      capture('{"type":"track","event":' + JSON.stringify(event), props, 'properties', id, t)
    },
    $context: ctx[3], // merge
    $idb: idbf,
    $BC: BC,
  })
  // Events left by earlier page loads go out soon after load (not on the first tick,
  // so the page's own first events still batch up).
  flusher._schedule(Math.min(e.flushInterval, 1000))
  return /*#__NOINLINE__*/ methods(e, capture, ctx, flusher, plugin, q, () => {
    close()
    listen(false)
    q._close?.()
  })
}

/** The public methods, each guarded: they never throw. `stop()`: the parts' part of shutdown(). */
function methods(e: Env, capture: Capture, [, pageProps, visit]: Context, flusher: Flusher, plugin: Plugin | undefined, q: TrackerQueue, stop: () => void): CoreTracker {
  const { _invalid: invalid, _guard: guard } = e
  return {
    track: guard((event: string, properties?: Properties) =>
      typeof event == 'string' && event
        ? capture('{"type":"track","event":' + JSON.stringify(event.slice(0, e.maxStringLength)), properties)
        : invalid('track() needs an event name'),
    ),
    page: guard((properties?: Properties) => {
      visit()
      const name = properties?.name
      // non-objects go through as they are, for capture() to reject
      capture(
        '{"type":"page"' + (typeof name == 'string' ? ',"name":' + JSON.stringify(name.slice(0, e.maxStringLength)) : ''),
        properties == null || typeof properties == 'object' ? { ...pageProps(), ...properties } : properties,
      )
    }),
    identify: guard((userId: string, traits?: Properties) => {
      if ((typeof userId != 'string' && typeof userId != 'number') || userId === '') return invalid('identify() needs a userId')
      capture('{"type":"identify"', /*#__NOINLINE__*/ identify(e, String(userId), traits), 'traits')
    }),
    reset: guard(() => /*#__NOINLINE__*/ reset(e)),
    on(type, handler) {
      const off = e._on(type, handler)
      safe(() => plugin?.$listen?.(type))
      return off
    },
    journey() {
      return safe(() => plugin?.$journey()) ?? null
    },
    settled: async () => void (await safe(() => plugin?.$settled())),
    stage: guard((id: string) => (plugin ? plugin.$stage(id) : e._err('event_invalid', 'stage() needs a journey'))),
    flush() {
      return flusher._flush()
    },
    async shutdown() {
      if (e._stopped) return
      await plugin?.$stop()
      await flusher._flush()
      e._stopped = true
      stop()
    },
    inspect: () => /*#__NOINLINE__*/ inspect(e, q, flusher),
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
    inspect: async () => ({ storage: 'memory', waiting: 0, inFlight: 0, flushing: false, sent: 0, dropped: {}, lastError: null, options: {} as CoreOptions }),
    anonymousId: '',
    userId: undefined,
  }
}
