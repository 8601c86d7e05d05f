import { MAX_CALLS, METHODS, ON, type Call } from './types.js'

/**
 * Keeps a call for later (the snippet's stub, and the build until its tracker exists):
 * with its time, in `q`, at most MAX_CALLS of them (the oldest dropped first, never an
 * init: `lost()` counts them). Returns what the method returns: a promise settled when the
 * call is replayed, for `on` an unsubscribe that works before and after the replay.
 */
/**
 * `on`'s unsubscribe on a kept call: the real one once replayed (page.ts puts it in c[4]);
 * before that it marks the call (any function: `String`, whose call does nothing), so the
 * replay unsubscribes at once.
 */
export const unsubscribe = (c: Call) => () => void (c[4] ||= String)()

export function keep(q: Call[], m: string, args: unknown[], lost: () => void): unknown {
  const c: Call = [m, args, Date.now()]
  if (q.push(c) > MAX_CALLS && q.splice(+(q[0]![0] == 'init'), 1)) lost()
  const i = METHODS.indexOf(m)
  return i == ON ? unsubscribe(c) : i > ON ? new Promise((r) => (c[3] = r)) : undefined
}
