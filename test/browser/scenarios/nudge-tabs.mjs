// A nudge in two tabs is shown once: two pages of one origin (one context: one IndexedDB
// journey state and nudge memory) load the same journey at the same time, with one nudge
// that is always eligible (trigger `{ all: [] }`) once the journey starts (each page sends a
// page view on load). Each page's dp.on('nudge') handler calls shown() at once. Exactly one
// tab may get the decision, and the collector exactly one `Nudge Shown` (one copy, one
// messageId) and one `Nudge Eligible`. Both tabs then track an event (a new decision round
// in each), again once the 5 s ACK window of the offer is over: still one decision, one
// show, and both tabs' dp.journey().nudges say it is showing, shown once. 3 runs, each in a
// fresh browser profile with its own collector. Two first loads at once may each make an
// anonymousId; the tabs must then agree on the stored one within a second (storage events).
import { settle, sleep, waitFor, watch } from './helpers.mjs'
import { collectorCount, journeyWith, must, nudgeEvents, nudgeState, nudgeUrl } from './nudge-common.mjs'
import { endChecks, failure } from './journey-common.mjs'

const RUNS = 3
const NUDGE = { id: 'welcome', trigger: { rule: { all: [] } }, slot: 'popover', content: { title: 'Welcome back', body: 'Pick up where you left off.' } }

export default async function nudgeTabs(env) {
  const runs = []
  for (let run = 0; run < RUNS; run++) runs.push(await once(env, run))
  const passed = runs.filter((r) => !r.failures.length).length
  const failures = runs.flatMap((r) => r.failures.map((f) => `run ${r.run}: ${f}`))
  const fmt = (r) => `${r.decisions.A ?? '-'}+${r.decisions.B ?? '-'}/${r.shown ? `${r.shown.copies}x${r.shown.unique}` : '-'}`
  return {
    name: 'nudge in two tabs',
    ok: passed === RUNS,
    details: {
      summary:
        `${passed}/${RUNS} runs ok [decisions A+B / Nudge Shown copies x messageIds: ${runs.map(fmt).join(' ')}]; ` +
        `shown by tab ${runs.map((r) => r.winner ?? '-').join('/')}, offered ${runs.map((r) => r.offerMs ?? '-').join('/')} ms after the loads; ` +
        `${runs.reduce((n, r) => n + (r.rounds || 0), 0)} later decision rounds (2 per tab per run, one past the ACK window) offered nothing more` +
        `; anonymousIds raced at load in ${runs.filter((r) => r.anonymousIdsDiffer).length} run(s), the tabs agreed in all`,
      failures,
      runs,
    },
  }
}

const decisionsOf = (page) => page.evaluate(() => (window.__nudge?.decisions || []).length)

async function once(env, run) {
  const c = await env.collector()
  const { context, close } = await env.launch()
  const failures = []
  const fail = (m) => failures.push(m)
  const r = { run, failures, decisions: {}, rounds: 0 }
  const watches = []
  try {
    const url = nudgeUrl(c, `nudge-tabs-${env.seed}-${run}`, journeyWith('nudge-tabs', [NUDGE]))
    const a = await context.newPage()
    const b = await context.newPage()
    watches.push(watch(a), watch(b))
    // both load at once: their first decision rounds race for the one nudge
    const t0 = Date.now()
    await Promise.all([a.goto(url), b.goto(url)])
    for (const p of [a, b]) {
      const created = await p.evaluate(() => window.__dp.createError)
      await must(!created, `createTracker threw: ${created}`)
    }
    // both tabs visible (as in headless Chromium): both may be offered the nudge, so they race
    r.visibility = await Promise.all([a, b].map((p) => p.evaluate(() => document.visibilityState)))
    // Two first loads at once on a fresh profile may each make an anonymousId (the read and
    // write of localStorage are not atomic across tabs); the storage event makes the tabs
    // take the stored one.
    const idsOf = () => Promise.all([a, b].map((p) => p.evaluate(() => window.dp.anonymousId)))
    let anons = await idsOf()
    const initial = anons.slice()
    r.anonymousIdsDiffer = anons[0] !== anons[1]
    const agreed = await waitFor(async () => ((anons = await idsOf()), anons[0] === anons[1]), { timeout: 1_000, interval: 20 })
    if (!agreed) fail(`the tabs disagree on the anonymousId: ${anons.join(' vs ')}`)

    const got = await waitFor(async () => (await decisionsOf(a)) + (await decisionsOf(b)) > 0, { timeout: 8_000, interval: 20 })
    await must(got, async () => `no tab got a decision within 8 s: ${JSON.stringify([await nudgeState(a), await nudgeState(b)])}`)
    const firstAt = Math.min(...(await Promise.all([a, b].map((p) => p.evaluate(() => window.__nudge.firstAt ?? Infinity)))))
    r.offerMs = Math.max(0, firstAt - t0)
    await must(await collectorCount(c, 'Nudge Shown', 1), 'the collector never got a Nudge Shown')

    // New decision rounds in both tabs: now, and once the offer's ACK window is over.
    for (const [round, at] of [
      [1, 0],
      [2, 5_500],
    ]) {
      const wait = firstAt + at - Date.now()
      if (wait > 0) await sleep(wait)
      const before = c.accepted.filter((e) => e.event === 'Poked').length
      await Promise.all([a, b].map((p, i) => p.evaluate(([round, tab]) => window.dp.track('Poked', { round, tab }), [round, 'AB'[i]])))
      r.rounds += 2
      await must(await collectorCount(c, 'Poked', before + 2), `round ${round}: the collector never got both tabs' Poked`)
      // each Poked is folded (a decision round) before it is sent; give a late offer time to show
      await sleep(700)
    }
    await settle(c, { quiet: 400 })

    const sa = (r.tabA = await nudgeState(a))
    const sb = (r.tabB = await nudgeState(b))
    r.decisions = { A: sa.decisions.length, B: sb.decisions.length }
    const total = sa.decisions.length + sb.decisions.length
    if (total !== 1) fail(`${total} decisions in all (A ${sa.decisions.length}, B ${sb.decisions.length}), want exactly 1`)
    r.winner = sa.decisions.length ? (sb.decisions.length ? 'both' : 'A') : sb.decisions.length ? 'B' : null
    for (const [name, s] of [
      ['A', sa],
      ['B', sb],
    ]) {
      const st = s.status.find((x) => x.id === NUDGE.id)
      if (!st || !st.eligible || !st.showing || st.shows !== 1 || st.arm !== 'treatment')
        fail(`tab ${name}'s dp.journey().nudges: ${JSON.stringify(s.status)} (want welcome eligible, showing, shown once)`)
      if (Object.keys(s.codes).length) fail(`tab ${name} onError: ${JSON.stringify(s.codes)} ${s.messages.slice(0, 3).join(' | ')}`)
    }
    const shown = (r.shown = nudgeEvents(c, 'Nudge Shown'))
    if (shown.copies !== 1 || shown.unique !== 1) fail(`Nudge Shown accepted ${shown.copies} times under ${shown.unique} messageIds (want 1 / 1)`)
    const ev = shown.events[0]
    if (ev && (ev.properties?.nudge !== NUDGE.id || ev.properties?.show !== 1 || ev.properties?.slot !== 'popover' || ![...initial, ...anons].includes(ev.anonymousId)))
      fail(`Nudge Shown: ${JSON.stringify({ anonymousId: ev.anonymousId, properties: ev.properties })}`)
    const eligible = (r.eligible = nudgeEvents(c, 'Nudge Eligible'))
    if (eligible.copies !== 1 || eligible.unique !== 1) fail(`Nudge Eligible accepted ${eligible.copies} times under ${eligible.unique} messageIds (want 1 / 1)`)
    const other = c.accepted.filter((e) => /^Nudge /.test(e.event) && !['Nudge Shown', 'Nudge Eligible'].includes(e.event))
    if (other.length) fail(`unexpected nudge events: ${other.map((e) => e.event).join(', ')}`)
  } catch (e) {
    fail(failure(e))
  } finally {
    await close()
    await c.close()
  }
  endChecks(r, fail, c, watches)
  return r
}
