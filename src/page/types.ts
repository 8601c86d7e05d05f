// What the snippet (entries/snippet.ts) leaves on `window.desirePath` for the build to take
// over: its marker, the calls made before the build arrived, and how many it dropped.

/** A call made on the snippet's stub: method, arguments, time (ms), and for promise-returning methods the resolve. */
export type Call = [method: string, args: unknown[], at: number, done?: (value: unknown) => void, off?: () => unknown]

/** `window.desirePath` while the snippet's stub is there, or once the build took it over. */
export interface PageApi {
  /** marks an object of ours: the snippet's stub, or a build of desire-path */
  $dp?: 1
  /** calls made on the stub, oldest first (bounded: see {@link MAX_CALLS}) */
  $q?: Call[]
  /** calls the stub dropped, oldest first, once the queue was full (the build was blocked, say) */
  $lost?: number
  [key: string]: unknown
}

/** The page's Trusted Types, where the browser has them: what the snippet and the loader need of them. */
export interface TrustedTypesWindow extends Window {
  trustedTypes?: { createPolicy(name: string, policy: { createScriptURL(s: string): string }): { createScriptURL(s: string): string } }
}

/** The stub keeps at most this many calls while the build does not arrive. */
export const MAX_CALLS = 1000
/**
 * The stub's methods, as the build replays them: `on` returns an unsubscribe, and the
 * ones after it (`flush`, `settled`, `shutdown`) promises. A string: a smaller snippet.
 */
export const METHOD_LIST = 'init track page identify reset stage consent devtools on flush settled shutdown'
export const METHODS = METHOD_LIST.split(' ')
/** index of `on` in METHODS */
export const ON = 8
