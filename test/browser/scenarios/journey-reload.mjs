// Journey stage survives a reload: a page with a 3-stage journey (visitor → signup →
// activated) tracks `Signed Up`; once the tab is at signup and the collector has its
// `Journey Stage Entered`, the page is reloaded (page.reload). After the load the stage must
// be signup again (the state from IndexedDB, never visitor) with nothing tracked and nothing
// sent; then `Project Created` moves it to activated. In the end the collector must hold
// exactly one Journey Stage Entered per transition (→ visitor, → signup, → activated: none
// twice by messageId, no two with the same `to`), the customer's own events once each, and
// the page no uncaught error. 3 runs, each in a fresh browser context with its own collector.
import { settle, sleep, tally, waitFor, watch } from './helpers.mjs'
import { JSE, arrows, collectorHas, exactlyOnce, firstLoad, journeyEvents, journeyUrl, must, stageIs, tabState, endChecks, failure } from './journey-common.mjs'

const RUNS = 3

export default async function journeyReload(env) {
  const runs = []
  for (let run = 0; run < RUNS; run++) runs.push(await once(env, run))
  const passed = runs.filter((r) => !r.failures.length).length
  const failures = runs.flatMap((r) => r.failures.map((f) => `run ${r.run}: ${f}`))
  // Different customers (fresh profiles) must never share a derived messageId: a collector
  // that dedupes by messageId would drop all but the first customer's.
  const owners = new Map()
  for (const r of runs) for (const [id, anon] of r.jseIds) owners.set(id, (owners.get(id) || new Set()).add(anon))
  const shared = [...owners].filter(([, a]) => a.size > 1).map(([id, a]) => `${id} (${a.size} customers)`)
  if (shared.length) failures.push(`${JSE} messageIds shared by different customers: ${shared.join(', ')}`)
  const fmt = (r) => `${r.stageAfterReload ?? '-'}/${r.jse.copies}x${r.jse.unique}`
  return {
    name: 'journey survives a reload',
    ok: passed === RUNS && !shared.length,
    details: {
      summary:
        `${passed}/${RUNS} runs ok [stage after reload / ${JSE} copies x messageIds: ${runs.map(fmt).join(' ')}]; ` +
        `${runs.reduce((n, r) => n + r.sentAfterReload, 0)} events sent between reload and next track; ` +
        `signup in ${runs.map((r) => r.signupMs ?? '-').join('/')} ms, stage back ${runs.map((r) => r.reloadStageMs ?? '-').join('/')} ms after reload; ` +
        `${owners.size} distinct messageIds over ${runs.length} customers`,
      failures,
      sharedAcrossCustomers: shared,
      runs: runs.map(({ jseIds, ...r }) => ({ ...r, jseIds: Object.fromEntries(jseIds) })),
    },
  }
}

async function once(env, run) {
  const c = await env.collector()
  const { context, close } = await env.launch()
  const failures = []
  const fail = (m) => failures.push(m)
  const r = { run, failures, stageAfterReload: null, sentAfterReload: 0, signupMs: null, reloadStageMs: null, jseIds: new Map() }
  let w
  try {
    const page = await context.newPage()
    w = watch(page)
    await page.goto(journeyUrl(c, `journey-reload-${env.seed}-${run}`))
    const created = await page.evaluate(() => window.__dp.createError)
    await must(!created, `createTracker threw: ${created}`)
    const anon = await page.evaluate(() => window.dp.anonymousId)
    await firstLoad(page)

    const t0 = Date.now()
    await page.evaluate(() => window.dp.track('Signed Up', { plan: 'free' }))
    await must(await stageIs(page, 'signup'), async () => `never at signup after Signed Up: ${JSON.stringify(await tabState(page))}`)
    await must(await collectorHas(c, 'signup', anon), `collector never got ${JSE} → signup`)
    r.signupMs = Date.now() - t0
    await settle(c, { quiet: 300 })
    const beforeReload = (r.beforeReload = await tabState(page))
    if (arrows(beforeReload.heard).join(' ') !== 'null>visitor visitor>signup') fail(`before the reload the tab heard ${arrows(beforeReload.heard).join(', ') || 'nothing'}`)

    // The reload: the stored state must come back as signup, with nothing new tracked or sent.
    const acceptedBefore = c.accepted.length
    const requestsBefore = c.requests.length
    const t1 = Date.now()
    await page.reload({ waitUntil: 'load' })
    const back = await waitFor(() => page.evaluate(() => window.dp?.journey?.()?.stage ?? null), { timeout: 8_000, interval: 10 })
    r.reloadStageMs = Date.now() - t1
    r.stageAfterReload = back || null
    await must(back === 'signup', `after the reload dp.journey().stage is ${back === false ? 'still null after 8 s' : back} (want signup)`)
    // let the load's flush and tick run, then look again
    await sleep(600)
    await settle(c, { quiet: 400 })
    const afterReload = await tabState(page)
    const seen = await page.evaluate(() => window.__seen.slice())
    r.afterReload = { ...afterReload, seen }
    if (seen.some((s) => s !== null && s !== 'signup')) fail(`after the reload dp.journey().stage went ${seen.join(' → ')}`)
    if (afterReload.stage !== 'signup') fail(`after the reload settled the stage is ${afterReload.stage}`)
    if (afterReload.heard.length) fail(`after the reload the tab heard stage changes: ${arrows(afterReload.heard).join(', ')}`)
    if (afterReload.history.join(' ') !== 'null>visitor visitor>signup') fail(`history after the reload: ${afterReload.history.join(', ')}`)
    const newEvents = c.accepted.slice(acceptedBefore)
    r.sentAfterReload = newEvents.length
    r.requestsAfterReload = c.requests.length - requestsBefore
    if (newEvents.length) fail(`the reload sent ${newEvents.length} event(s) without any track: ${newEvents.map((e) => `${e.event}${e.event === JSE ? ' → ' + e.properties?.to : ''}`).join(', ')}`)

    // Next stage, from the reloaded page.
    await page.evaluate(() => window.dp.track('Project Created', { name: 'first' }))
    await must(await stageIs(page, 'activated'), async () => `never at activated after Project Created: ${JSON.stringify(await tabState(page))}`)
    await must(await collectorHas(c, 'activated', anon), `collector never got ${JSE} → activated`)
    await settle(c, { quiet: 400 })
    const end = (r.end = await tabState(page))
    if (arrows(end.heard).join(' ') !== 'signup>activated') fail(`after the reload the tab heard ${arrows(end.heard).join(', ') || 'nothing'} (want signup>activated)`)
    if (end.history.join(' ') !== 'null>visitor visitor>signup signup>activated') fail(`final history: ${end.history.join(', ')}`)

    // Closing the page (pagehide) must not resend anything.
    const dupesBeforeClose = c.dupes()
    await page.close()
    await settle(c, { quiet: 400 })
    if (c.dupes() > dupesBeforeClose) fail(`${c.dupes() - dupesBeforeClose} duplicate(s) sent when the page closed`)

    for (const f of exactlyOnce(journeyEvents(c, anon), ['visitor', 'signup', 'activated'])) fail(f)
    for (const name of ['Signed Up', 'Project Created']) {
      const t = tally(c.accepted, (e) => e.event === name)
      if (t.unique !== 1 || t.resent) fail(`${name} accepted under ${t.unique} messageId(s), ${t.resent} resent`)
    }
    const others = c.accepted.filter((e) => ![JSE, 'Signed Up', 'Project Created'].includes(e.event))
    if (others.length) fail(`unexpected events: ${others.map((e) => e.event || e.type).join(', ')}`)
    if (c.accepted.some((e) => e.anonymousId !== anon)) fail(`events of another anonymousId: ${[...new Set(c.accepted.map((e) => e.anonymousId))].join(', ')}`)
    const codes = { ...beforeReload.codes }
    for (const [k, n] of Object.entries(end.codes)) codes[k] = (codes[k] || 0) + n
    r.errorCodes = codes
    if (Object.keys(codes).length) fail(`onError: ${JSON.stringify(codes)} ${[...beforeReload.messages, ...end.messages].slice(0, 3).join(' | ')}`)
  } catch (e) {
    fail(failure(e))
  } finally {
    await close()
    await c.close()
  }
  r.jse = journeyEvents(c)
  endChecks(r, fail, c, w ? [w] : [])
  for (const e of c.accepted) if (e.event === JSE) r.jseIds.set(e.messageId, e.anonymousId)
  return r
}
