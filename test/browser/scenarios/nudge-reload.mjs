// A dismissed nudge stays dismissed across a reload: a page with one always-eligible banner
// nudge gets the decision on load (its page view starts the journey), shows it, and the
// customer dismisses it; then the page is reloaded. After the reload the page sends a page
// view and tracks an event (two decision rounds that would offer the nudge again, as the
// first load did within a second): for 3 s after the stored state is back no decision may
// come, and dp.journey().nudges must give the reason (exited / snoozed). The collector
// must hold one Nudge Shown and one Nudge Dismissed (one copy, one messageId each), with
// the right action. Three ways to dismiss, one per run, each in a fresh browser profile:
//   exit    headless: dismissed({ snooze: false }), overriding the definition's snooze
//   snooze  headless: dismissed({ snooze: 'P30D' }), a long snooze
//   render  the default renderer (IIFE build): a real click on its × button, no dismiss
//           setting: dismissed for good
import { settle, waitFor, watch } from './helpers.mjs'
import { collectorCount, journeyWith, must, nudgeEvents, nudgeState, nudgeUrl, statusOf } from './nudge-common.mjs'
import { endChecks, failure } from './journey-common.mjs'

const MODES = [
  { mode: 'exit', reason: 'exited', action: 'exit', dismiss: { snooze: 'P1D' } },
  { mode: 'snooze', reason: 'snoozed', action: 'snooze' },
  { mode: 'render', reason: 'exited', action: 'exit' },
]
const HOLD = 3_000
const TITLE = 'Finish setting up your workspace'

export default async function nudgeReload(env) {
  const runs = []
  for (let run = 0; run < MODES.length; run++) runs.push(await once(env, run, MODES[run]))
  const passed = runs.filter((r) => !r.failures.length).length
  const failures = runs.flatMap((r) => r.failures.map((f) => `run ${r.run} (${r.mode}): ${f}`))
  const fmt = (r) => `${r.mode}: ${r.reasonAfterReload ?? '-'} ${r.shown ?? '-'}/${r.dismissed ?? '-'}`
  return {
    name: 'dismissed nudge after a reload',
    ok: passed === runs.length,
    details: {
      summary:
        `${passed}/${runs.length} runs ok [mode: reason after reload, Nudge Shown/Dismissed copies: ${runs.map(fmt).join('; ')}]; ` +
        `first offer ${runs.map((r) => r.offerMs ?? '-').join('/')} ms after load, then ${runs.map((r) => r.decisionsAfterReload ?? '-').join('/')} decisions ` +
        `in ${HOLD / 1000} s after the reload (state back in ${runs.map((r) => r.reloadStatusMs ?? '-').join('/')} ms)`,
      failures,
      runs,
    },
  }
}

async function once(env, run, m) {
  const c = await env.collector()
  const { context, close } = await env.launch()
  const failures = []
  const fail = (msg) => failures.push(msg)
  const r = { run, mode: m.mode, failures }
  let w
  try {
    const nudge = { id: 'setup', trigger: { rule: { all: [] } }, slot: 'banner', content: { title: TITLE, body: 'Two steps left.' }, ...(m.dismiss && { dismiss: m.dismiss }) }
    const url = nudgeUrl(c, `nudge-reload-${env.seed}-${run}`, journeyWith('nudge-reload', [nudge]), m.mode == 'render' ? { render: '1' } : {})
    const page = await context.newPage()
    w = watch(page)
    const t0 = Date.now()
    await page.goto(url)
    const created = await page.evaluate(() => window.__dp.createError)
    await must(!created, `createTracker threw: ${created}`)
    const anon = await page.evaluate(() => window.dp.anonymousId)

    const firstAt = await waitFor(() => page.evaluate(() => window.__nudge.firstAt), { timeout: 8_000, interval: 20 })
    await must(firstAt, async () => `no decision on the first load within 8 s: ${JSON.stringify(await nudgeState(page))}`)
    r.offerMs = firstAt - t0
    if (m.mode == 'render') {
      const box = page.locator('.dp.banner')
      await must(
        await box
          .getByText(TITLE)
          .waitFor({ timeout: 5_000 })
          .then(() => true, () => false),
        'the renderer never showed the banner',
      )
    }
    await must(await collectorCount(c, 'Nudge Shown', 1, nudge.id), 'the collector never got Nudge Shown')

    // dismiss
    if (m.mode == 'render') {
      await page.locator('.dp.banner .x').click({ timeout: 5_000 })
      const gone = await waitFor(() => page.evaluate(() => window.__dpInspect().boxes.length === 0), { timeout: 3_000 })
      if (!gone) fail('the banner is still there after a click on its ×')
    } else
      await page.evaluate((snooze) => window.__nudge.byId.setup.dismissed({ snooze }), m.mode == 'exit' ? false : 'P30D')
    await must(await collectorCount(c, 'Nudge Dismissed', 1, nudge.id), 'the collector never got Nudge Dismissed')
    const before = await statusOf(page, nudge.id, (s) => s.reason === m.reason, 3_000)
    if (!before) fail(`before the reload dp.journey().nudges is ${JSON.stringify((await nudgeState(page)).status)} (want reason ${m.reason})`)
    await settle(c, { quiet: 300 })
    r.beforeReload = await nudgeState(page)

    // reload: the stored memory must hold the nudge back
    const t1 = Date.now()
    await page.reload({ waitUntil: 'load' })
    const st = await statusOf(page, nudge.id, (s) => !!s.reason)
    r.reloadStatusMs = Date.now() - t1
    r.reasonAfterReload = st?.reason ?? null
    await must(st, async () => `after the reload dp.journey().nudges never gave a reason: ${JSON.stringify(await nudgeState(page))}`)
    if (st.reason !== m.reason || !st.eligible || st.shows !== 1) fail(`after the reload the status is ${JSON.stringify(st)} (want eligible, reason ${m.reason}, shows 1)`)
    const statusAt = Date.now()
    const polled = c.accepted.filter((e) => e.event === 'Poked').length
    await page.evaluate(() => window.dp.track('Poked', { after: 'reload' }))
    if (!(await collectorCount(c, 'Poked', polled + 1))) fail('the collector never got the Poked tracked after the reload')
    // hold: no decision may come (checked all along, so a late one is seen as soon as it comes)
    const offered = await waitFor(() => page.evaluate(() => window.__nudge.decisions.length > 0), { timeout: Math.max(0, statusAt + HOLD - Date.now()), interval: 50 })
    const after = (r.afterReload = await nudgeState(page))
    r.decisionsAfterReload = after.decisions.length
    if (offered || after.decisions.length) fail(`offered again after the reload: ${JSON.stringify(after.decisions)}`)
    const last = after.status.find((s) => s.id === nudge.id)
    if (last?.reason !== m.reason) fail(`at the end the status is ${JSON.stringify(last)} (want reason ${m.reason})`)
    if (m.mode == 'render') {
      const seen = await page.evaluate(() => window.__dpInspect())
      if (seen.boxes.length) fail(`the renderer shows ${seen.boxes.length} nudge(s) after the reload`)
    }
    for (const [k, n] of Object.entries({ ...r.beforeReload.codes, ...after.codes })) fail(`onError ${k} x${n}: ${[...r.beforeReload.messages, ...after.messages].slice(0, 3).join(' | ')}`)
    await settle(c, { quiet: 300 })

    const shown = nudgeEvents(c, 'Nudge Shown')
    const dismissed = nudgeEvents(c, 'Nudge Dismissed')
    r.shown = shown.copies
    r.dismissed = dismissed.copies
    if (shown.copies !== 1 || shown.unique !== 1) fail(`Nudge Shown accepted ${shown.copies} times under ${shown.unique} messageIds (want 1)`)
    if (dismissed.copies !== 1 || dismissed.unique !== 1) fail(`Nudge Dismissed accepted ${dismissed.copies} times under ${dismissed.unique} messageIds (want 1)`)
    const d = dismissed.events[0]
    r.dismissedProps = d?.properties
    if (d && (d.properties?.action !== m.action || d.properties?.show !== 1 || d.anonymousId !== anon)) fail(`Nudge Dismissed: ${JSON.stringify(d.properties)} (want action ${m.action}, show 1)`)
    if (d && m.action == 'snooze') {
      const days = (Date.parse(d.properties?.until) - Date.parse(d.timestamp)) / 864e5
      if (!(days > 29.9 && days < 30.1)) fail(`snoozed until ${d.properties?.until}, ${days} days after the dismissal (want 30)`)
    }
    const other = c.accepted.filter((e) => /^Nudge /.test(e.event) && !['Nudge Shown', 'Nudge Dismissed', 'Nudge Eligible'].includes(e.event))
    if (other.length) fail(`unexpected nudge events: ${other.map((e) => e.event).join(', ')}`)
    if (nudgeEvents(c, 'Nudge Eligible').copies !== 1) fail(`Nudge Eligible accepted ${nudgeEvents(c, 'Nudge Eligible').copies} times (want 1)`)
  } catch (e) {
    fail(failure(e))
  } finally {
    await close()
    await c.close()
  }
  endChecks(r, fail, c, w ? [w] : [])
  return r
}
