// The default renderer under a strict CSP: pages served with
// `Content-Security-Policy: default-src 'self'; require-trusted-types-for 'script'` (every
// script an external same-origin file, no unsafe-inline anywhere) load the tracker and the
// renderer — run 0 the ESM build (dist/nudges.js, imported by a module script), run 1 the IIFE
// build (dist/desire-path-nudges.iife.js) — with one always-eligible nudge per slot: modal,
// popover, banner, tooltip (its anchor element on the page) and inline (its target container
// on the page). Every slot must render (its title visible in the shadow root, styled by the
// constructable stylesheet, the theme's accent applied), only the renderer's own elements,
// and each show must reach the collector (Nudge Shown per slot). A click on the modal's ×
// and on the popover's call to action must give Nudge Dismissed / Nudge Clicked; detach
// must remove everything. No securitypolicyviolation event (listener installed by the
// page's first script) nor CSP / Trusted Types console report may come, nor page error.
// Then, as a positive control, an innerHTML assignment must be refused by Trusted Types and
// reported to that listener. Run 0 writes screenshots to test-results/nudges/<slot>.png
// (and page.png: the page with the four non-modal nudges) for review by eye.
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { pageUrl, settle, waitFor, watch } from './helpers.mjs'
import { CSP, collectorCount, journeyWith, must, nudgeEvents, nudgeState, trackerOptions, watchSecurity } from './nudge-common.mjs'
import { endChecks, failure } from './journey-common.mjs'

const SHOTS = fileURLToPath(new URL('../../../test-results/nudges/', import.meta.url))
const SLOTS = ['modal', 'popover', 'banner', 'tooltip', 'inline']
const always = { rule: { all: [] } }
const NUDGES = [
  {
    id: 'tour',
    slot: 'modal',
    content: {
      title: 'Take the two-minute tour',
      body: 'See how projects, reports and teammates fit together.',
      cta: [
        { label: 'Start the tour', href: 'https://example.com/tour', id: 'tour' },
        { label: 'Later', id: 'later' },
      ],
      dismissLabel: 'Close the tour',
    },
  },
  { id: 'invite', slot: 'popover', content: { title: 'Work is better together', body: 'Invite a teammate to your workspace.', cta: { label: 'Invite', id: 'invite' } } },
  { id: 'trial', slot: 'banner', content: { title: 'Your trial ends in 3 days', body: 'Pick a plan to keep your projects.', cta: { label: 'See plans', href: '/pricing', id: 'plans' } } },
  { id: 'help', slot: 'tooltip', content: { title: 'Stuck?', body: 'Search the docs or ask us.', anchor: '#help-anchor' } },
  { id: 'import', slot: 'inline', content: { title: 'Import your data', body: 'Bring projects over from a CSV file.', cta: { label: 'Import', id: 'import' }, target: '#inline-target' } },
].map((n) => ({ ...n, trigger: always }))
const TITLE = Object.fromEntries(NUDGES.map((n) => [n.slot, n.content.title]))
// computed `position` of each slot's box: the stylesheet was applied
const POSITION = { modal: 'relative', popover: 'fixed', banner: 'fixed', tooltip: 'fixed', inline: 'relative' }
const ACCENT = 'rgb(10, 127, 90)'
const BUILDS = [
  { build: 'esm', file: 'nudge-csp.html' },
  { build: 'iife', file: 'nudge-csp-iife.html' },
]

export default async function nudgeCsp(env) {
  const runs = []
  for (let run = 0; run < BUILDS.length; run++) runs.push(await once(env, run, BUILDS[run]))
  const passed = runs.filter((r) => !r.failures.length).length
  const failures = runs.flatMap((r) => r.failures.map((f) => `run ${r.run} (${r.build}): ${f}`))
  const fmt = (r) => `${r.build}: ${r.rendered ?? '-'}/5 rendered, ${r.shown ?? '-'}/5 shown`
  return {
    name: 'nudges under a strict CSP',
    ok: passed === runs.length,
    details: {
      summary:
        `${passed}/${runs.length} runs ok [${runs.map(fmt).join('; ')}]; ` +
        `${runs.reduce((n, r) => n + (r.violations ?? 0), 0)} CSP violations, ${runs.reduce((n, r) => n + (r.cspConsole ?? 0), 0)} CSP console reports, ` +
        `control refused+reported: ${runs.map((r) => (r.control ? 'yes' : 'no')).join('/')}; ` +
        `${runs.reduce((n, r) => n + (r.shots?.length || 0), 0)} screenshots in test-results/nudges/`,
      failures,
      runs,
    },
  }
}

async function once(env, run, { build, file }) {
  const c = await env.collector({ headers: { 'content-security-policy': CSP } })
  const { context, close } = await env.launch()
  const failures = []
  const fail = (m) => failures.push(m)
  const r = { run, build, failures }
  let w
  let sec
  try {
    const page = await context.newPage()
    w = watch(page)
    sec = watchSecurity(page)
    const url = pageUrl(c.origin, file, { j: trackerOptions(c, `nudge-csp-${env.seed}-${run}`, journeyWith('nudge-csp', NUDGES)) })
    const res = await page.goto(url)
    await must(res.headers()['content-security-policy'] === CSP, `the page came without the CSP header: ${JSON.stringify(res.headers())}`)
    const ready = await waitFor(() => page.evaluate(() => window.__nudge.decisions.length >= 5 && window.__dpInspect().boxes.length >= 5), { timeout: 8_000, interval: 25 })
    await must(ready, async () => `not all 5 nudges rendered within 8 s: ${JSON.stringify({ state: await nudgeState(page), boxes: (await page.evaluate(() => window.__dpInspect())).boxes })}`)
    const state = await nudgeState(page)
    if (state.createError) fail(`createTracker threw: ${state.createError}`)
    const seenBuild = await page.evaluate(() => ({ build: window.__nudge.build, iife: typeof window.desirePath.renderNudges }))
    // the ESM run's page loads desire-path-nudges.iife.js too, for the script-tag tracker's
    // nudge policy: what tells the renderer used is the page's own record of it
    if (seenBuild.build !== build || seenBuild.iife != 'function') fail(`the page ran ${JSON.stringify(seenBuild)} (want the ${build} renderer)`)

    // every slot: rendered, visible, styled, its show counted
    const seen = (r.inspect = await page.evaluate(() => window.__dpInspect()))
    r.rendered = 0
    for (const slot of SLOTS) {
      const boxes = seen.boxes.filter((b) => b.slot === slot)
      const visible = await page
        .locator(`.dp.${slot}`)
        .getByText(TITLE[slot], { exact: true })
        .isVisible()
        .catch(() => false)
      if (boxes.length !== 1 || boxes[0].title !== TITLE[slot] || !visible) fail(`${slot}: ${boxes.length} box(es) ${JSON.stringify(boxes)}, title visible ${visible}`)
      else r.rendered++
      if (boxes[0] && boxes[0].position !== POSITION[slot]) fail(`${slot}: computed position ${boxes[0].position} (want ${POSITION[slot]}: the stylesheet is not applied)`)
    }
    if (seen.bad.length) fail(`unexpected in the shadow roots: ${seen.bad.slice(0, 5).join('; ')}`)
    if (seen.lightDanger.length) fail(`unexpected in the page: ${seen.lightDanger.slice(0, 5).join('; ')}`)
    if (seen.sheets.some((n) => n !== 1)) fail(`adopted stylesheets per shadow root: ${seen.sheets.join(',')} (want 1 each)`)
    const accent = await page
      .locator('.dp.banner .c')
      .first()
      .evaluate((e) => getComputedStyle(e).backgroundColor)
      .catch((e) => String(e))
    if (accent !== ACCENT) fail(`the banner's call to action is ${accent} (want the theme's ${ACCENT})`)
    // the tooltip sits by its anchor (below it, or above when there is no room)
    // (measured once its entry animation, a translateY, is over)
    const place = await page.evaluate(async () => {
      const a = document.querySelector('#help-anchor').getBoundingClientRect()
      const host = [...document.querySelectorAll('body > div')].find((d) => d.shadowRoot?.querySelector('.tooltip'))
      const box = host?.shadowRoot.querySelector('.tooltip')
      if (!box) return null
      await Promise.all(box.getAnimations().map((x) => x.finished.catch(() => {})))
      const t = box.getBoundingClientRect()
      return { gapBelow: Math.round(t.top - a.bottom), gapAbove: Math.round(a.top - t.bottom), overlapX: t.left < a.right && t.right > a.left }
    })
    r.tooltip = place
    if (!place || !place.overlapX || !(Math.abs(place.gapBelow - 8) <= 1 || Math.abs(place.gapAbove - 8) <= 1)) fail(`the tooltip is not by its anchor: ${JSON.stringify(place)}`)

    await must(await collectorCount(c, 'Nudge Shown', 5), () => `the collector got ${nudgeEvents(c, 'Nudge Shown').copies} Nudge Shown (want 5)`)
    await settle(c, { quiet: 300 })
    const shown = nudgeEvents(c, 'Nudge Shown')
    r.shown = SLOTS.filter((s) => shown.events.filter((e) => e.properties?.slot === s).length === 1).length
    if (r.shown !== 5 || shown.copies !== 5 || shown.unique !== 5) fail(`Nudge Shown by slot: ${JSON.stringify(shown.events.map((e) => e.properties?.slot))} (${shown.unique} messageIds)`)

    // screenshots (run 0): the modal over the page, then each of the others once it is closed
    const shots = (r.shots = [])
    const shot = async (name, fn) => {
      try {
        await fn(SHOTS + name + '.png')
        shots.push(name + '.png')
      } catch (e) {
        fail(`screenshot ${name}: ${String(e).split('\n')[0]}`)
      }
    }
    if (run == 0) {
      mkdirSync(SHOTS, { recursive: true })
      await shot('modal', (path) => page.screenshot({ path, animations: 'disabled' }))
    }

    // a click on the modal's ×: dismissed; on the popover's call to action: clicked
    await page.locator('.dp.modal .x').click({ timeout: 5_000 })
    await must(await collectorCount(c, 'Nudge Dismissed', 1, 'tour'), 'no Nudge Dismissed after a click on the modal\'s ×')
    if (await page.locator('.dp.modal').count()) fail('the modal is still there after a click on its ×')

    if (run == 0) {
      await shot('banner', (path) => page.locator('.dp.banner').screenshot({ path, animations: 'disabled' }))
      await shot('popover', (path) => page.locator('.dp.popover').screenshot({ path, animations: 'disabled' }))
      await shot('inline', (path) => page.locator('#inline-target').screenshot({ path, animations: 'disabled' }))
      // the tooltip with its anchor
      const clip = await page.evaluate(() => {
        const a = document.querySelector('#help-anchor').getBoundingClientRect()
        const host = [...document.querySelectorAll('body > div')].find((d) => d.shadowRoot?.querySelector('.tooltip'))
        const t = host.shadowRoot.querySelector('.tooltip').getBoundingClientRect()
        const x = Math.max(0, Math.min(a.left, t.left) - 24)
        const y = Math.max(0, Math.min(a.top, t.top) - 24)
        return { x, y, width: Math.max(a.right, t.right) + 24 - x, height: Math.max(a.bottom, t.bottom) + 24 - y }
      })
      await shot('tooltip', (path) => page.screenshot({ path, clip, animations: 'disabled' }))
      await shot('page', (path) => page.screenshot({ path, animations: 'disabled' }))
    }

    await page.locator('.dp.popover .c').click({ timeout: 5_000 })
    await must(await collectorCount(c, 'Nudge Clicked', 1, 'invite'), 'no Nudge Clicked after a click on the popover\'s call to action')
    const clicked = nudgeEvents(c, 'Nudge Clicked').events[0]
    if (clicked?.properties?.cta !== 'invite') fail(`Nudge Clicked: ${JSON.stringify(clicked?.properties)} (want cta invite)`)
    if (await page.locator('.dp.popover').count()) fail('the popover is still there after a click on its call to action')

    // detach: every element and listener gone
    await page.evaluate(() => window.__detach())
    const after = await page.evaluate(() => window.__dpInspect())
    if (after.roots || after.boxes.length) fail(`after detach: ${after.roots} shadow roots, ${after.boxes.length} boxes left`)
    await settle(c, { quiet: 300 })

    // no violation, no report, no canary, no error so far
    const end = await nudgeState(page)
    r.violations = end.violations.length
    r.cspConsole = sec.csp.length
    if (end.violations.length) fail(`securitypolicyviolation: ${end.violations.slice(0, 3).map((v) => JSON.stringify(v)).join(' | ')}`)
    if (sec.csp.length) fail(`CSP console reports: ${sec.csp.slice(0, 3).join(' | ')}`)
    if (end.pwned || sec.pwned.length || sec.dialogs.length) fail(`canary ${end.pwned}, dialogs ${sec.dialogs.join(', ')}`)
    if (Object.keys(end.codes).length) fail(`onError: ${JSON.stringify(end.codes)} ${end.messages.slice(0, 3).join(' | ')}`)

    // positive control: Trusted Types refuses an innerHTML string, and the listener hears it
    const control = await page.evaluate(() => {
      let refused = false
      try {
        // eslint-disable-next-line no-restricted-properties -- the control: Trusted Types must refuse this
        document.createElement('div').innerHTML = '<b>x</b>'
      } catch (e) {
        refused = e instanceof TypeError
      }
      return new Promise((resolve) => setTimeout(() => resolve({ refused, reported: window.__violations.some((v) => /trusted-types/.test(v.directive)) }), 100))
    })
    r.control = control.refused && control.reported
    if (!r.control) fail(`positive control: innerHTML ${control.refused ? 'refused' : 'allowed'}, ${control.reported ? '' : 'not '}reported to the securitypolicyviolation listener`)
  } catch (e) {
    fail(failure(e))
  } finally {
    await close()
    await c.close()
  }
  endChecks(r, fail, c, w ? [w] : [], (t) => !t.startsWith('[dp-csp]') && !/Trusted ?Type|trusted-types|Content[ -]Security[ -]Policy/i.test(t)) // the control's refusal (Firefox words it "Content-Security-Policy: … require-trusted-types-for")
  return r
}
