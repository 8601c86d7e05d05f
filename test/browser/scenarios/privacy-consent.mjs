// Consent, asserted against the network and the origin's storage (never the tracker's queue).
// 1 pending: a tab with consent 'pending' captures 100 events (track + page, an identify),
//   reloads and captures 100 more, a second tab 20: the collector gets no request, and the
//   origin holds no IndexedDB database, no localStorage/sessionStorage entry under the
//   storageKey, no cookie.
// 2 granted, in the reloaded tab: its 100 waiting events arrive in order (seq), once each,
//   the second tab follows the decision and its 20 arrive too; the first load's 100 never.
// 3 revoked, while a request is held in flight (context.route): consent('denied'), 30 more
//   events in each tab (the other one follows): no request reaches the collector from then
//   on (the held one is aborted), closing the tabs sends nothing, no event captured after it
//   is sent; the databases and every entry but `<key>:consent` = "denied" are gone. A reload
//   with consent 'pending', then a load with default options: still no request, nothing
//   stored (the denial wins).
// 1b (a fresh profile) pending, then consent('denied'): what waited is dropped, nothing sent
//   or stored but the denial; a later grant sends only what follows it, in order, and a
//   revocation then a new grant starts afresh: delivered again, nothing of the denied time.
// 4 Global Privacy Control on (init script), default options: consent is 'denied', even
//   after consent('granted'); no request, nothing stored. respectGPC: false: delivered.
//   Do Not Track ('1'), default options: no request, nothing stored.
import { tally, waitFor, watch } from './helpers.mjs'
import { QUIET_MS, Stop, must, pageFailures, quiet, sdkUrl, storageFailures, storageOf } from './privacy-common.mjs'

/** `n` events of `phase` in `page`: every fifth a page view, the rest tracks; `seq` 0..n-1. */
const burst = (page, phase, n) =>
  page.evaluate(
    ({ phase, n }) => {
      for (let i = 0; i < n; i++) i % 5 == 4 ? window.dp.page({ phase, seq: i }) : window.dp.track('Privacy Step', { phase, seq: i })
    },
    { phase, n },
  )
const consentOf = (page) => page.evaluate(() => window.dp.consent())
const ofPhase = (c, phase) => c.accepted.filter((e) => e.properties?.phase === phase)
const phasesIn = (reqs) => [...new Set(reqs.flatMap((r) => r.batch.map((e) => e.properties?.phase ?? e.type)))].join(',')

/** Failures of "exactly these `n` events of `phase` arrived, in order, once each". */
function deliveredInOrder(c, phase, n) {
  const f = []
  const got = ofPhase(c, phase)
  const t = tally(got)
  const seqs = got.map((e) => e.properties.seq)
  if (t.unique !== n) f.push(`${phase}: ${t.unique}/${n} events arrived (seq ${compact(seqs)})`)
  if (t.resent) f.push(`${phase}: ${t.resent} event(s) arrived more than once (${t.extra} extra copies)`)
  const firsts = []
  const seen = new Set()
  for (const e of got) if (!seen.has(e.messageId)) seen.add(e.messageId), firsts.push(e.properties.seq)
  const out = firsts.findIndex((s, i) => s !== i)
  if (out >= 0) f.push(`${phase}: out of order from position ${out}: ${compact(firsts.slice(Math.max(0, out - 2), out + 8))}`)
  const noSession = got.filter((e) => typeof e.context?.session?.id !== 'number')
  if (noSession.length) f.push(`${phase}: ${noSession.length} event(s) without context.session.id`)
  const pages = got.filter((e) => e.type === 'page').length
  if (pages !== n / 5) f.push(`${phase}: ${pages} page events (want ${n / 5})`)
  return f
}
const compact = (a) => (a.length > 24 ? `${a.slice(0, 24).join(',')},… (${a.length})` : a.join(','))

export default async function privacyConsent(env) {
  const failures = []
  const summary = []
  const details = {}
  const key = `pc${env.seed}`
  const c = await env.collector()
  const { context } = await env.launch()
  const watches = []
  const step = async (label, fn) => {
    const before = failures.length
    const fail = (m) => failures.push(`${label}: ${m}`)
    let text = ''
    try {
      text = await fn(fail)
    } catch (e) {
      fail(e instanceof Stop ? e.message : String(e?.stack || e).slice(0, 800))
    }
    summary.push(`${label} ${failures.length === before ? 'ok' : 'FAILED'}${text ? ` (${text})` : ''}`)
    return failures.length === before
  }
  const url = sdkUrl(c, { storageKey: key, consent: 'pending' })
  let p1, p2

  // 1 — pending: nothing sent, nothing stored, over a reload and in a second tab
  const ok1 = await step('1 pending', async (fail) => {
    p1 = await context.newPage()
    watches.push(['tab 1', watch(p1)])
    await p1.goto(url)
    must(!(await p1.evaluate(() => window.__dp.createError)), `createTracker threw: ${await p1.evaluate(() => window.__dp.createError)}`)
    must((await consentOf(p1)) === 'pending', `dp.consent() is ${await consentOf(p1)} at load (want pending)`)
    await p1.evaluate(() => window.dp.identify('pending-user', { plan: 'pro' }))
    await burst(p1, 'A', 100)
    await quiet(c)
    if (c.requests.length) fail(`${c.requests.length} request(s) before the reload (phases ${phasesIn(c.requests)})`)
    for (const f of storageFailures(await storageOf(p1, key), key)) fail(`before the reload: ${f}`)
    await p1.reload({ waitUntil: 'load' })
    must((await consentOf(p1)) === 'pending', `dp.consent() is ${await consentOf(p1)} after the reload (want pending)`)
    await burst(p1, 'B', 100)
    p2 = await context.newPage()
    watches.push(['tab 2', watch(p2)])
    await p2.goto(url)
    await burst(p2, 'T2', 20)
    await quiet(c)
    if (c.requests.length) fail(`${c.requests.length} request(s) while pending (phases ${phasesIn(c.requests)})`)
    if (c.preflights()) fail(`${c.preflights()} CORS preflight(s) while pending`)
    const st = (details.pendingStorage = await storageOf(p1, key))
    for (const f of storageFailures(st, key)) fail(`after the reload and a second tab: ${f}`)
    return `220 events over 2 loads and 2 tabs, ${c.requests.length} requests in ${QUIET_MS} ms quiet, storage ${storageFailures(st, key).length ? 'NOT clean' : 'clean'}`
  })

  // 2 — granted in the reloaded tab: what waited is stored and sent, in order, once
  const ok2 =
    ok1 &&
    (await step('2 granted', async (fail) => {
      const t0 = Date.now()
      const state = await p1.evaluate(() => window.dp.consent('granted'))
      must(state === 'granted', `dp.consent('granted') returned ${state}`)
      const arrived = await waitFor(() => tally(ofPhase(c, 'B')).unique >= 100 && tally(ofPhase(c, 'T2')).unique >= 20, { timeout: 15_000 })
      const ms = Date.now() - t0
      await quiet(c)
      if (!arrived) fail(`after 15 s the collector has ${tally(ofPhase(c, 'B')).unique}/100 of tab 1's and ${tally(ofPhase(c, 'T2')).unique}/20 of tab 2's events`)
      for (const f of deliveredInOrder(c, 'B', 100)) fail(f)
      for (const f of deliveredInOrder(c, 'T2', 20)) fail(f)
      const a = ofPhase(c, 'A')
      if (a.length) fail(`${a.length} event(s) of the first load (pending, then reloaded) arrived`)
      const ident = c.accepted.filter((e) => e.type === 'identify')
      if (ident.length) fail(`${ident.length} identify event(s) of the first load arrived`)
      const t2 = await consentOf(p2)
      if (t2 !== 'granted') fail(`tab 2 did not follow the grant: dp.consent() is ${t2}`)
      // positive control of the probe: the grant did store
      const st = (details.grantedStorage = await storageOf(p1, key))
      if (!st.dbs.includes(key)) fail(`no IndexedDB database "${key}" after the grant (${JSON.stringify(st.dbs)})`)
      if (st.ls[key + ':consent'] !== '"granted"') fail(`${key}:consent is ${st.ls[key + ':consent']} after the grant`)
      for (const k of [':user', ':session']) if (!st.ls[key + k]) fail(`no ${key}${k} after the grant`)
      // One visitor, one identity: what waited in each tab goes with the identity and
      // session of the events after the grant (the granting tab's, which the other adopts).
      await p1.evaluate(() => window.dp.track('After Grant', { phase: 'P1', seq: 0 }))
      await p2.evaluate(() => window.dp.track('After Grant', { phase: 'P2', seq: 0 }))
      await Promise.all([p1, p2].map((p) => p.evaluate(() => window.dp.flush())))
      await waitFor(() => ofPhase(c, 'P1').length && ofPhase(c, 'P2').length, { timeout: 5_000 })
      const ids = (ph) => [...new Set(ofPhase(c, ph).map((e) => `${e.anonymousId.slice(-6)}/s${e.context?.session?.id}`))].join('+') || '-'
      const stored = JSON.parse(st.ls[key + ':user'] || '{}').a?.slice(-6)
      const identity = (details.identityAfterGrant = { tab1Waited: ids('B'), tab1After: ids('P1'), tab2Waited: ids('T2'), tab2After: ids('P2'), storedAtGrant: stored })
      const split = identity.tab1Waited !== identity.tab1After || identity.tab2Waited !== identity.tab2After
      if (split || identity.tab1After !== identity.tab2After) fail(`anonymousId/session of events that waited vs after the grant: tab 1 ${identity.tab1Waited} → ${identity.tab1After}, tab 2 ${identity.tab2Waited} → ${identity.tab2After} (stored :user ${stored})`)
      const anon = [...new Set(c.accepted.map((e) => e.anonymousId))]
      return `${tally(ofPhase(c, 'B')).unique}/100 + ${tally(ofPhase(c, 'T2')).unique}/20 in ${ms} ms, ${anon.length} anonymousId(s) over both tabs`
    }))

  // 3 — revoked with a request in flight; reloads keep the denial
  if (ok2)
    await step('3 revoked', async (fail) => {
      const held = []
      let holding = true
      await context.route('**/v1/batch', (route) => (holding ? held.push(route) : route.continue().catch(() => {})))
      await p1.evaluate(() => {
        for (let i = 0; i < 5; i++) window.dp.track('Before Revoke', { phase: 'R0', seq: i })
        void window.dp.flush()
      })
      must(await waitFor(() => held.length > 0, { timeout: 8_000 }), 'no request was sent for the 5 events tracked before the revocation (nothing held in flight)')
      const before = c.requests.length
      const state = await p1.evaluate(() => {
        const s = window.dp.consent('denied')
        for (let i = 0; i < 30; i++) i % 5 == 4 ? window.dp.page({ phase: 'R1', seq: i }) : window.dp.track('After Revoke', { phase: 'R1', seq: i })
        return s
      })
      if (state !== 'denied') fail(`dp.consent('denied') returned ${state}`)
      const followed = await waitFor(async () => (await consentOf(p2)) === 'denied', { timeout: 3_000 })
      if (!followed) fail(`tab 2 did not follow the revocation within 3 s: dp.consent() is ${await consentOf(p2)}`)
      await burst(p2, 'R2', 30)
      // the held request(s) go on now: aborted by the tracker, they reach nothing
      holding = false
      const releasedErrors = []
      for (const r of held) await r.continue().catch((e) => releasedErrors.push(String(e.message).split('\n')[0]))
      await quiet(c)
      await context.unroute('**/v1/batch')
      const after = c.requests.slice(before)
      if (after.length) fail(`${after.length} request(s) reached the collector after consent('denied') (phases ${phasesIn(after)}; statuses ${after.map((r) => r.status)})`)
      for (const ph of ['R1', 'R2']) if (c.requests.some((r) => r.batch.some((e) => e.properties?.phase === ph))) fail(`events captured after the revocation (${ph}) were sent`)
      const st = await waitFor(async () => {
        const s = await storageOf(p1, key)
        return storageFailures(s, key, { [key + ':consent']: '"denied"' }).length ? false : s
      }, { timeout: 5_000 })
      const left = st || (details.revokedStorage = await storageOf(p1, key))
      for (const f of st ? [] : storageFailures(left, key, { [key + ':consent']: '"denied"' })) fail(`5 s after the revocation: ${f}`)
      details.revoke = { heldRequests: held.length, releasedErrors: releasedErrors.slice(0, 3), requestsAfter: after.length }

      // a reload with the same options (consent 'pending'): the stored denial wins
      const n1 = c.requests.length
      await p1.reload({ waitUntil: 'load' })
      const s1 = await consentOf(p1)
      if (s1 !== 'denied') fail(`after a reload (consent 'pending') dp.consent() is ${s1}`)
      await burst(p1, 'R3', 30)
      await quiet(c)
      if (c.requests.length > n1) fail(`${c.requests.length - n1} request(s) after the reload (phases ${phasesIn(c.requests.slice(n1))})`)
      for (const f of storageFailures(await storageOf(p1, key), key, { [key + ':consent']: '"denied"' })) fail(`after the reload: ${f}`)
      // a load with default options (consent defaults to 'granted'): the denial still wins
      const n2 = c.requests.length
      await p1.goto(sdkUrl(c, { storageKey: key }))
      const s2 = await consentOf(p1)
      if (s2 !== 'denied') fail(`after a load with default options dp.consent() is ${s2}`)
      await burst(p1, 'R4', 30)
      await quiet(c)
      if (c.requests.length > n2) fail(`${c.requests.length - n2} request(s) after the load with default options (phases ${phasesIn(c.requests.slice(n2))})`)
      for (const f of storageFailures(await storageOf(p1, key), key, { [key + ':consent']: '"denied"' })) fail(`after the load with default options: ${f}`)
      return `${held.length} request(s) held in flight at the revocation, ${c.requests.length - before} request(s) after it over 2 tabs and 2 more loads (150 events), storage ${st ? 'wiped but :consent="denied"' : 'NOT wiped'}`
    })
  else summary.push('3 revoked skipped (needs 1 and 2)')
  // closing the tabs (pagehide, unload) sends nothing either
  const atClose = c.requests.length
  await context.close()
  await quiet(c)
  if (ok2 && c.requests.length > atClose) failures.push(`3 revoked: closing the denied tabs sent ${c.requests.length - atClose} request(s) (phases ${phasesIn(c.requests.slice(atClose))})`)
  for (const [label, w] of watches) for (const f of pageFailures(label, w)) failures.push(f)

  // 1b — denied while pending drops what waited; a grant later sends only what follows it,
  // and a grant after a revocation starts afresh
  await step('1b denied while pending', async (fail) => {
    const cb = await env.collector()
    const { context: b } = await env.launch()
    const bkey = `pd${env.seed}`
    const page = await b.newPage()
    const w = watch(page)
    await page.goto(sdkUrl(cb, { storageKey: bkey, consent: 'pending' }))
    await burst(page, 'X', 30)
    const s1 = await page.evaluate(() => window.dp.consent('denied'))
    if (s1 !== 'denied') fail(`dp.consent('denied') returned ${s1}`)
    await quiet(cb)
    if (cb.requests.length) fail(`${cb.requests.length} request(s) after a denial while pending`)
    for (const f of storageFailures(await storageOf(page, bkey), bkey, { [bkey + ':consent']: '"denied"' })) fail(`after a denial while pending: ${f}`)
    const s2 = await page.evaluate(() => window.dp.consent('granted'))
    if (s2 !== 'granted') fail(`dp.consent('granted') after the denial returned ${s2}`)
    await burst(page, 'Y', 30)
    await page.evaluate(() => window.dp.flush())
    await waitFor(() => tally(ofPhase(cb, 'Y')).unique >= 30, { timeout: 10_000 })
    for (const f of deliveredInOrder(cb, 'Y', 30)) fail(f)
    // revoked and granted again: a fresh start, delivered
    await page.evaluate(() => window.dp.consent('denied'))
    await burst(page, 'Y2', 30)
    await page.evaluate(() => window.dp.consent('granted'))
    await burst(page, 'Z', 30)
    await page.evaluate(() => window.dp.flush())
    await waitFor(() => tally(ofPhase(cb, 'Z')).unique >= 30, { timeout: 10_000 })
    await quiet(cb)
    for (const f of deliveredInOrder(cb, 'Z', 30)) fail(f)
    for (const ph of ['X', 'Y2']) if (ofPhase(cb, ph).length) fail(`${ofPhase(cb, ph).length} event(s) captured while denied (${ph}) arrived`)
    for (const f of pageFailures('page', w)) fail(f)
    await b.close()
    return `30 dropped at the denial, 0 requests; then ${tally(ofPhase(cb, 'Y')).unique}/30 after a grant, ${tally(ofPhase(cb, 'Z')).unique}/30 after a revocation and a new grant, ${ofPhase(cb, 'X').length + ofPhase(cb, 'Y2').length} denied events sent`
  })

  // 4 — Global Privacy Control and Do Not Track
  await step('4 GPC', async (fail) => {
    const c4 = await env.collector()
    const { context: g } = await env.launch()
    await g.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true }))
    const gkey = `gpc${env.seed}`
    const page = await g.newPage()
    const w = watch(page)
    await page.goto(sdkUrl(c4, { storageKey: gkey }))
    must((await page.evaluate(() => navigator.globalPrivacyControl)) === true, 'navigator.globalPrivacyControl is not true in the page (init script)')
    const s = await consentOf(page)
    if (s !== 'denied') fail(`with GPC and default options dp.consent() is ${s} (want denied)`)
    await burst(page, 'G', 100)
    const s2 = await page.evaluate(() => window.dp.consent('granted'))
    if (s2 !== 'denied') fail(`with GPC dp.consent('granted') returned ${s2} (want denied)`)
    await burst(page, 'G2', 30)
    await quiet(c4)
    if (c4.requests.length) fail(`${c4.requests.length} request(s) with GPC on (phases ${phasesIn(c4.requests)})`)
    for (const f of storageFailures(await storageOf(page, gkey), gkey)) fail(`with GPC on: ${f}`)
    const gpcRequests = c4.requests.length
    // respectGPC: false — the host's own legal basis: delivered
    await page.goto(sdkUrl(c4, { storageKey: gkey, respectGPC: false }))
    const s3 = await consentOf(page)
    if (s3 !== 'granted') fail(`with GPC and respectGPC: false dp.consent() is ${s3} (want granted)`)
    await burst(page, 'G3', 30)
    await page.evaluate(() => window.dp.flush())
    if (!(await waitFor(() => tally(ofPhase(c4, 'G3')).unique >= 30, { timeout: 10_000 }))) fail(`respectGPC: false: ${tally(ofPhase(c4, 'G3')).unique}/30 events arrived`)
    for (const f of deliveredInOrder(c4, 'G3', 30)) fail(`respectGPC: false: ${f}`)
    for (const f of pageFailures('GPC page', w)) fail(f)
    await g.close()

    // Do Not Track, default options
    const { context: d } = await env.launch()
    await d.addInitScript(() => Object.defineProperty(Navigator.prototype, 'doNotTrack', { get: () => '1', configurable: true }))
    const dkey = `dnt${env.seed}`
    const c5 = await env.collector()
    const dp = await d.newPage()
    const wd = watch(dp)
    await dp.goto(sdkUrl(c5, { storageKey: dkey }))
    must((await dp.evaluate(() => navigator.doNotTrack)) === '1', 'navigator.doNotTrack is not "1" in the page (init script)')
    const s4 = await consentOf(dp)
    if (s4 !== 'denied') fail(`with Do Not Track dp.consent() is ${s4} (want denied)`)
    await burst(dp, 'D', 30)
    await quiet(c5)
    if (c5.requests.length) fail(`${c5.requests.length} request(s) with Do Not Track on`)
    for (const f of storageFailures(await storageOf(dp, dkey), dkey)) fail(`with Do Not Track on: ${f}`)
    for (const f of pageFailures('DNT page', wd)) fail(f)
    await d.close()
    return `GPC: consent ${s}/${s2} after grant, ${gpcRequests} requests for 130 events; respectGPC false: ${tally(ofPhase(c4, 'G3')).unique}/30 delivered; DNT: consent ${s4}, ${c5.requests.length} requests`
  })

  return {
    name: 'privacy: consent, revocation, GPC/DNT',
    ok: !failures.length,
    details: { summary: summary.join('; '), failures, ...details },
  }
}
