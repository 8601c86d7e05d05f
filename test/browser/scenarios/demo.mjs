// `npm run demo` as a newcomer meets it: the scenario starts the command itself (free
// ports, a temporary store), reads the URLs it prints and walks one customer through it:
//   marketing site (the snippet): home → "See pricing" → Pricing → "Request a demo" (the
//   consideration stage) → "Start a free trial" → the product app (React, npm package):
//   the overlay (its Devtools button) shows Consideration; Sign up → Onboarding; "Create a
//   workspace" → the connect-nudge banner (default renderer) → dismissed; two dashboards
//   shared → Adoption → the integrations-nudge popover (the app's React component) →
//   dismissed. One batch's answer is lost on the way back (the collector stored it, the
//   browser sees a network error), so the SDK sends it again.
// Asserted: every messageId the browser sent is in the demo's SQLite store exactly once,
// the resend was dropped at the door (/stats), each action stored once, both nudges'
// Shown and Dismissed stored; no console error, page error or CSP violation; then Ctrl+C
// (SIGINT to the process group): the demo says it stopped, and no process of it is left.
// The customer's anonymousId is chosen outside the journey's 10% holdout (armOf), so the
// nudges show. Screenshots: test-results/demo/ (the README's are copies: docs/demo/, taken
// with DP_DEMO_SIMULATE=2000, which starts the demo with --simulate 2000 so the app shows
// the learned path).
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { waitFor, watch } from './helpers.mjs'
import { watchSecurity } from './nudge-common.mjs'
import { VIOLATIONS } from './snippet-common.mjs'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const SHOTS = ROOT + 'test-results/demo/'

/** Starts `npm run demo` in its own process group; resolves with its URLs once it listens. */
async function startDemo(dir) {
  const simulate = process.env.DP_DEMO_SIMULATE ? ['--simulate', process.env.DP_DEMO_SIMULATE] : []
  const child = spawn('npm', ['run', 'demo', '--', '--port', '0', '--collector-port', '0', '--dir', dir, ...simulate], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  const out = { text: '', exit: null }
  child.stdout.on('data', (d) => (out.text += d))
  child.stderr.on('data', (d) => (out.text += d))
  child.on('exit', (code, signal) => (out.exit = { code, signal }))
  // with --simulate, the URLs come first and the learned definition once learn has run
  const done = simulate.length ? /demo: the sites now load/ : /demo: product +(\S+)/
  const ready = await waitFor(() => out.exit || done.test(out.text), { timeout: simulate.length ? 300_000 : 90_000 })
  const url = out.text.match(/demo: product +(\S+)/)?.[1]
  if (!ready || !url) throw new Error(`npm run demo did not start: ${out.text.slice(-800)}`)
  return {
    child,
    out,
    origin: new URL(url).origin,
    product: url,
    marketing: out.text.match(/demo: marketing +(\S+)/)[1],
    store: out.text.match(/SQLite (\S+)/)[1],
  }
}

const alive = (pid) => {
  try {
    process.kill(-pid, 0)
    return true
  } catch (e) {
    return e.code != 'ESRCH'
  }
}

/** Elements inside open shadow roots (the renderer's and the overlay's): the first matching `sel`. */
const inShadow = (page, sel, what = 'text') =>
  page.evaluate(
    ([sel, what]) => {
      for (const host of document.querySelectorAll('*')) {
        const el = host.shadowRoot?.querySelector(sel)
        if (el) return what == 'text' ? el.textContent : el.getAttribute(what)
      }
      return null
    },
    [sel, what],
  )
/** Resolves once the page's animations (the renderer's fade-in, inside shadow roots too) are over: for the screenshots. */
const still = (page) =>
  page.evaluate(() => Promise.all([document, ...[...document.querySelectorAll('*')].map((e) => e.shadowRoot).filter(Boolean)].flatMap((r) => r.getAnimations().map((a) => a.finished.catch(() => 0)))))
const clickInShadow = (page, sel) =>
  page.evaluate((sel) => {
    for (const host of document.querySelectorAll('*')) {
      const el = host.shadowRoot?.querySelector(sel)
      if (el) return void el.click()
    }
    throw new Error('nothing matches ' + sel)
  }, sel)

export default async function demo(env) {
  const failures = []
  const fail = (m) => failures.push(m)
  const details = {}
  const dir = mkdtempSync(join(tmpdir(), 'dp-demo-'))
  let d
  try {
    d = await startDemo(dir)
    details.urls = { marketing: d.marketing, product: d.product }
    // a customer outside the holdout, so that both demo nudges show (the tracker takes a stored id)
    const { armOf } = await import(ROOT + 'dist/learn.js')
    const def = JSON.parse(readFileSync(join(dir, 'journey.json'), 'utf8'))
    let anon
    do anon = crypto.randomUUID()
    while (['connect-nudge', 'integrations-nudge'].some((n) => armOf(def, anon, n) != 'treatment'))

    const { context } = await env.launch()
    await context.addInitScript(VIOLATIONS)
    await context.addInitScript(`localStorage.getItem('desire-path:user') || localStorage.setItem('desire-path:user', ${JSON.stringify(JSON.stringify({ a: anon }))})`)
    // every batch the browser sends, and one lost answer on demand
    const sent = new Map()
    const sends = (details.sends = [])
    let loseNext = false
    let lost = null
    await context.route('**/v1/batch', async (route) => {
      const batch = JSON.parse(route.request().postData() || '{}').batch || []
      const ids = batch.map((m) => m.messageId)
      for (const id of ids) sent.set(id, (sent.get(id) || 0) + 1)
      sends.push(batch.map((m) => `${m.event || m.type}${sent.get(m.messageId) > 1 ? '*' : ''}`).join(', ') + ' @' + new URL(route.request().frame().url()).pathname)
      if (!loseNext) return route.continue()
      loseNext = false
      // the batch reaches the collector (from here, the same body), the browser's answer is lost
      const r = await fetch(route.request().url(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: route.request().postData() })
      lost = { status: r.status, ids }
      await route.abort('connectionreset')
    })
    const page = await context.newPage()
    const w = watch(page)
    const s = watchSecurity(page)
    mkdirSync(SHOTS, { recursive: true })

    // the marketing site: to the consideration stage, then into the product
    // (a tagged touchpoint is heard once the build has loaded: the stub's queue then goes)
    const loaded = () => page.waitForFunction(() => window.desirePath && !('$q' in window.desirePath))
    await page.goto(d.marketing)
    await loaded()
    await page.click('a[data-dp-cta="see-pricing"]')
    await page.waitForURL(/pricing\.html/)
    await loaded()
    await page.click('[data-dp-event="Demo Requested"]')
    await page.click('a[data-dp-cta="start-trial"]')
    await page.waitForURL(/product-app/)
    await page.waitForSelector('#signup')
    await page.click('#devtools')
    const stage = () => inShadow(page, '[data-dp="stage"]', 'data-stage')
    if (!(await waitFor(async () => (await stage()) == 'consideration', { timeout: 15_000 }))) fail(`overlay: stage ${await stage()} after the marketing site, not consideration`)

    // sign up (one batch's answer lost: resent), then onboarding's first step and its nudge
    loseNext = true
    await page.click('#signup')
    if (!(await waitFor(async () => (await stage()) == 'onboarding'))) fail(`overlay: stage ${await stage()} after signing up, not onboarding`)
    details.stageText = await inShadow(page, '[data-dp="stage"]')
    await still(page)
    await page.screenshot({ path: SHOTS + 'overlay.png' })
    await page.click('[data-event="Workspace Created"]')
    const banner = await waitFor(() => inShadow(page, '.dp.banner'))
    if (!banner?.includes('Next: connect a data source')) fail(`banner: ${banner || 'not shown'} after Workspace Created`)
    // the overlay repaints every second: with a learned path, the screenshot waits for the step it counts
    await waitFor(async () => !/0 of \d+ key steps/.test((await inShadow(page, '.box')) || ''), { timeout: 5_000 })
    await still(page)
    await page.screenshot({ path: SHOTS + 'banner.png' })
    await clickInShadow(page, '.dp.banner button.x')
    if (!(await waitFor(async () => !(await inShadow(page, '.dp.banner'))))) fail('banner: still there after Dismiss')

    // adoption: two dashboards shared → the React popover
    await page.click('nav a[href="#/dashboards"]')
    for (let i = 0; i < 2; i++) await page.click('[data-event="Dashboard Shared"]')
    if (!(await waitFor(async () => (await stage()) == 'adoption'))) fail(`overlay: stage ${await stage()} after two shared dashboards, not adoption`)
    const tip = await page.waitForSelector('.tip[data-nudge="integrations-nudge"]', { timeout: 10_000 }).catch(() => null)
    if (!tip) fail('popover: the React component showed no integrations-nudge')
    else {
      await still(page)
      await page.screenshot({ path: SHOTS + 'popover.png' })
      await page.click('.tip button.close')
      await page.waitForSelector('.tip', { state: 'detached', timeout: 5_000 }).catch(() => fail('popover: still there after Dismiss'))
    }

    // the store: everything the browser sent, once; the resend dropped at the door
    const db = new Database(d.store, { readonly: true, fileMustExist: true })
    try {
      const count = db.prepare('SELECT count(*) AS n FROM events WHERE message_id = ?')
      const named = db.prepare("SELECT name, json_extract(body, '$.properties.nudge') AS nudge, count(*) AS n FROM events WHERE anonymous_id = ? GROUP BY 1, 2")
      const want = { 'Demo Requested': 1, 'Signed Up': 1, 'Workspace Created': 1, 'Dashboard Shared': 2, 'Nudge Shown connect-nudge': 1, 'Nudge Dismissed connect-nudge': 1, 'Nudge Shown integrations-nudge': 1, 'Nudge Dismissed integrations-nudge': 1 }
      const rows = () => Object.fromEntries(named.all(anon).map((r) => [r.name + (r.nudge ? ' ' + r.nudge : ''), r.n]))
      const stored = await waitFor(() => {
        const r = rows()
        return Object.keys(want).every((k) => r[k]) && [...sent.keys()].every((id) => count.get(id).n) && r
      }, { timeout: 20_000 })
      const got = stored || rows()
      for (const [k, n] of Object.entries(want)) if (got[k] != n) fail(`store: ${got[k] ?? 0} × ${k}, not ${n}`)
      const missing = [...sent.keys()].filter((id) => count.get(id).n != 1)
      if (missing.length) fail(`store: ${missing.length} of ${sent.size} sent messageIds not stored once`)
      details.store = { sent: sent.size, sends: [...sent.values()].reduce((a, b) => a + b, 0), rows: db.prepare('SELECT count(*) AS n FROM events WHERE anonymous_id = ?').get(anon).n }
    } finally {
      db.close()
    }
    if (!lost || lost.status != 200) fail(`the lost answer: ${lost ? 'the collector answered ' + lost.status : 'no batch after signing up'}`)
    else if (!lost.ids.every((id) => sent.get(id) >= 2)) fail('the batch whose answer was lost was not sent again')
    const stats = await (await fetch(d.origin + '/stats')).json()
    details.duplicates = stats.duplicates
    if (!(stats.duplicates >= 1)) fail(`/stats: ${stats.duplicates} duplicates dropped, not ≥ 1 after a resend`)

    const v = await page.evaluate(() => window.__violations)
    if (v.length || s.csp.length) fail(`CSP: ${[...v, ...s.csp].join('; ')}`)
    if (w.pageErrors.length || w.rejections.length || w.consoleErrors.length) fail(`console: ${[...w.pageErrors, ...w.rejections, ...w.consoleErrors].join('; ')}`)
  } finally {
    if (d) {
      // Ctrl+C: the terminal sends SIGINT to the whole foreground group
      if (!d.out.exit) process.kill(-d.child.pid, 'SIGINT')
      const gone = await waitFor(() => d.out.exit && !alive(d.child.pid), { timeout: 15_000 })
      if (!gone) {
        fail(`still running 15 s after SIGINT: ${d.out.text.slice(-300)}`)
        if (alive(d.child.pid)) process.kill(-d.child.pid, 'SIGKILL')
      } else if (!/demo: stopped; the store stays in/.test(d.out.text)) fail(`no "stopped" line: ${d.out.text.slice(-300)}`)
      details.exit = d.out.exit
    }
    rmSync(dir, { recursive: true, force: true })
  }
  const st = details.store
  return {
    name: 'demo',
    ok: failures.length == 0,
    details: { ...details, failures, summary: st ? `${st.sent} messageIds sent (${st.sends} sends), ${st.rows} rows; ${details.duplicates} resend(s) dropped; stages consideration → onboarding → adoption; 2 nudges dismissed` : 'did not run through' },
  }
}
