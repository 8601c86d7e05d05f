// A learned definition drives the tracker in Chromium: examples/demo/customers.mjs generates
// exports of examples/journeys/b2b-saas.json (3,000 customers, seed 11) with a planted path,
// the BUILT learner (dist/learn.js) learns each stage's path from them, and the learned
// definition, whole and unchanged (its `learned` block too), is the journey of a tracker on
// journey.html. It is ~20 KB of JSON, too long for ?j= (the collector takes 16 KB of request
// head, and every event carries the page URL, 32 KB at most): journey.html loads without ?j=
// and the options come in through page.evaluate to the page's window.__makeTracker (the
// harness.js one journey.js would call), after desire-path-nudges.iife.js (the definition
// has nudges). Then:
//   1. main tab: a page view (awareness), the Pricing page (consideration), `Signed Up`
//      (onboarding); before each learned key step, in the learned order, dp.journey().next
//      is that step and progress is done/total; after the last one next is null.
//      The same through adoption (2× `Dashboard Shared`). The collector holds one Journey
//      Stage Entered per stage and each step's event once.
//   2. skip tab (own storageKey): the second key step first raises skippedKeyStep for the
//      first one, its explanation naming it; taking the first one clears it.
//   3. overdue tab (own storageKey, a tracker clock the page moves on): past the first key
//      step's learned expectedWithin, and before the second's, stepOverdue holds for the
//      first step only, its explanation with the learned share and basis; taking it clears it.
//   4. the learned failure step taken first: next is still the first key step, no skippedKeyStep.
// No create error, no onError, no page or console error in any tab. What the SDK suggests
// after a skipped key step (the odds of the step taken, by design) is kept in details.observations.
//   DP_LEARN_DIST=/tmp/dpv   import that build's learn.js and serve its .js files as /dist/
//                            (a build beside dist/, for a run before `npm run build`)
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { generateLines } from '../../../examples/demo/customers.mjs'
import { pageUrl, settle, tally, waitFor, watch } from './helpers.mjs'
import { collectorHas, endChecks, exactlyOnce, failure, journeyEvents, must } from './journey-common.mjs'

const ROOT = fileURLToPath(new URL('../../..', import.meta.url))
const DIST = process.env.DP_LEARN_DIST ? resolve(process.env.DP_LEARN_DIST) : ROOT + 'dist'
const CUSTOMERS = 3000
const SEED = 11

/** a candidate's key as the generator names it: `t:Event`, `p:Page name` */
const keyOf = (m) => (m.type == 'page' ? 'p:' : 't:') + m.name
/** ms of an ISO 8601 duration as the learner writes them (PnDTnHnMnS) */
const ms = (d) => {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(d || '')
  return m ? (((+(m[1] || 0) * 24 + +(m[2] || 0)) * 60 + +(m[3] || 0)) * 60 + +(m[4] || 0)) * 1000 : NaN
}

/** DP_LEARN_DIST's build as /dist/ (the collector serves the repo's dist/ otherwise) */
function servedFiles() {
  if (!process.env.DP_LEARN_DIST) return {}
  const pages = {}
  for (const f of readdirSync(DIST)) if (f.endsWith('.js')) pages['/dist/' + f] = { body: readFileSync(join(DIST, f), 'utf8'), type: 'text/javascript' }
  return pages
}

/** Generated exports → the built learner → the learned definition, and the planted truth. */
async function learned() {
  const { lines, truth } = generateLines({ customers: CUSTOMERS, seed: SEED })
  const dir = mkdtempSync(join(tmpdir(), 'dp-learned-path-'))
  try {
    writeFileSync(join(dir, 'events.ndjson'), lines.join('\n') + '\n')
    const { learn } = await import(pathToFileURL(join(DIST, 'learn.js')).href)
    const definition = JSON.parse(readFileSync(ROOT + 'examples/journeys/b2b-saas.json', 'utf8'))
    const t0 = Date.now()
    const out = await learn(dir, definition, { now: truth.now, workers: 1 })
    return { definition: out.definition, truth, lines: lines.length, learnMs: Date.now() - t0 }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export default async function learnedPath(env) {
  const failures = []
  const fail = (m) => failures.push(m)
  const r = { failures, observations: [], walks: {} }
  let c
  let close
  const watches = []
  try {
    // --- the learned definition -------------------------------------------------------
    const L = await learned()
    const def = L.definition
    r.learnMs = L.learnMs
    r.lines = L.lines
    r.version = def.version
    const stageDef = (id) => def.stages.find((s) => s.id == id)
    const keysOf = (id) => (stageDef(id)?.path?.steps || []).filter((s) => s.key)
    await must(def.learned && typeof def.learned == 'object', 'the learned definition has no `learned` block')
    for (const id of ['onboarding', 'adoption']) {
      const got = keysOf(id).map((s) => keyOf(s.match))
      const want = L.truth.stages[id].keySteps
      await must(JSON.stringify(got) == JSON.stringify(want), `learned ${id} key steps ${got.join(' → ') || '(none)'}, planted ${want.join(' → ')}`)
      await must(JSON.stringify(def.learned.stages[id].keySteps) == JSON.stringify(keysOf(id).map((s) => s.id)), `${id}: path key steps and learned.stages.${id}.keySteps differ`)
    }
    r.keySteps = { onboarding: keysOf('onboarding').map((s) => s.id), adoption: keysOf('adoption').map((s) => s.id) }
    const negatives = (id) => def.learned.stages[id]?.negativeSteps || []

    // --- a tracker of it, per tab -----------------------------------------------------
    c = await env.collector({ pages: servedFiles() })
    const b = await env.launch()
    close = b.close
    const options = (storageKey) => ({ endpoint: c.endpoint, storageKey, flushInterval: 200, retryBase: 100, retryMax: 1000, requestTimeout: 5000, journey: def })
    /** a tab on journey.html (no ?j=) with a tracker of `def`; `clock`: its time is Date.now() + window.__skew */
    const tab = async (name, clock = false) => {
      const page = await b.context.newPage()
      watches.push(watch(page))
      await page.goto(pageUrl(c.origin, 'journey.html'))
      await page.addScriptTag({ url: '/dist/desire-path-nudges.iife.js' })
      const created = await page.evaluate(
        ({ o, clock }) => {
          if (!window.desirePath?.$policy) return 'desire-path-nudges.iife.js defined no $policy'
          window.__skew = 0
          window.__stages = []
          try {
            const dp = window.__makeTracker(clock ? { ...o, now: () => Date.now() + window.__skew } : o)
            dp.on('stage', (s) => window.__stages.push(`${s.from}>${s.to}`))
          } catch {
            /* recorded by harness.js */
          }
          return window.__dp.createError
        },
        { o: options(`learned-path-${env.seed}-${name}`), clock },
      )
      await must(!created, `${name}: createTracker threw: ${created}`)
      return page
    }
    const snap = (page) =>
      page.evaluate(() => {
        const j = window.dp.journey()
        return j && { stage: j.stage, progress: j.progress, next: j.next, signals: j.signals }
      })
    /** polls until the tab's snapshot passes `pred` (it, or false after 8 s) */
    const until = (page, pred) => waitFor(async () => { const s = await snap(page); return s && pred(s) && s }, { timeout: 8_000, interval: 25 })
    const take = (page, m) => page.evaluate((m) => (m.type == 'page' ? window.dp.page({ name: m.name }) : window.dp.track(m.name)), m)
    const enter = async (page, stage, m) => {
      await take(page, m)
      await must(await until(page, (s) => s.stage == stage), async () => `never at ${stage} after ${m.name || 'a page view'}: ${JSON.stringify(await snap(page))}`)
    }
    const toOnboarding = async (page) => {
      await enter(page, 'awareness', { type: 'page' })
      await enter(page, 'consideration', { type: 'page', name: 'Pricing' })
      await enter(page, 'onboarding', { name: 'Signed Up' })
    }
    /** `stage`'s learned key steps in order: before each, next is it and progress done/total */
    const walk = async (page, stage) => {
      const keys = keysOf(stage)
      const seen = (r.walks[stage] = [])
      let s = await snap(page)
      for (const [i, k] of keys.entries()) {
        seen.push(`${s.next?.id ?? null}@${s.progress.toFixed(2)}`)
        await must(s.next?.id == k.id, `${stage}: before key step ${i + 1}/${keys.length} (${k.id}) next is ${JSON.stringify(s.next)} (learned order ${keys.map((x) => x.id).join(' → ')})`)
        await must(s.progress === i / keys.length, `${stage}: before ${k.id} progress is ${s.progress} (want ${i}/${keys.length})`)
        await must(s.next.label == (k.label || k.match.name), `${stage}: next label ${JSON.stringify(s.next.label)} for ${k.id}`)
        await take(page, k.match)
        s = await until(page, (x) => x.progress === (i + 1) / keys.length)
        await must(s, async () => `${stage}: progress never ${i + 1}/${keys.length} after ${k.match.name}: ${JSON.stringify(await snap(page))}`)
        await must(s.stage == stage, `${stage}: ${k.match.name} moved the tab to ${s.stage}`)
      }
      seen.push(`${s.next?.id ?? null}@${s.progress.toFixed(2)}`)
      // every key step done: nothing more to propose (least of all a step that predicts failure)
      await must(s.next === null, `${stage}: after the last key step next is ${JSON.stringify(s.next)}, not null`)
      const sk = s.signals.filter((x) => x.kind == 'skippedKeyStep')
      if (sk.length) fail(`${stage}: skippedKeyStep after taking the key steps in order: ${JSON.stringify(sk)}`)
    }
    const tabEnd = (page) => page.evaluate(() => ({ codes: { ...window.__dp.codes }, messages: window.__dp.messages.slice(), createError: window.__dp.createError, stages: window.__stages.slice() }))
    const noErrors = (name, e) => {
      if (e.createError) fail(`${name}: create error ${e.createError}`)
      if (Object.keys(e.codes).length) fail(`${name}: onError ${JSON.stringify(e.codes)} ${e.messages.slice(0, 3).join(' | ')}`)
    }

    // 1. the main tab: in the learned order through onboarding and adoption
    const main = await tab('main')
    const anon = await main.evaluate(() => window.dp.anonymousId)
    await toOnboarding(main)
    await walk(main, 'onboarding')
    await take(main, { name: 'Dashboard Shared' })
    await enter(main, 'adoption', { name: 'Dashboard Shared' })
    await walk(main, 'adoption')
    await must(await collectorHas(c, 'adoption', anon), 'the collector never got Journey Stage Entered → adoption')
    await settle(c, { quiet: 300 })
    for (const f of exactlyOnce(journeyEvents(c, anon), ['awareness', 'consideration', 'onboarding', 'adoption'])) fail(`main: ${f}`)
    for (const k of [...keysOf('onboarding'), ...keysOf('adoption')]) {
      const t = tally(c.accepted, (e) => e.anonymousId == anon && e.event == k.match.name)
      if (t.unique !== 1) fail(`main: ${k.match.name} accepted under ${t.unique} messageIds (want 1)`)
    }
    const mainEnd = await tabEnd(main)
    r.mainStages = mainEnd.stages
    noErrors('main', mainEnd)

    // 2. a fresh tab takes the second key step first: skippedKeyStep for the first
    const [k1, k2, k3] = keysOf('onboarding')
    const skip = await tab('skip')
    await toOnboarding(skip)
    await take(skip, k2.match)
    const skipped = await until(skip, (s) => s.progress > 0)
    await must(skipped, `skip: ${k2.match.name} never counted`)
    r.skip = { signals: skipped.signals, next: skipped.next }
    const sks = skipped.signals.filter((x) => x.kind == 'skippedKeyStep')
    const sk = sks.find((x) => x.step == k1.id)
    if (!sk) fail(`skip: no skippedKeyStep for ${k1.id} after ${k2.id} first: ${JSON.stringify(skipped.signals)}`)
    else if (!String(sk.explanation).includes(k1.label || k1.match.name)) fail(`skip: the skippedKeyStep explanation does not name ${k1.match.name}: ${JSON.stringify(sk.explanation)}`)
    if (sks.some((x) => x.step != k1.id)) fail(`skip: skippedKeyStep for other steps too: ${JSON.stringify(sks)}`)
    if (skipped.next?.id != k1.id) r.observations.push(`onboarding: after ${k2.id} first, next is ${skipped.next?.id ?? null}, not the skipped ${k1.id} (by ${k2.id}'s next odds ${JSON.stringify(k2.next)})`)
    await take(skip, k1.match)
    const caught = await until(skip, (s) => s.progress === 2 / keysOf('onboarding').length)
    await must(caught, `skip: ${k1.match.name} never counted`)
    if (caught.signals.some((x) => x.kind == 'skippedKeyStep')) fail(`skip: skippedKeyStep still there after ${k1.id}: ${JSON.stringify(caught.signals)}`)
    if (caught.next?.id != k3.id) fail(`skip: with ${k1.id} and ${k2.id} done next is ${JSON.stringify(caught.next)} (want ${k3.id})`)
    r.skip.after = { next: caught.next, signals: caught.signals.map((x) => x.kind) }
    noErrors('skip', await tabEnd(skip))

    // 3. a tab whose clock moves on: past k1's learned expectedWithin, before k2's
    const due1 = ms(k1.expectedWithin)
    const due2 = ms(k2.expectedWithin)
    await must(due1 > 0 && due2 > due1 + 120_000, `onboarding expectedWithin ${k1.expectedWithin} / ${k2.expectedWithin}: no gap to test stepOverdue in`)
    const late = await tab('overdue', true)
    await toOnboarding(late)
    const fresh = await snap(late)
    if (fresh.signals.some((x) => x.kind == 'stepOverdue')) fail(`overdue: stepOverdue on entering onboarding: ${JSON.stringify(fresh.signals)}`)
    await late.evaluate((ms) => (window.__skew = ms), due1 + 60_000)
    const od = (await snap(late)).signals.filter((x) => x.kind == 'stepOverdue')
    r.overdue = od
    const basis = stageDef('onboarding').path.basis
    const share = Math.round(k1.share * 100) + '%'
    if (od.length != 1 || od[0].step != k1.id) fail(`overdue: ${k1.expectedWithin} + 1 min after onboarding stepOverdue is ${JSON.stringify(od)} (want ${k1.id} only)`)
    else if (!od[0].explanation.includes(share) || !od[0].explanation.includes(`of ${basis} customers`) || !od[0].explanation.includes(k1.match.name))
      fail(`overdue: explanation ${JSON.stringify(od[0].explanation)} lacks the learned figures (${share}, of ${basis} customers, ${k1.match.name})`)
    await take(late, k1.match)
    const onTime = await until(late, (s) => s.progress > 0)
    await must(onTime, `overdue: ${k1.match.name} never counted`)
    if (onTime.signals.some((x) => x.kind == 'stepOverdue')) fail(`overdue: stepOverdue after ${k1.id} was taken: ${JSON.stringify(onTime.signals)}`)
    noErrors('overdue', await tabEnd(late))

    // 4. a learned failure step (before the key steps in path.steps, key: false, no next)
    //    taken first: the path still starts at the first key step, and nothing is "skipped"
    const neg = stageDef('onboarding').path.steps.find((s) => negatives('onboarding').includes(s.id))
    if (neg) {
      const bad = await tab('negative')
      await toOnboarding(bad)
      await take(bad, neg.match)
      // taken once the tab emitted its Journey Step Completed (the collector has it)
      const anonBad = await bad.evaluate(() => window.dp.anonymousId)
      const stepDone = (e) => e.event == 'Journey Step Completed' && e.anonymousId == anonBad && e.properties?.step == neg.id
      await must(await waitFor(() => c.accepted.some(stepDone), { timeout: 8_000 }), `negative: the collector never got Journey Step Completed ${neg.id}`)
      const now = await snap(bad)
      r.negative = { step: neg.id, next: now.next, signals: now.signals }
      const sks = now.signals.filter((x) => x.kind == 'skippedKeyStep').map((x) => x.step)
      if (now.next?.id != k1.id) fail(`negative: ${neg.id} taken first: next is ${now.next?.id ?? null}, not the learned order's first ${k1.id}`)
      if (sks.length) fail(`negative: ${neg.id} taken first raised skippedKeyStep for ${sks.join(', ')}`)
      noErrors('negative', await tabEnd(bad))
    }

    for (const p of b.context.pages()) await p.close()
    await settle(c, { quiet: 300 })
  } catch (e) {
    fail(failure(e))
  } finally {
    await close?.()
    await c?.close()
  }
  if (c) endChecks(r, fail, c, watches)
  if (r.consoleErrors?.length) fail(`console errors: ${r.consoleErrors.slice(0, 3).join(' | ')}`)
  const w = (id) => (r.walks[id] || []).map((x) => x.split('@')[0]).join(' → ')
  return {
    name: 'a learned path drives next-step suggestions',
    ok: !failures.length,
    details: {
      summary:
        `learned ${r.version ?? '-'} from ${r.lines ?? '-'} lines in ${r.learnMs ?? '-'} ms; next along onboarding: ${w('onboarding') || '-'}; adoption: ${w('adoption') || '-'}; ` +
        `skippedKeyStep ${r.skip ? 'ok' : '-'}, stepOverdue ${r.overdue ? r.overdue.map((x) => x.step).join(',') || 'none' : '-'}` +
        (r.observations.length ? `; ${r.observations.length} observation(s) in details` : ''),
      failures,
      ...r,
    },
  }
}
