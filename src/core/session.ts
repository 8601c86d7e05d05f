import type { Env, Session } from './env.js'
import { read, write } from './local.js'
import { CAMPAIGN } from './redact.js'

// The session, shared by the origin's tabs in localStorage (`:session`): its id is the time
// it started (ms, as Amplitude's session_id), unique per anonymousId. It ends after
// `sessionTimeout` without activity (an event captured in any tab), or, with
// `sessionMidnight`, at local midnight. Its campaign (UTM and click ids of the URL it
// started on, or of a later URL that carries them) is kept for the session.

/** Segment's names for the UTM parameters; click ids keep theirs. */
const NAMES: Record<string, string> = { utm_campaign: 'name', utm_source: 'source', utm_medium: 'medium', utm_term: 'term', utm_content: 'content' }
/** The stored copy's last activity is refreshed at most this often (a localStorage write per event is not free). */
const WRITE_EVERY = 5000

const over = (e: Env, s: Session | undefined, t: number) =>
  !s || t - s.l > e.sessionTimeout || (!!e._o.sessionMidnight && new Date(s.l).toDateString() != new Date(t).toDateString())

/** The campaign parameters of `search`, in Segment's names; undefined without any. */
const campaign = (search: string) => {
  let c: Record<string, string> | undefined
  for (const [k, v] of new URLSearchParams(search)) if (CAMPAIGN.test(k)) (c ||= {})[NAMES[k] || k] = v.slice(0, 200)
  return c
}

/**
 * The session of an event at `t`; activity (not a derived event, `quiet`) extends it, or
 * starts a new one when it is over, after a look at what another tab stored.
 */
export function session(e: Env, t: number, quiet?: unknown): Session {
  let s = e._ses
  if (over(e, s, t) && !quiet) {
    s = read<Session>(e, ':session')
    if (over(e, s, t)) s = { id: t, l: t, w: 0 }
  }
  s ||= { id: t, l: t, w: 0 }
  const href = e.$loc.href
  if (!quiet) {
    if (href != e._href || s != e._ses) s.c = campaign(e.$loc.search) || s.c
    if (t > s.l) s.l = t
    if (s.l - s.w >= WRITE_EVERY || s != e._ses) {
      s.w = s.l
      write(e, ':session', s)
    }
    e._href = href
  }
  return (e._ses = s)
}
