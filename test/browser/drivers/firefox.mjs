// Launches Debian's Firefox ESR through puppeteer-core over WebDriver BiDi (never downloads
// a browser; playwright-core cannot drive a stock Firefox) and wraps it in the part of
// Playwright's persistent-context API the scenarios use, so one scenario file runs in
// every engine. Where an API has no BiDi equivalent, the method throws a clear error.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import puppeteer from 'puppeteer-core'

export const FIREFOX = process.env.FIREFOX_PATH || '/usr/bin/firefox-esr'

/** `waitUntil` as puppeteer spells it. */
const until = (o = {}) => ({ waitUntil: o.waitUntil == 'domcontentloaded' ? 'domcontentloaded' : 'load', timeout: o.timeout ?? 30_000 })
/** Playwright's console types, from puppeteer's. */
const TYPE = { warn: 'warning' }
// (and a subresource integrity refusal, which Chromium also logs to the console)
const CSP = /^Content-Security-Policy: |in the integrity attribute match/

/**
 * In the page: the elements matching `sel` in the document and in every open shadow root
 * (Playwright's locators pierce shadow roots; puppeteer's CSS does not), whose text is
 * `text` (exactly, or contained), and which are visible if `visible`.
 */
const deepAll = (sel, text, exact, visible) => {
  const out = []
  const visit = (root) => {
    out.push(...root.querySelectorAll(sel))
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) visit(el.shadowRoot)
  }
  visit(document)
  return out.filter((el) => {
    const t = (el.textContent || '').trim()
    if (text != null && !(exact ? t == text : t.includes(text))) return false
    return !visible || (el.getClientRects().length > 0 && getComputedStyle(el).visibility != 'hidden')
  })
}

/** A Playwright-like locator: `sel` through shadow roots, optionally filtered by text. */
function locator(p, sel, text, exact) {
  const first = async (visible, timeout = 30_000) => {
    await p.waitForFunction(`(${deepAll})(${JSON.stringify(sel)}, ${JSON.stringify(text ?? null)}, ${!!exact}, ${visible}).length > 0`, { timeout, polling: 50 })
    return p.evaluateHandle(`(${deepAll})(${JSON.stringify(sel)}, ${JSON.stringify(text ?? null)}, ${!!exact}, ${visible})[0]`)
  }
  return {
    click: async (o = {}) => (await first(true, o.timeout)).click(),
    count: () => p.evaluate(`(${deepAll})(${JSON.stringify(sel)}, ${JSON.stringify(text ?? null)}, ${!!exact}, false).length`),
    isVisible: () => p.evaluate(`(${deepAll})(${JSON.stringify(sel)}, ${JSON.stringify(text ?? null)}, ${!!exact}, true).length > 0`),
    waitFor: async (o = {}) => void (await first(true, o.timeout)),
    screenshot: async (o = {}) => (await first(true, o.timeout)).screenshot({ path: o.path }),
    getByText: (t, o = {}) => locator(p, `${sel} *, ${sel}`, t, o.exact),
    first: () => locator(p, sel, text, exact),
    evaluate: async (fn, arg) => (await first(false)).evaluate(fn, arg),
  }
}

/** A puppeteer page dressed as a Playwright page (the methods the scenarios call). */
function wrap(p, ctx) {
  const page = {
    _p: p,
    context: () => ctx,
    url: () => p.url(),
    goto: (url, o) => p.goto(url, until(o)),
    reload: (o) => p.reload(until(o)),
    close: () => p.close().catch(() => {}),
    evaluate: (fn, arg) => p.evaluate(fn, arg),
    waitForFunction: (fn, arg, o = {}) => p.waitForFunction(fn, { timeout: o.timeout ?? 30_000, polling: o.polling ?? 50 }, arg),
    click: (sel, o = {}) => p.waitForSelector(sel, { visible: true, timeout: o.timeout ?? 30_000 }).then((h) => h.click()),
    waitForSelector: (sel, o = {}) =>
      p.waitForSelector(sel, { timeout: o.timeout ?? 30_000, hidden: o.state == 'detached' || o.state == 'hidden', visible: o.state == 'visible' }),
    waitForURL: (re, o = {}) => p.waitForFunction((s, f) => new RegExp(s, f).test(location.href), { timeout: o.timeout ?? 30_000, polling: 50 }, re.source, re.flags),
    waitForLoadState: () => p.waitForFunction(() => document.readyState == 'complete', { polling: 50 }),
    waitForEvent: (type) => new Promise((r) => p.once(type, r)),
    screenshot: (o = {}) => p.screenshot({ path: o.path, fullPage: o.fullPage }),
    setViewportSize: (s) => p.setViewport(s),
    // puppeteer emulates media features through CDP only: in Firefox, say so to the scenario
    emulateMedia: async () => 'unsupported',
    addScriptTag: (o) => p.addScriptTag(o),
    keyboard: {
      press: async (keys) => {
        const parts = keys.split('+').map((k) => (k == 'Control' ? 'Control' : k.length == 1 ? k.toLowerCase() : k))
        for (const k of parts.slice(0, -1)) await p.keyboard.down(k)
        await p.keyboard.press(parts.at(-1))
        for (const k of parts.slice(0, -1).reverse()) await p.keyboard.up(k)
      },
    },
    mouse: { move: (x, y) => p.mouse.move(x, y) },
    locator: (sel) => locator(p, sel),
    addInitScript: (s) => p.evaluateOnNewDocument(typeof s == 'function' ? `(${s})()` : s),
    on(type, fn) {
      if (type == 'console') {
        p.on('console', (m) => fn({ text: () => m.text(), type: () => TYPE[m.type()] || m.type() }))
        // Firefox logs a CSP refusal as a JavaScript error entry (puppeteer's 'pageerror'),
        // even when the page caught it; Chromium logs it to the console: so it goes there
        p.on('pageerror', (e) => CSP.test(e?.message) && fn({ text: () => String(e.message), type: () => 'error' }))
      } else if (type == 'pageerror') p.on('pageerror', (e) => CSP.test(e?.message) || fn(e))
      else p.on(type, fn)
      return page
    },
  }
  return page
}

/** A fresh Firefox profile: its tabs share one origin's storage, like Chromium's persistent context. */
export async function launch() {
  const dir = mkdtempSync(join(tmpdir(), 'dp-firefox-'))
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    userDataDir: dir,
    // no updates, telemetry or first-run pages on this closed network
    extraPrefsFirefox: { 'app.update.enabled': false, 'datareporting.policy.dataSubmissionEnabled': false, 'browser.shell.checkDefaultBrowser': false },
  })
  const inits = []
  const exposed = []
  const listeners = []
  const routes = []
  /** Requests through context.route's handlers (puppeteer's interception), the rest go on. */
  const intercept = async (p) => {
    await p.setRequestInterception(true)
    p.on('request', async (req) => {
      const r = routes.find(([glob]) => glob.test(req.url()))
      if (!r) return void req.continue().catch(() => {})
      // over BiDi the body is fetched (Playwright hands it over at once)
      const body = req.hasPostData() ? await req.fetchPostData().catch(() => undefined) : undefined
      r[1]({
        request: () => ({ url: () => req.url(), method: () => req.method(), postData: () => body ?? null, frame: () => ({ url: () => req.frame()?.url() || '' }) }),
        continue: () => req.continue(),
        abort: () => req.abort('connectionreset'),
        fulfill: (o) => req.respond({ status: o.status, body: o.body ?? '', headers: o.headers, contentType: o.contentType }),
      })
    })
  }
  /** Playwright's `**` globs: `**` any characters, `*` any but a slash. */
  const glob = (g) => new RegExp('^' + g.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*\*/g, '\0').replace(/\*/g, '[^/]*').replace(/\0/g, '.*') + '$')
  const pages = []
  const prepare = async (p) => {
    for (const s of inits) await p.evaluateOnNewDocument(s)
    for (const [name, fn] of exposed) await p.exposeFunction(name, fn)
    const w = wrap(p, context)
    for (const [type, fn] of listeners) w.on(type, fn)
    if (routes.length) await intercept(p)
    pages.push(w)
    p.once('close', () => pages.splice(pages.indexOf(w), 1))
    return w
  }
  const context = {
    browserName: 'firefox',
    newPage: async () => prepare(await browser.newPage()),
    pages: () => [...pages],
    async addInitScript(s) {
      const src = typeof s == 'function' ? `(${s})()` : s
      inits.push(src)
      for (const w of pages) await w._p.evaluateOnNewDocument(src)
    },
    async exposeFunction(name, fn) {
      exposed.push([name, fn])
      for (const w of pages) await w._p.exposeFunction(name, fn)
    },
    /** Page events of every page, now and later ('request', 'console', ...). */
    on(type, fn) {
      listeners.push([type, fn])
      for (const w of pages) w.on(type, fn)
    },
    async route(pattern, handler) {
      const first = !routes.length
      routes.push([glob(pattern), handler, pattern])
      if (first) for (const w of pages) await intercept(w._p)
    },
    async unroute(pattern) {
      routes.splice(0, routes.length, ...routes.filter((r) => r[2] != pattern))
    },
    close: () => browser.close().catch(() => {}),
  }
  // the blank first tab puppeteer opens is one of the context's pages, as in Chromium
  for (const p of await browser.pages()) await prepare(p)
  const close = async () => {
    await browser.close().catch(() => {})
    rmSync(dir, { recursive: true, force: true })
  }
  return { context, close }
}
