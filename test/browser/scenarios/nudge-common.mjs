// Shared bits of the nudge scenarios (not a scenario itself; not registered in run.mjs).
import { pageUrl, tally, waitFor } from './helpers.mjs'

/** The strict policy of the CSP pages: same-origin files only, no inline anything, Trusted Types for scripts. */
export const CSP = "default-src 'self'; require-trusted-types-for 'script'"

/** The nudge events of the collector: accepted copies, distinct messageIds and per-nudge counts. */
export function nudgeEvents(c, name, filter = () => true) {
  const mine = (e) => e.event === name && filter(e)
  const events = c.accepted.filter(mine)
  const byNudge = {}
  for (const e of events) byNudge[e.properties?.nudge] = (byNudge[e.properties?.nudge] || 0) + 1
  const t = tally(c.accepted, mine)
  return { copies: events.length, unique: t.unique, resent: t.resent, byNudge, events }
}

/** A one-stage journey (everyone is a visitor) with these nudges. */
export const journeyWith = (id, nudges, policy) => ({
  id,
  version: '1.0',
  stages: [{ id: 'visitor', entry: { all: [] } }],
  nudges,
  ...(policy && { policy }),
})

/** Tracker options for the nudge pages (?j=): fast flushes to this collector. */
export const trackerOptions = (c, storageKey, journey) => ({
  endpoint: c.endpoint,
  storageKey,
  flushInterval: 200,
  retryBase: 100,
  retryMax: 1000,
  requestTimeout: 5000,
  journey,
})

export const nudgeUrl = (c, storageKey, journey, params = {}) => pageUrl(c.origin, 'nudge.html', { j: trackerOptions(c, storageKey, journey), ...params })

/** What a tab knows about nudges: its decisions, dp.journey().nudges, onError codes, CSP reports, canary. */
export const nudgeState = (page) =>
  page.evaluate(() => ({
    decisions: (window.__nudge?.decisions || []).map((d) => ({ ...d })),
    firstAt: window.__nudge?.firstAt ?? null,
    createdAt: window.__createdAt ?? null,
    status: (window.dp?.journey?.()?.nudges || []).map((s) => ({ ...s })),
    stage: window.dp?.journey?.()?.stage ?? null,
    codes: { ...(window.__dp?.codes || {}) },
    messages: (window.__dp?.messages || []).slice(),
    createError: window.__dp?.createError ?? null,
    violations: (window.__violations || []).slice(),
    pwned: window.__pwnedCount ?? 0,
  }))

/** Polls until `dp.journey().nudges` has a status for `id` that passes `pred` (returned), or null. */
export const statusOf = (page, id, pred = () => true, timeout = 8_000) =>
  waitFor(
    async () => {
      const s = await page.evaluate((id) => (window.dp?.journey?.()?.nudges || []).find((x) => x.id === id) ?? null, id)
      return s && pred(s) ? s : false
    },
    { timeout, interval: 25 },
  ).then((s) => s || null)

/** Polls until the collector accepted `n` events named `name` (of nudge `id` if given). */
export const collectorCount = (c, name, n, id, timeout = 8_000) =>
  waitFor(() => c.accepted.filter((e) => e.event === name && (!id || e.properties?.nudge === id)).length >= n, { timeout }).then(Boolean)

/**
 * Console lines of a page that are CSP or Trusted Types reports (Chromium logs "Refused to …"
 * and "This document requires 'TrustedScript' assignment" as errors), or canary calls.
 */
export function watchSecurity(page) {
  const s = { csp: [], pwned: [], dialogs: [] }
  page.on('console', (m) => {
    const t = m.text()
    if (t.startsWith('[dp-csp]') || /Content Security Policy|Trusted ?Type|Refused to/i.test(t)) s.csp.push(t.slice(0, 300))
    if (t.startsWith('[dp-pwned]')) s.pwned.push(t.slice(0, 200))
  })
  page.on('dialog', (d) => {
    s.dialogs.push(`${d.type()}: ${d.message().slice(0, 100)}`)
    d.dismiss().catch(() => {})
  })
  return s
}

export { must } from './journey-common.mjs'
