import type { JsonValue, Properties } from '../lib/json.js'
import type { Env, User } from './env.js'
import { stringify } from './event.js'
import { read, write } from './local.js'

// The identity (anonymousId, userId, traits), in localStorage (`:user`) so that it survives
// reloads and the origin's tabs share it. Read at first use, not in createTracker(): a
// page's first localStorage access loads its storage synchronously (1-8 ms in Chromium),
// which a page that uses localStorage anyway pays once, and the others at their first event.

const set = (e: Env, u: User) => write(e, ':user', (e._user = u))

/** The identity, read (or made and stored) at first use. */
export const me = (e: Env): User => {
  if (!e._user?.a) e._user = read<User>(e, ':user')
  if (!e._user?.a) set(e, { a: e._id() })
  return e._user!
}

/** Ties later events to `u`; `traits` merge over the earlier ones of the same user; returns them. */
export const identify = (e: Env, u: string, traits: Properties | undefined): Record<string, JsonValue> => {
  const was = me(e)
  const t = { ...(was.u == u && was.t), ...JSON.parse(stringify(traits || {}, e.maxStringLength, new Set())) }
  set(e, { ...was, u, t })
  return t
}

/** Forgets the user, with a new anonymousId; the next event starts a new session. */
export const reset = (e: Env) => {
  set(e, { a: e._id() })
  write(e, ':session', (e._ses = undefined))
}

/**
 * The `storage` event (but consent's). Another tab wrote the identity (two tabs of a fresh
 * profile loading together, an identify or a reset there) or the session: take what is
 * stored, so the origin's tabs agree. A clear() elsewhere: keep ours, stored again.
 */
export const storageChanged = (e: Env, ev: StorageEvent) => {
  const k = ev.key
  if (k == e.$key + ':session') e._ses = read(e, ':session')
  if (k != null && k != e.$key + ':user') return
  const u = read<User>(e, ':user')
  if (u?.a) e._user = u
  else if (e._user) set(e, e._user)
}
