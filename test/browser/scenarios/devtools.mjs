// The devtools overlay on a script-tag page (the snippet, then the page's init), under
// `script-src 'self' 'sha256-<snippet>'; require-trusted-types-for 'script'`:
//   - `?desire-path-devtools` loads desire-path-devtools.iife.js on demand (it is not in the
//     build) and the overlay opens: a <desire-path-devtools> with an open shadow root;
//   - after scripted events it shows the right stage (Signed up, then Activated);
//   - a nudge held back by the policy's minGap reads `gap`, and once the gap is over (the
//     next evaluation) `showing`;
//   - jump to a stage shows a simulation and sends nothing; back to live; reset gives a
//     new anonymousId; switching panels, collapsing (Esc) and expanding send nothing;
//   - on a page without the flag, Ctrl+Shift+Y loads it;
//   - a refused definition: the overlay loads the validator (dist/validate.js) and lists
//     the errors with their JSON paths;
//   - screenshots: the collapsed badge and each panel, light and dark, in
//     test-results/devtools/ (the README's come from here: docs/devtools/).
// 0 securitypolicyviolation, no page error.
import { mkdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { settle, waitFor, watch } from './helpers.mjs'
import { watchSecurity } from './nudge-common.mjs'
import { sha256, snippetFor, VIOLATIONS } from './snippet-common.mjs'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const SHOTS = ROOT + 'test-results/devtools/'
const always = { rule: { all: [] } }
const JOURNEY = {
  id: 'devtools-demo',
  version: '1.0',
  stages: [
    { id: 'visitor', name: 'Visitor', entry: { all: [] } },
    {
      id: 'signed-up',
      name: 'Signed up',
      entry: { event: { name: 'Signed Up' } },
      path: {
        basis: 'successful',
        steps: [
          { id: 'project', label: 'create a project', match: { name: 'Project Created' }, key: true, share: 0.78, expectedWithin: 'P1D' },
          { id: 'invite', label: 'invite a teammate', match: { name: 'Teammate Invited' }, key: true, share: 0.52 },
        ],
      },
    },
    { id: 'activated', name: 'Activated', entry: { event: { name: 'Teammate Invited' } } },
  ],
  nudges: [
    { id: 'welcome', slot: 'banner', stage: 'signed-up', priority: 2, trigger: always, content: { title: 'Welcome aboard' } },
    { id: 'invite-tip', slot: 'popover', stage: 'signed-up', priority: 1, trigger: always, content: { title: 'Invite a teammate' } },
  ],
  policy: { minGap: 'PT3S' },
}

/** reads the overlay through its open shadow root: text and attributes of `[data-dp=…]` parts */
const overlay = (page) =>
  page.evaluate(() => {
    const el = document.querySelector('desire-path-devtools')
    const r = el?.shadowRoot
    if (!r) return null
    const q = (dp) => r.querySelector(`[data-dp="${dp}"]`)
    const nudges = {}
    r.querySelectorAll('[data-nudge]').forEach((li) => (nudges[li.getAttribute('data-nudge')] = li.querySelector('[data-dp="nudge-reason"]')?.getAttribute('data-reason')))
    const box = q('overlay')
    return {
      count: document.querySelectorAll('desire-path-devtools').length,
      open: !!box && getComputedStyle(box).display != 'none',
      stage: q('stage')?.getAttribute('data-stage') ?? null,
      stageText: q('stage')?.textContent ?? null,
      simulated: !!q('simulated') && getComputedStyle(q('simulated')).display != 'none' ? q('simulated').textContent : '',
      badge: q('badge')?.textContent ?? null,
      nudges,
    }
  })
const click = (page, dp) => page.evaluate((dp) => document.querySelector('desire-path-devtools').shadowRoot.querySelector(`[data-dp="${dp}"]`).click(), dp)

export default async function devtools(env) {
  const failures = []
  const fail = (m) => failures.push(m)
  const details = { shots: [] }
  const pages = {}
  const c = await env.collector({ pages })
  const own = snippetFor(c.origin + '/dist/desire-path.iife.js')
  const csp = `default-src 'self'; script-src 'self' ${sha256(own)}; require-trusted-types-for 'script'`
  pages['/devtools.html'] = {
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>devtools</title><script>${own}</script><script src="/test/browser/pages/devtools-page.js"></script></head><body><h1>Acme</h1><p>The host page.</p></body></html>`,
    headers: { 'content-security-policy': csp },
  }
  const url = (key, flag) => `${c.origin}/devtools.html?${flag ? 'desire-path-devtools&' : ''}key=${key}&j=${encodeURIComponent(JSON.stringify(JOURNEY))}`
  const { context, close } = await env.launch()
  await context.addInitScript(VIOLATIONS)
  mkdirSync(SHOTS, { recursive: true })
  let page
  try {
    page = await context.newPage()
    await page.setViewportSize({ width: 1000, height: 700 })
    const w = watch(page)
    const s = watchSecurity(page)
    const devtoolsRequests = []
    page.on('request', (r) => r.url().includes('desire-path-devtools.iife.js') && devtoolsRequests.push(r.url()))
    await page.goto(url('dp-devtools-1', true))
    const opened = await waitFor(async () => (await overlay(page))?.open, { timeout: 10_000 })
    if (!opened) fail('the URL flag did not open the overlay')
    if (devtoolsRequests.length != 1) fail(`${devtoolsRequests.length} requests for the devtools bundle (1 expected)`)
    const buildHasIt = readFileSync(ROOT + 'dist/desire-path.iife.js', 'utf8').includes('customElements')
    if (buildHasIt) fail('the script-tag build contains the overlay')

    // scripted events: the stage follows
    await page.evaluate(() => window.desirePath.track('Signed Up'))
    const signed = await waitFor(async () => (await overlay(page))?.stage == 'signed-up', { timeout: 8_000 })
    if (!signed) fail(`stage after Signed Up: ${(await overlay(page))?.stage}`)
    await click(page, 'tab-nudges')
    // the welcome nudge is shown; the other one waits for the policy's 3 s gap
    const gapped = await waitFor(async () => {
      const o = await overlay(page)
      return o?.nudges.welcome == 'showing' && o.nudges['invite-tip'] == 'gap' && o
    }, { timeout: 8_000 })
    if (!gapped) fail(`nudges before the gap is over: ${JSON.stringify((await overlay(page))?.nudges)}`)
    await page.screenshot({ path: SHOTS + 'nudges-light.png' })
    details.shots.push('nudges-light.png')
    // the gap passes; an evaluation after it (one per event) offers it
    await page.evaluate(() => window.desirePath.track('Project Created'))
    const shown = await waitFor(
      async () => {
        await page.evaluate(() => window.desirePath.track('Heartbeat'))
        return (await overlay(page))?.nudges['invite-tip'] == 'showing'
      },
      { timeout: 10_000, interval: 500 },
    )
    if (!shown) fail(`invite-tip after the gap: ${JSON.stringify((await overlay(page))?.nudges)}`)
    details.reason = { before: gapped ? 'gap' : '?', after: shown ? 'showing' : '?' }

    // overlay actions send nothing
    await page.evaluate(() => window.desirePath.flush())
    await settle(c)
    const sentBefore = c.accepted.length
    const idBefore = await page.evaluate(() => window.desirePath.tracker.anonymousId)
    for (const [panel, file] of [['journey', 'journey'], ['queue', 'queue'], ['identity', 'identity']]) {
      await click(page, 'tab-' + panel)
      await page.waitForFunction((p) => document.querySelector('desire-path-devtools').shadowRoot.querySelector(`[data-dp="panel-${p}"]`)?.checkVisibility?.() ?? true, panel)
      await page.screenshot({ path: SHOTS + file + '-light.png' })
      details.shots.push(file + '-light.png')
    }
    await click(page, 'tab-journey')
    await page.evaluate(() => {
      const sel = document.querySelector('desire-path-devtools').shadowRoot.querySelector('[data-dp="jump-select"]')
      sel.value = 'activated'
      sel.dispatchEvent(new Event('change', { bubbles: true }))
    })
    await click(page, 'jump')
    const sim = await waitFor(async () => {
      const o = await overlay(page)
      return o?.simulated && o.stage == 'activated' && o
    }, { timeout: 5_000 })
    if (!sim) fail(`jump to Activated: ${JSON.stringify(await overlay(page))}`)
    await page.screenshot({ path: SHOTS + 'simulated-light.png' })
    details.shots.push('simulated-light.png')
    await click(page, 'back-to-live')
    const live = await waitFor(async () => {
      const o = await overlay(page)
      return !o?.simulated && o?.stage == 'signed-up'
    }, { timeout: 5_000 })
    if (!live) fail(`back to live: ${JSON.stringify(await overlay(page))}`)
    const real = await page.evaluate(() => window.desirePath.journey()?.stage)
    if (real != 'signed-up') fail(`the simulation changed the real journey: ${real}`)
    await click(page, 'reset')
    const idAfter = await waitFor(() => page.evaluate((a) => window.desirePath.tracker.anonymousId != a && window.desirePath.tracker.anonymousId, idBefore), { timeout: 3_000 })
    if (!idAfter) fail('reset did not give a new anonymousId')
    // Esc collapses to the badge
    await page.evaluate(() => document.querySelector('desire-path-devtools').shadowRoot.querySelector('[data-dp="tab-journey"]').focus())
    await page.keyboard.press('Escape')
    const collapsed = await waitFor(async () => {
      const o = await overlay(page)
      return o && !o.open && o.badge
    }, { timeout: 3_000 })
    if (!collapsed) fail('Esc did not collapse the overlay')
    await page.screenshot({ path: SHOTS + 'badge-light.png' })
    details.shots.push('badge-light.png')
    details.badge = collapsed
    // dark: each panel
    if ((await page.emulateMedia({ colorScheme: 'dark' })) == 'unsupported') details.note = `${env.browser}: no prefers-color-scheme emulation in its driver: the "-dark" screenshots are light`
    await click(page, 'badge')
    for (const panel of ['journey', 'nudges', 'queue', 'identity']) {
      await click(page, 'tab-' + panel)
      await page.screenshot({ path: SHOTS + panel + '-dark.png' })
      details.shots.push(panel + '-dark.png')
    }
    await click(page, 'collapse')
    await page.screenshot({ path: SHOTS + 'badge-dark.png' })
    details.shots.push('badge-dark.png')
    await page.evaluate(() => window.desirePath.flush())
    await settle(c)
    const sentByOverlay = c.accepted.length - sentBefore
    if (sentByOverlay) fail(`the overlay's actions sent ${sentByOverlay} events: ${c.accepted.slice(sentBefore).map((e) => e.event || e.type).join(', ')}`)
    details.sentByOverlay = sentByOverlay
    if ((await overlay(page))?.count != 1) fail('more than one overlay element')
    const v = await page.evaluate(() => window.__violations)
    if (v.length || s.csp.length) fail(`CSP: ${[...v, ...s.csp].join('; ')}`)
    if (w.pageErrors.length || w.rejections.length) fail(`page errors: ${[...w.pageErrors, ...w.rejections].join('; ')}`)
    details.violations = v.length + s.csp.length
    await page.close()

    // the shortcut, on a page without the flag
    page = await context.newPage()
    await page.goto(url('dp-devtools-2', false))
    await page.waitForFunction(() => window.desirePath?.tracker)
    if (await overlay(page)) fail('the overlay opened without the flag or the shortcut')
    await page.keyboard.press('Control+Shift+Y')
    const byKey = await waitFor(async () => (await overlay(page))?.open, { timeout: 10_000 })
    if (!byKey) fail('Ctrl+Shift+Y did not open the overlay')
    details.shortcut = !!byKey
    await page.close()

    // a refused definition: the overlay loads the full validator (dist/validate.js, beside
    // it) and lists every error with its JSON path
    const broken = { id: 'broken', version: '1.0', stages: [{ id: 'visitor', entry: { evnt: { name: 'x' } } }] }
    page = await context.newPage()
    const w2 = watch(page)
    await page.goto(url('dp-devtools-3', true).replace(/&j=[^&]*/, '&j=' + encodeURIComponent(JSON.stringify(broken))))
    // the overlay opens on the panel it remembers (Identity, from the first page)
    await waitFor(async () => (await overlay(page))?.open, { timeout: 10_000 })
    await click(page, 'tab-journey')
    const listed = await waitFor(
      () => page.evaluate(() => [...(document.querySelector('desire-path-devtools')?.shadowRoot?.querySelectorAll('[data-dp="definition-error"]') || [])].map((e) => e.textContent)).then((l) => l.length && l),
      { timeout: 10_000 },
    )
    if (!listed) fail(`a refused definition: no validator errors listed; the panel says: ${await page.evaluate(() => document.querySelector('desire-path-devtools')?.shadowRoot?.querySelector('[data-dp="panel-journey"]')?.textContent)}`)
    else if (!listed.some((t) => t.includes('stages[0].entry'))) fail(`a refused definition: ${listed.join('; ')}`)
    details.refused = listed || []
    const v2 = await page.evaluate(() => window.__violations)
    if (v2.length || w2.pageErrors.length) fail(`refused page: ${[...v2, ...w2.pageErrors].join('; ')}`)
  } catch (e) {
    fail('error: ' + (e?.stack || e))
  } finally {
    await close()
  }
  return {
    name: 'devtools overlay: on demand, live stage and nudge reasons, simulation, nothing sent, strict CSP',
    ok: !failures.length,
    details: {
      summary: `opened by flag and by Ctrl+Shift+Y: ${details.shortcut ? 'yes' : 'no'}; refused definition: ${details.refused?.length ?? 0} errors listed; reason ${details.reason?.before}→${details.reason?.after}; sent by the overlay ${details.sentByOverlay}; ${details.violations ?? '?'} CSP violations; ${details.shots.length} screenshots in test-results/devtools/`,
      failures,
      ...details,
    },
  }
}
