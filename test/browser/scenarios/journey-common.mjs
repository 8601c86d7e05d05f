// Shared bits of the journey scenarios (not a scenario itself; not registered in run.mjs).
import { pageUrl, tally, waitFor } from './helpers.mjs'

export const JSE = 'Journey Stage Entered'

/** Three stages: everyone is a visitor, `Signed Up` → signup, `Project Created` → activated. */
export const DEFINITION = {
  id: 'onboarding',
  version: '1.0',
  stages: [
    { id: 'visitor', entry: { all: [] } },
    { id: 'signup', entry: { event: { name: 'Signed Up' } } },
    { id: 'activated', entry: { event: { name: 'Project Created' } } },
  ],
}

/** journey.html with a tracker of this journey (options in ?j=, not ?o=: journey.js makes it). */
export const journeyUrl = (c, storageKey) =>
  pageUrl(c.origin, 'journey.html', {
    j: { endpoint: c.endpoint, storageKey, flushInterval: 200, retryBase: 100, retryMax: 1000, requestTimeout: 5000, journey: DEFINITION },
  })

/** What a tab knows: dp.journey(), the stage changes it heard, onError codes, create error. */
export const tabState = (page) =>
  page.evaluate(() => {
    const j = window.dp?.journey?.() ?? null
    return {
      stage: j?.stage ?? null,
      history: (j?.history || []).map((t) => `${t.from}>${t.to}`),
      heard: (window.__stages || []).map((c) => ({ ...c })),
      codes: { ...(window.__dp?.codes || {}) },
      messages: (window.__dp?.messages || []).slice(),
      createError: window.__dp?.createError ?? null,
      sent: window.__dp?.sent ?? 0,
    }
  })

/** Polls until the tab's dp.journey().stage is `stage` (true) or `timeout` ms pass (false). */
export const stageIs = (page, stage, timeout = 8_000) =>
  waitFor(() => page.evaluate((s) => window.dp?.journey?.()?.stage === s, stage), { timeout, interval: 25 }).then(Boolean)

/** `from>to` of stage changes heard, for messages. */
export const arrows = (heard) => heard.map((c) => `${c.from}>${c.to}`)

/** The collector's view of the Journey Stage Entered events of one customer (anonymousId). */
export function journeyEvents(c, anonymousId) {
  const mine = (e) => e.event === JSE && (!anonymousId || e.anonymousId === anonymousId)
  const events = c.accepted.filter(mine)
  const byTo = {}
  for (const e of events) byTo[e.properties?.to] = (byTo[e.properties?.to] || 0) + 1
  const t = tally(c.accepted, mine)
  return { copies: events.length, unique: t.unique, resent: t.resent, byTo, ids: events.map((e) => `${e.properties?.from}>${e.properties?.to} ${e.messageId}`) }
}

/** Failures for "exactly one Journey Stage Entered per expected transition". */
export function exactlyOnce(j, expected) {
  const f = []
  for (const to of expected) if ((j.byTo[to] || 0) !== 1) f.push(`${JSE} → ${to} accepted ${j.byTo[to] || 0} times (want 1)`)
  for (const to of Object.keys(j.byTo)) if (!expected.includes(to)) f.push(`unexpected ${JSE} → ${to} (${j.byTo[to]}x)`)
  if (j.resent) f.push(`${j.resent} ${JSE} messageIds accepted more than once`)
  if (j.unique !== j.copies) f.push(`${j.copies} ${JSE} copies for ${j.unique} messageIds`)
  return f
}

/** Waits until the collector has a Journey Stage Entered → `to` (of `anonymousId` if given). */
export const collectorHas = (c, to, anonymousId, timeout = 8_000) =>
  waitFor(() => c.accepted.some((e) => e.event === JSE && e.properties?.to === to && (!anonymousId || e.anonymousId === anonymousId)), { timeout }).then(Boolean)

/**
 * A fresh page's journey: the tracker loads the stored state (none yet), and the journey
 * starts with the customer's first event (an SDK that entered `visitor` on the load's tick
 * would be there now). Waits for the load to be over either way: visitor, or 400 ms.
 */
export const firstLoad = (page) => stageIs(page, 'visitor', 400)

/** Thrown by `must` to end a run at the first step that failed (the rest would only wait). */
export class Abort extends Error {}
/** `ok`, or a failure that ends the run (the caller's catch records it); `message` may be an async function. */
export const must = async (ok, message) => {
  if (!ok) throw new Abort(typeof message == 'function' ? await message() : message)
}

/** What failed a run's body, for its failures: an Abort's message, else the error's first lines. */
export const failure = (e) => (e instanceof Abort ? e.message : String(e?.stack || e).split('\n').slice(0, 3).join(' '))

/**
 * The checks every run ends with, once its pages are closed: no page errors or unhandled
 * rejections in `watches` (see helpers.mjs watch), console errors kept (those `keep` lets
 * through) for the report, and no event accepted twice by collector `c`.
 */
export function endChecks(r, fail, c, watches, keep = () => true) {
  const errors = watches.flatMap((w) => [...w.pageErrors, ...w.rejections])
  if (errors.length) fail(`page errors: ${errors.slice(0, 3).join(' | ')}`)
  r.pageErrors = errors
  r.consoleErrors = watches.flatMap((w) => w.consoleErrors.filter(keep)).slice(0, 10)
  if (c.dupes()) fail(`${c.dupes()} duplicate events accepted in all`)
}
