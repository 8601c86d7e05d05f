// Two tabs, one transition, emitted once: two pages of one origin (one context: one
// IndexedDB journey state, one BroadcastChannel), both with the journey tracker and a
// `stage` listener. Tab A tracks `Signed Up`: both tabs must hear visitor→signup (B without
// tracking anything and without a reload) and both report stage signup. Tab B tracks
// `Project Created`: both hear signup→activated, with the same time and cause. The collector
// must get each Journey Stage Entered exactly once (by `to` and by messageId), also after
// tab A and then tab B close. 3 runs, each in a fresh browser context with its own collector.
import { settle, sleep, tally, waitFor, watch } from './helpers.mjs'
import { JSE, arrows, collectorHas, exactlyOnce, firstLoad, journeyEvents, journeyUrl, must, stageIs, tabState, endChecks, failure } from './journey-common.mjs'

const RUNS = 3
const ALL = ['visitor', 'signup', 'activated']

export default async function journeyTabs(env) {
  const runs = []
  for (let run = 0; run < RUNS; run++) runs.push(await once(env, run))
  const passed = runs.filter((r) => !r.failures.length).length
  const failures = runs.flatMap((r) => r.failures.map((f) => `run ${r.run}: ${f}`))
  const fmt = (r) => `${r.jse.copies}x${r.jse.unique}`
  return {
    name: 'journey in two tabs',
    ok: passed === RUNS,
    details: {
      summary:
        `${passed}/${RUNS} runs ok [${JSE} copies x messageIds: ${runs.map(fmt).join(' ')}]; ` +
        `B heard A's signup after ${runs.map((r) => r.bHeardSignupMs ?? '-').join('/')} ms, A heard B's activated after ${runs.map((r) => r.aHeardActivatedMs ?? '-').join('/')} ms; ` +
        `events sent by A/B: ${runs.map((r) => `${r.sentA ?? '-'}/${r.sentB ?? '-'}`).join(' ')}; ${runs.reduce((n, r) => n + (r.requestsOnClose || 0), 0)} requests while closing; ` +
        `${runs.filter((r) => r.identityRace).length} run(s) where the tabs first made different anonymousIds (then agreed)`,
      failures,
      runs,
    },
  }
}

/** Waits until the tab heard the stage change `arrow` (`from>to`); ms taken, or null. */
async function hears(page, arrow, timeout = 8_000) {
  const t0 = Date.now()
  const ok = await waitFor(() => page.evaluate((a) => (window.__stages || []).some((c) => `${c.from}>${c.to}` === a), arrow), { timeout, interval: 10 })
  return ok ? Date.now() - t0 : null
}

async function once(env, run) {
  const c = await env.collector()
  const { context, close } = await env.launch()
  const failures = []
  const fail = (m) => failures.push(m)
  const r = { run, failures }
  const watches = []
  try {
    const url = journeyUrl(c, `journey-tabs-${env.seed}-${run}`)
    const a = await context.newPage()
    watches.push(watch(a))
    await a.goto(url)
    const created = await a.evaluate(() => window.__dp.createError)
    await must(!created, `createTracker threw: ${created}`)
    await firstLoad(a)
    const b = await context.newPage()
    watches.push(watch(b))
    await b.goto(url)
    await firstLoad(b)
    // Neither tab has an identity before its first use: asked here within milliseconds,
    // each may make one before the other's localStorage write reaches it (writes cross
    // renderer processes asynchronously); the storage event then makes them agree, which
    // "identity in three tabs" measures. Wait for that agreement, then use the agreed id.
    const ids = () => Promise.all([a, b].map((p) => p.evaluate(() => window.dp.anonymousId)))
    r.identityRace = new Set(await ids()).size > 1
    const agreed = await waitFor(async () => new Set(await ids()).size === 1, { timeout: 3_000, interval: 10 })
    const [anon, anonB] = await ids()
    if (!agreed) fail(`the tabs have different anonymousIds 3 s after their first use: ${anon} / ${anonB}`)
    // B's page load must last the whole run: a marker that a reload or navigation would lose
    await b.evaluate((m) => (window.__marker = m), `run-${run}`)

    // A moves the customer on; B must hear it without doing anything.
    await a.evaluate(() => window.dp.track('Signed Up', { plan: 'free' }))
    await must(await stageIs(a, 'signup'), async () => `tab A never at signup after its Signed Up: ${JSON.stringify(await tabState(a))}`)
    r.bHeardSignupMs = await hears(b, 'visitor>signup')
    await must(r.bHeardSignupMs != null, async () => `tab B never heard visitor>signup: ${JSON.stringify(await tabState(b))}`)
    await must(await stageIs(b, 'signup', 2000), async () => `tab B's dp.journey().stage is ${(await tabState(b)).stage} after A's signup`)
    await must(await collectorHas(c, 'signup', anon), `collector never got ${JSE} → signup`)

    // B moves it on; A must hear it.
    await b.evaluate(() => window.dp.track('Project Created', { name: 'first' }))
    await must(await stageIs(b, 'activated'), async () => `tab B never at activated after its Project Created: ${JSON.stringify(await tabState(b))}`)
    r.aHeardActivatedMs = await hears(a, 'signup>activated')
    await must(r.aHeardActivatedMs != null, async () => `tab A never heard signup>activated: ${JSON.stringify(await tabState(a))}`)
    await must(await stageIs(a, 'activated', 2000), async () => `tab A's dp.journey().stage is ${(await tabState(a)).stage} after B's activated`)
    await must(await collectorHas(c, 'activated', anon), `collector never got ${JSE} → activated`)
    await sleep(300)
    await settle(c, { quiet: 500 })

    const sa = (r.tabA = await tabState(a))
    const sb = (r.tabB = await tabState(b))
    r.sentA = sa.sent
    r.sentB = sb.sent
    const full = 'null>visitor visitor>signup signup>activated'
    if (arrows(sa.heard).join(' ') !== full) fail(`tab A heard ${arrows(sa.heard).join(', ')}`)
    // B hears every change made after its tracker was made (all three, unless an SDK enters
    // visitor on A's load): the same records as A, each once
    const bornB = await b.evaluate(() => window.__createdAt)
    const wantB = sa.heard.filter((h) => h.at >= bornB)
    if (JSON.stringify(sb.heard) !== JSON.stringify(wantB) || !wantB.some((h) => h.to === 'signup'))
      fail(`tab B heard ${JSON.stringify(sb.heard)}, want what A heard since B's load: ${JSON.stringify(wantB)}`)
    for (const s of [sa, sb]) if (s.history.join(' ') !== full) fail(`history ${s.history.join(', ')}`)
    const marker = await b.evaluate(() => window.__marker)
    if (marker !== `run-${run}`) fail(`tab B was reloaded or navigated (marker ${marker})`)
    for (const f of exactlyOnce(journeyEvents(c, anon), ALL)) fail(`before closing: ${f}`)

    // Close A (pagehide, its last flush), then B: nothing may be sent twice.
    const dupes = c.dupes()
    const fromReq = c.requests.length
    await a.close()
    await sleep(300)
    await settle(c, { quiet: 400 })
    const stillB = await tabState(b)
    if (stillB.stage !== 'activated') fail(`tab B's stage is ${stillB.stage} after A closed`)
    await b.close()
    await sleep(300)
    await settle(c, { quiet: 400 })
    r.requestsOnClose = c.requests.length - fromReq
    if (c.dupes() > dupes) fail(`${c.dupes() - dupes} duplicate(s) sent when the tabs closed`)

    for (const f of exactlyOnce(journeyEvents(c, anon), ALL)) fail(f)
    for (const name of ['Signed Up', 'Project Created']) {
      const t = tally(c.accepted, (e) => e.event === name)
      if (t.unique !== 1 || t.resent) fail(`${name} accepted under ${t.unique} messageId(s), ${t.resent} resent`)
    }
    const others = c.accepted.filter((e) => ![JSE, 'Signed Up', 'Project Created'].includes(e.event))
    if (others.length) fail(`unexpected events: ${others.map((e) => e.event || e.type).join(', ')}`)
    const codes = { ...sa.codes }
    for (const [k, n] of Object.entries(sb.codes)) codes[k] = (codes[k] || 0) + n
    r.errorCodes = codes
    if (Object.keys(codes).length) fail(`onError: ${JSON.stringify(codes)} ${[...sa.messages, ...sb.messages].slice(0, 3).join(' | ')}`)
  } catch (e) {
    fail(failure(e))
  } finally {
    await close()
    await c.close()
  }
  r.jse = journeyEvents(c)
  endChecks(r, fail, c, watches)
  return r
}
