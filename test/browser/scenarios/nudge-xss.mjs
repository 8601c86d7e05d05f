// 500 XSS payloads through the default renderer. The payloads (generated below: script tags,
// img onerror, svg onload, javascript:/data:/vbscript: URLs, iframe srcdoc, event-handler
// attributes, template/style injection, </style> breaks, CSS url(javascript:), mXSS-style
// nested markup, entity/URL/unicode-encoded and case/whitespace variants, template-language
// and string breakouts, selector tricks) each call the canary window.__pwned(n) (or alert,
// or fetch a /pwned… URL) if they ever run. Three passes, in one browser:
//   direct, strict CSP   nudge-xss.html served with `default-src 'self'; require-trusted-types-
//                        for 'script'`; per payload three renderers fed directly (see
//                        nudge-xss.js): every content field (title, body, CTA label/href/id,
//                        dismissLabel, popover anchor) is the payload in all five slots; the
//                        tooltip anchor and inline target selectors are the payload; the
//                        content or the slot is the bare payload. 5 batches of 100 payloads.
//   direct, no CSP       the same without any CSP: nothing but the renderer stands between a
//                        payload and the page, so the canary means something here.
//   journey, strict CSP  the real tracker: per batch of 100 payloads a journey with one
//                        nudge per payload (content fields as above; trigger: an event named
//                        the payload plus a `Payload Seen` property equal to it; audience: a
//                        trait equal to it), an identify and events carrying the payloads; the
//                        renderer shows the nudges one per slot at a time, each looked at, then
//                        clicked away (CTA for even payloads, × for odd ones). The collector
//                        must get each payload back literally and each nudge shown once.
// Fails on: any canary call, dialog or request to anything but the page's own files and the
// collector; any element in a shadow root but the renderer's own (div, button, h2, strong,
// p, a with an http(s) href) or any attribute but its own; any dangerous element or on*
// attribute in the light DOM; a payload not shown literally as text (title, body, CTA
// labels, close button's aria-label); a link whose href is not the payload resolved (or a
// link for a payload that is no http(s) URL); a securitypolicyviolation event or CSP console
// report; a page error or onError; renders, acks or events not as expected.
import { pageUrl, settle, waitFor, watch } from './helpers.mjs'
import { CSP, journeyWith, must, nudgeEvents, trackerOptions, watchSecurity } from './nudge-common.mjs'
import { failure } from './journey-common.mjs'

const BATCH = 100
const SLOTS = ['modal', 'popover', 'banner', 'tooltip', 'inline']

// ---- the payloads

/** Base payloads by category; `§` is replaced by a canary call naming the payload. */
const BASE = {
  script: [
    '<script>§</script>',
    '<script src="data:text/javascript,§"></script>',
    '<script type="module">§</script>',
    '</script><script>§</script>',
    '<scr<script>ipt>§</scr</script>ipt>',
    '"><script>§</script>',
    "'><script>§</script>",
    '<script>alert(1)</script>',
    '<script/x>§</script>',
    '<script>/*</script><script>*/§</script>',
    '<script src=/pwned-script.js></script>',
  ],
  img: [
    '<img src=x onerror=§>',
    '<img src="x" onerror="§">',
    '<img/src/onerror=§>',
    '<IMG SRC=x OnErRoR=§>',
    '<img src=x onerror=alert(1)>',
    '<img src onerror=§>',
    '<img src=/pwned-img onerror=§>',
    '<image src=x onerror=§>',
    '<img src="javascript:§">',
    '<img src=`x` onerror=§>',
    '<img srcset=",,,,,x" onerror=§>',
    '<picture><source srcset=x><img src=x onerror=§></picture>',
  ],
  svg: [
    '<svg onload=§>',
    '<svg/onload=§>',
    '<svg><script>§</script></svg>',
    '<svg><animate onbegin=§ attributeName=x dur=1s>',
    '<svg><a xlink:href="javascript:§"><text x=20 y=20>click</text></a></svg>',
    '<svg><foreignObject><iframe srcdoc="<script>parent.§</script>"></iframe></foreignObject></svg>',
    '<svg><set attributeName=onmouseover to=§>',
    "<svg><use href=\"data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg'><image href='1' onerror='§'/></svg>#x\"/></svg>",
    '<svg><image href=/pwned-svg onerror=§ />',
    '<math><maction actiontype=statusline xlink:href=javascript:§>x</maction></math>',
  ],
  url: [
    'javascript:§',
    'JaVaScRiPt:§',
    'javascript:/*--></title></style></textarea></script><svg/onload=§>',
    'java\tscript:§',
    'java\nscript:§',
    '\u0001javascript:§',
    ' javascript:§',
    'javascript&colon;§',
    '&#106;avascript:§',
    'javascript:%5f%5fpwned(0)',
    'data:text/html,<script>§</script>',
    'data:text/html;base64,PHNjcmlwdD5fX3B3bmVkKDApPC9zY3JpcHQ+',
    'vbscript:msgbox(1)',
    'javascript://%0a§',
    'jav&#x09;ascript:§',
    'javascript:void(§)',
    '//evil.example/x?§',
    'https://example.com/"><script>§</script>',
    'http://127.0.0.1/?q=<img src=x onerror=§>',
    'https://example.com/#javascript:§',
    'https:javascript:§',
    '  https://example.com/ok?§  ',
    'blob:https://example.com/§',
    'file:///etc/passwd?§',
    'mailto:x@example.com?body=<script>§</script>',
    '/relative/path?x=<svg onload=§>',
    '\\\\evil.example\\§',
  ],
  iframe: [
    '<iframe srcdoc="<script>parent.§</script>"></iframe>',
    '<iframe src="javascript:parent.§"></iframe>',
    '<iframe src=data:text/html,<script>parent.§</script>>',
    '<iframe onload=§>',
    '<object data="javascript:§">',
    '<embed src="javascript:§">',
    '<frameset onload=§>',
    '<iframe src=/pwned-frame></iframe>',
    '<portal src=javascript:§>',
  ],
  handler: [
    '<body onload=§>',
    '<details open ontoggle=§>',
    '<input autofocus onfocus=§>',
    '<video><source onerror=§></video>',
    '<audio src=x onerror=§>',
    '<marquee onstart=§>',
    '<div onmouseover=§>hover</div>',
    '" onmouseover="§',
    "' autofocus onfocus='§",
    '" autofocus onfocus=§ x="',
    '<a href="javascript:§">click</a>',
    '<button onclick=§>x</button>',
    '<form><button formaction=javascript:§>x</button></form>',
    '<select autofocus onfocus=§>',
    '<textarea autofocus onfocus=§>',
    '<div style="animation-name:x" onanimationstart=§>',
    '<x contenteditable onblur=§>lose focus</x>',
    '<body onpageshow=§>',
    '<meta http-equiv="refresh" content="0;url=javascript:§">',
    '<base href="javascript:§//">',
    '<link rel=import href="data:text/html,<script>§</script>">',
    '<isindex type=image src=1 onerror=§>',
    '<object type=text/html data=/pwned-object></object>',
  ],
  style: [
    '<template><img src=x onerror=§></template>',
    "<style>@import 'javascript:§';</style>",
    '</style><script>§</script>',
    '</style><img src=x onerror=§>',
    '<style>*{background:url("javascript:§")}</style>',
    '<style>body{background-image:url(/pwned-css)}</style>',
    '*/</style><script>§</script>',
    '<div style="background:url(javascript:§)">',
    '<div style="width:expression(§)">',
    'background:url(javascript:§)',
    '}</style><svg onload=§>',
    '<style>@keyframes x{}</style><div style="animation-name:x" onanimationend=§></div>',
    '--dp-accent:red;}</style><script>§</script>',
    'url(javascript:§)',
    'expression(§)',
    '<link rel=stylesheet href=/pwned-style.css>',
    ':host{background:url(/pwned-host)}',
  ],
  mxss: [
    '<noscript><p title="</noscript><img src=x onerror=§>">',
    '<svg></p><style><a id="</style><img src=1 onerror=§>">',
    '<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;/mglyph&gt;&lt;img&Tab;src=1&Tab;onerror=§&gt;">',
    '<form><math><mtext></form><form><mglyph><style></math><img src onerror=§>',
    '<listing>&lt;img src=x onerror=§&gt;</listing>',
    '<xmp><img src=x onerror=§></xmp>',
    '<title><img src=x onerror=§></title>',
    '<textarea></textarea><img src=x onerror=§>',
    '<svg><style><img src=x onerror=§></style></svg>',
    '<!--<img src="--><img src=x onerror=§//">',
    '<![CDATA[<img src=x onerror=§>]]>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;§">x</a>',
    '<p>ok</p><img src=x onerror=§>',
    '<?xml version="1.0"?><x:script xmlns:x="http://www.w3.org/1999/xhtml">§</x:script>',
    "<div id=\"x\"></div><script>document.getElementById('x').innerHTML='<img src=x onerror=§>'</script>",
    '<table><td><a href="javascript:§">x</a></td></table>',
    '<select><template><img src=x onerror=§></template></select>',
    '<svg><desc><style><img src=x onerror=§></style></desc></svg>',
  ],
  encoded: [
    '&lt;script&gt;§&lt;/script&gt;',
    '%3Cscript%3E§%3C%2Fscript%3E',
    '\\u003cscript\\u003e§\\u003c/script\\u003e',
    '\uff1cscript\uff1e§\uff1c/script\uff1e',
    '<scr\u200bipt>§</scr\u200bipt>',
    '\u202e<img src=x onerror=§>',
    '\ufeff<script>§</script>',
    '<script>\u2028§</script>',
    '\u0000<script>§</script>',
    '<img src=x onerror=&#95;&#95;pwned(0)>',
    '<img src=x onerror=\\u005f\\u005fpwned(0)>',
    '+ADw-script+AD4-§+ADw-/script+AD4-',
    '%u003Cscript%u003E§',
    '&#x3C;img src=x onerror=§&#x3E;',
    '<img src=x onerror="&#x5F;&#x5F;pwned(0)">',
    '\ud83c\udf89<script>§</script>\ud83c\udf89',
    'A'.repeat(1500) + '<script>§</script>',
    '\u00e9\u00e8<svg onload=§>\u4e2d\u6587',
    '\u0131mg<\u0130MG src=x onerror=§>',
    '\r\n<script>§</script>\r\n',
    '<\u0000script>§</script>',
  ],
  template: [
    '${§}',
    "{{constructor.constructor('§')()}}",
    '#{§}',
    '<%= § %>',
    '"};§;//',
    "';§;//",
    "\\';§;//",
    '{{7*7}}[[§]]',
    '`${§}`',
    "');§;('",
    '</textarea><script>§</script>',
    '<!--#exec cmd="§"-->',
  ],
  selector: [
    '#xss-anchor, img[src=x]',
    '*',
    ':root',
    'body',
    'script',
    'title',
    '[onclick]',
    'div:has(script)',
    '#xss-target',
    '\\3C script\\3E §',
    'a[href^="javascript:"]',
    '#x)',
    "'),§,('",
    'button#xss-anchor',
    '#xss-fixtures > div',
  ],
}

/** Variants of a payload (the canary call itself is never altered, so it still works if run). */
const mix = (s) => s.replace(/[a-z]/gi, (ch, i) => (i % 2 ? ch.toUpperCase() : ch.toLowerCase())).replace(/pwned/gi, 'pwned')
const TRANSFORMS = [
  ['plain', (p) => p],
  ['mixed case', (p, call) => p.split(call).map(mix).join(call)],
  ['in text', (p) => `Hello, ${p}! Welcome.`],
  ['breakout', (p) => `"'></title></textarea></style></script>${p}`],
  ['newlines', (p) => p.replace(/ /g, '\n\t')],
  ['slashes', (p) => p.replace(/ /g, '/')],
  ['entities', (p) => p.replace(/[<>"'&]/g, (c) => `&#${c.charCodeAt(0)};`)],
  ['url-encoded', (p) => encodeURIComponent(p)],
  ['fullwidth', (p) => p.replace(/</g, '\uff1c').replace(/>/g, '\uff1e')],
  ['doubled', (p) => p + p],
  ['js-escaped', (p) => JSON.stringify(p).slice(1, -1).replace(/</g, '\\u003c').replace(/>/g, '\\u003e')],
  ['zero-width', (p) => p.replace(/</g, '<\u200b')],
  ['attribute', (p) => `<div title="${p}">${p}</div>`],
  ['base64 data URL', (p) => 'data:text/html;base64,' + Buffer.from(p).toString('base64')],
]

/** 500 distinct payloads, deterministic: every base payload plain, then variants round-robin. */
export function makePayloads(n = 500) {
  const base = []
  for (const [cat, list] of Object.entries(BASE)) for (const p of list) base.push({ cat, p })
  const out = []
  const seen = new Set()
  const add = (b, k, t) => {
    const call = `__pwned(${k})`
    const raw = b.p.replaceAll('§', call).replace('__pwned(0)', call)
    const p = TRANSFORMS[t][1](raw, call)
    if (!p.trim() || seen.has(p) || out.length >= n) return
    seen.add(p)
    out.push({ p, cat: b.cat, variant: TRANSFORMS[t][0] })
  }
  base.forEach((b, k) => add(b, k, 0))
  for (let j = 0; out.length < n && j < 100_000; j++) {
    const k = (j * 37) % base.length
    add(base[k], k, 1 + (j % (TRANSFORMS.length - 1)))
  }
  return out
}

// ---- expectations

/**
 * Whether payload `p` is an http(s) URL (relative to `base`), by Node's WHATWG URL parser: the
 * renderer must make a link for it and a button for anything else. The link's href itself is
 * compared with the page's own resolution of the payload (`resolved`): Chromium's serialisation
 * differs from Node's in details (it percent-encodes ^ in paths).
 */
const isLink = (p, base) => {
  if (!p) return false
  try {
    return /^https?:$/.test(new URL(p, base).protocol)
  } catch {
    return false
  }
}

/** Failures of one inspected box against the payload `p` it shows. */
function checkBox(b, p, base, resolved, { ctas }) {
  const f = []
  if (b.title !== p) f.push('title not literal')
  if (b.body !== p) f.push('body not literal')
  if (b.close !== p) f.push(`close label ${JSON.stringify(b.close)}`)
  if (b.titleTag !== (b.slot == 'modal' || b.slot == 'popover' ? 'h2' : 'strong')) f.push(`title in <${b.titleTag}>`)
  if (ctas != null && b.ctas.length !== ctas) f.push(`${b.ctas.length} CTAs (want ${ctas})`)
  if (isLink(p, base) !== (resolved != null)) f.push(`Node and Chromium disagree on whether it is an http(s) URL (Chromium: ${resolved})`)
  b.ctas.forEach((c, k) => {
    if (c.text !== p) f.push(`CTA ${k} label not literal`)
    // the first CTA has href = the payload; the modal's second has none
    const want = k == 0 ? resolved : null
    if (want ? c.tag !== 'a' || c.href !== want : c.tag !== 'button') f.push(`CTA ${k}: <${c.tag}${c.href ? ' href=' + JSON.stringify(c.href.slice(0, 100)) : ''}> (want ${want ? 'a link to ' + JSON.stringify(want.slice(0, 100)) : 'a button'})`)
  })
  return f
}

const short = (p) => JSON.stringify(p.length > 60 ? p.slice(0, 60) + '…' : p)

// ---- the scenario

export default async function nudgeXss(env) {
  const payloads = makePayloads()
  // security findings first in the report, then the rest (at most 60 lines in all)
  const security = []
  const other = []
  let failed = 0
  const fail = (m) => (failed++, other.length < 60 && other.push(m))
  const alarm = (m) => (failed++, security.push(m))
  const r = { payloads: payloads.length, categories: {}, variants: {}, passes: {} }
  for (const x of payloads) {
    r.categories[x.cat] = (r.categories[x.cat] || 0) + 1
    r.variants[x.variant] = (r.variants[x.variant] || 0) + 1
  }
  if (new Set(payloads.map((x) => x.p)).size !== 500) fail(`${new Set(payloads.map((x) => x.p)).size} distinct payloads (want 500)`)

  const strict = await env.collector({ headers: { 'content-security-policy': CSP } })
  const open = await env.collector()
  const { context } = await env.launch()
  const hooks = []
  await context.exposeFunction('__pwnedHook', (x) => hooks.push(String(x)))
  const origins = [strict.origin, open.origin]
  const unexpected = []
  context.on('request', (q) => {
    const u = new URL(q.url())
    // (Firefox asks for the site's /favicon.ico itself, whatever the page says: the browser's request, not the payload's)
    const ok = origins.includes(u.origin) && (u.pathname.startsWith('/dist/') || u.pathname.startsWith('/test/browser/pages/') || u.pathname === '/v1/batch' || (env.browser == 'firefox' && u.pathname == '/favicon.ico'))
    if (!ok && unexpected.length < 30) unexpected.push(`${q.method()} ${q.url().slice(0, 150)}`)
  })
  const watches = []
  try {
    r.passes.direct = await direct(context, strict, payloads, 'strict CSP', fail, watches)
    r.passes.open = await direct(context, open, payloads, 'no CSP', fail, watches)
    r.passes.journey = await journey(context, strict, payloads, env.seed, fail, watches)
  } catch (e) {
    fail(failure(e))
  }
  const errors = watches.flatMap((w) => [...w.pageErrors, ...w.rejections])
  if (errors.length) alarm(`page errors: ${errors.slice(0, 3).join(' | ')}`)
  const sec = { csp: watches.flatMap((w) => w.sec.csp), pwned: watches.flatMap((w) => w.sec.pwned), dialogs: watches.flatMap((w) => w.sec.dialogs) }
  if (hooks.length || sec.pwned.length) alarm(`the canary was called ${hooks.length} times (hook) / ${sec.pwned.length} (console): ${[...hooks, ...sec.pwned].slice(0, 5).join(' | ')}`)
  if (sec.dialogs.length) alarm(`${sec.dialogs.length} dialogs: ${sec.dialogs.slice(0, 5).join(' | ')}`)
  if (sec.csp.length) alarm(`${sec.csp.length} CSP console reports: ${sec.csp.slice(0, 5).join(' | ')}`)
  if (unexpected.length) alarm(`unexpected requests: ${unexpected.slice(0, 5).join(' | ')}`)
  const bad = [r.passes.direct, r.passes.open, r.passes.journey].reduce((n, x) => n + (x?.bad || 0), 0)
  if (bad) alarm(`${bad} foreign elements or attributes in shadow roots or the page (details below)`)
  const violations = (r.passes.direct?.violations || 0) + (r.passes.journey?.violations || 0)
  if (violations) alarm(`${violations} securitypolicyviolation events (details below)`)
  if (strict.dupes() || open.dupes()) fail(`${strict.dupes() + open.dupes()} duplicate events accepted`)
  const failures = [...security, ...other].slice(0, 60)
  if (failed > failures.length) failures.push(`… ${failed - failures.length} more`)
  r.pageErrors = errors
  r.consoleErrors = watches.flatMap((w) => w.consoleErrors).slice(0, 10)
  r.unexpectedRequests = unexpected
  r.canary = hooks.length + sec.pwned.length
  const p = r.passes
  const n = (k, f) => (p[k] ? f(p[k]) : '-')
  return {
    name: 'nudge XSS payloads',
    ok: !failed,
    details: {
      summary:
        `${payloads.length} payloads in ${Object.keys(r.categories).length} categories x ${Object.keys(r.variants).length} variants; ` +
        `direct+CSP ${n('direct', (x) => `${x.boxes} boxes/${x.shown} shown`)}, direct no CSP ${n('open', (x) => `${x.boxes}/${x.shown}`)}, ` +
        `journey+CSP ${n('journey', (x) => `${x.boxes} boxes/${x.shownEvents} Nudge Shown/${x.literal} payloads back literally`)}; ` +
        `${r.canary} canary calls, ${sec.dialogs.length} dialogs, ${unexpected.length} stray requests, ` +
        `${violations} CSP violations, ${bad} foreign elements/attributes, ${errors.length} page errors`,
      failures,
      ...r,
    },
  }
}

/** A page of `c`'s nudge-xss.html, watched. */
async function openPage(context, c, watches) {
  const page = await context.newPage()
  const w = watch(page)
  w.sec = watchSecurity(page)
  watches.push(w)
  const res = await page.goto(pageUrl(c.origin, 'nudge-xss.html'))
  await must(await page.evaluate(() => !!window.desirePath?.renderNudges && !!window.__xss), 'nudge-xss.html did not load the renderer')
  return { page, csp: res.headers()['content-security-policy'] ?? null }
}

/** The direct pass: every payload in every field of every slot, renderers fed without the tracker. */
async function direct(context, c, payloads, label, fail, watches) {
  const { page, csp } = await openPage(context, c, watches)
  const strict = label == 'strict CSP'
  if (strict !== (csp === CSP)) fail(`${label}: the page came with CSP ${JSON.stringify(csp)}`)
  const base = page.url()
  const s = { boxes: 0, shown: 0, clicks: 0, bad: 0, violations: 0, mismatches: 0, ms: 0 }
  const t0 = Date.now()
  for (let from = 0; from < payloads.length; from += BATCH) {
    const list = payloads.slice(from, from + BATCH).map((x) => x.p)
    const at = (i) => `${label}, payload ${from + i} ${short(list[i])}`
    const resolved = await page.evaluate((list) => window.__xss.resolve(list), list)
    const recs = await page.evaluate((list) => window.__xss.direct(list), list)
    const seen = await page.evaluate(() => window.__dpInspect())
    s.bad += seen.bad.length + seen.lightDanger.length
    for (const b of seen.bad) fail(`${label}, batch ${from / BATCH}: in a shadow root: ${b}`)
    for (const b of seen.lightDanger) fail(`${label}, batch ${from / BATCH}: in the page: ${b}`)
    if (seen.sheets.some((n) => n !== 1)) fail(`${label}: adopted stylesheets per shadow root ${[...new Set(seen.sheets)].join(',')}`)
    // decisions: A always shown once per slot, B as its selector allows, C never
    const shownOf = new Map()
    for (const rec of recs) {
      const i = rec.i
      for (const e of rec.errors) fail(`${at(i)}: ${e}`)
      const a = rec.A.map((d) => d.shown)
      if (a.join() !== '1,1,1,1,1') fail(`${at(i)}: A's shown() calls by slot ${a.join()} (want 1 each)`)
      if (rec.B.some((d) => d.shown > 1)) fail(`${at(i)}: B shown ${rec.B.map((d) => d.shown).join()}`)
      if (rec.C.some((d) => d.shown)) fail(`${at(i)}: a bare-string content or a bogus slot was shown`)
      const n = [...rec.A, ...rec.B, ...rec.C].reduce((k, d) => k + d.shown, 0)
      shownOf.set(list[i], (shownOf.get(list[i]) || 0) + n)
      s.shown += n
    }
    // boxes: each shows one payload literally, as many as were shown
    const boxesOf = new Map()
    for (const b of seen.boxes) {
      s.boxes++
      const i = list.indexOf(b.title)
      if (i < 0) {
        s.mismatches++
        fail(`${label}: a ${b.slot} box whose title is no payload: ${short(String(b.title))}`)
        continue
      }
      boxesOf.set(b.title, (boxesOf.get(b.title) || 0) + 1)
      const f = checkBox(b, list[i], base, resolved[i], { ctas: b.slot == 'modal' ? 2 : 1 })
      if (f.length) {
        s.mismatches++
        fail(`${at(i)} (${b.slot}): ${f.join('; ')}`)
      }
    }
    for (const [p, n] of shownOf) if ((boxesOf.get(p) || 0) !== n) fail(`${label}: payload ${short(p)}: ${boxesOf.get(p) || 0} boxes for ${n} shown() calls`)
    // clicks: CTA (even payloads) or × on A's nudges, × on B's tooltips
    const act = await page.evaluate(() => window.__xss.interact())
    s.clicks += act.clicks
    for (const m of act.problems) fail(`${label}, batch ${from / BATCH}: ${m}`)
    const errs = await page.evaluate(() => window.__xss.detach())
    for (const e of errs) fail(`${label}: detach threw ${e}`)
    const left = await page.evaluate(() => window.__dpInspect())
    if (left.roots || left.boxes.length) fail(`${label}, batch ${from / BATCH}: ${left.roots} shadow roots, ${left.boxes.length} boxes left after detach`)
  }
  const v = await page.evaluate(() => ({ violations: window.__violations.slice(0, 5), n: window.__violations.length, pwned: window.__pwnedCount }))
  s.violations = v.n
  if (v.n) fail(`${label}: ${v.n} securitypolicyviolation events: ${v.violations.map((x) => JSON.stringify(x)).join(' | ')}`)
  if (v.pwned) fail(`${label}: the canary counted ${v.pwned} calls`)
  s.ms = Date.now() - t0
  await page.close()
  return s
}

/** The journey pass: payloads through the tracker (definition, events, traits) to the renderer and the collector. */
async function journey(context, c, payloads, seed, fail, watches) {
  const s = { boxes: 0, shownEvents: 0, literal: 0, bad: 0, violations: 0, ms: 0 }
  const t0 = Date.now()
  for (let from = 0; from < payloads.length; from += BATCH) {
    const batch = from / BATCH
    const list = payloads.slice(from, from + BATCH).map((x) => x.p)
    const at = (i) => `journey, payload ${from + i} ${short(list[i])}`
    const nudges = list.map((p, i) => {
      const slot = SLOTS[i % SLOTS.length]
      // rule values within the definition's limits (event names ≤ 200, values ≤ 1000 characters)
      const trigger = { all: [{ event: { name: 'Payload Seen', where: [p.length <= 1000 ? { prop: 'v' + i, op: 'eq', value: p } : { prop: 'v' + i, op: 'exists' }] } }] }
      if (p.length <= 200) trigger.all.push({ event: { name: p } })
      return {
        id: 'x' + i,
        slot,
        trigger: { rule: trigger },
        audience: { trait: p.length <= 1000 ? { prop: 'p' + i, op: 'eq', value: p } : { prop: 'p' + i, op: 'exists' } },
        content: { title: p, body: p, cta: { label: p, href: p, id: p }, dismissLabel: p, anchor: slot == 'tooltip' ? '#xss-anchor' : p, target: '#xss-target' },
      }
    })
    const { page, csp } = await openPage(context, c, watches)
    if (csp !== CSP) fail(`journey: the page came with CSP ${JSON.stringify(csp)}`)
    const base = page.url()
    const opts = trackerOptions(c, `nudge-xss-${seed}-${batch}`, journeyWith('nudge-xss', nudges))
    const resolved = await page.evaluate((list) => window.__xss.resolve(list), list)
    const res = await page.evaluate(([o, list, batch]) => window.__xss.e2e(o, list, batch), [opts, list, batch])
    const state = await page.evaluate(() => ({ codes: { ...window.__dp.codes }, messages: window.__dp.messages.slice(0, 3), createError: window.__dp.createError, violations: window.__violations.slice(0, 5), n: window.__violations.length }))
    if (state.createError) fail(`journey, batch ${batch}: createTracker threw ${state.createError}`)
    if (Object.keys(state.codes).length) fail(`journey, batch ${batch}: onError ${JSON.stringify(state.codes)} ${state.messages.join(' | ')}`)
    s.violations += state.n
    if (state.n) fail(`journey, batch ${batch}: ${state.n} securitypolicyviolation events: ${state.violations.map((x) => JSON.stringify(x)).join(' | ')}`)
    s.bad += res.bad.length + res.light.length
    for (const b of res.bad) fail(`journey, batch ${batch}: in a shadow root: ${b}`)
    for (const b of res.light) fail(`journey, batch ${batch}: in the page: ${b}`)

    // every nudge shown once, in its slot, literally
    const once = new Map()
    for (const x of res.seen) {
      s.boxes++
      const i = Number(String(x.id).slice(1))
      if (!x.id || !(i >= 0 && i < list.length)) {
        fail(`journey, batch ${batch}: a ${x.slot} box without a decision`)
        continue
      }
      once.set(x.id, (once.get(x.id) || 0) + 1)
      if (x.slot !== nudges[i].slot) fail(`${at(i)}: shown in ${x.slot} (want ${nudges[i].slot})`)
      if (x.box.many !== undefined) fail(`${at(i)}: ${x.box.many} boxes in slot ${x.slot}`)
      else {
        const f = checkBox(x.box, list[i], base, resolved[i], { ctas: 1 })
        if (f.length) fail(`${at(i)} (${x.slot}): ${f.join('; ')}`)
      }
    }
    const missing = nudges.filter((n) => once.get(n.id) !== 1)
    await must(once.size, `journey, batch ${batch}: no nudge rendered in ${res.ms} ms (${res.decisions} decisions); stopping the journey pass`)
    if (missing.length) fail(`journey, batch ${batch}: ${missing.length} nudges not shown exactly once (${missing.slice(0, 5).map((n) => `${n.id}: ${once.get(n.id) || 0}`).join(', ')}) in ${res.ms} ms, ${res.decisions} decisions`)
    if (res.decisions !== list.length) fail(`journey, batch ${batch}: ${res.decisions} decisions (want ${list.length})`)
    const statusBad = res.status.filter((st) => st.shows !== 1 || st.arm !== 'treatment')
    if (statusBad.length || res.status.length !== list.length) fail(`journey, batch ${batch}: dp.journey().nudges ${JSON.stringify(statusBad.slice(0, 3))} (${res.status.length} statuses)`)

    // the collector: acks as events, the payloads back literally
    const anon = res.anonymousId
    const mine = (e) => e.anonymousId === anon
    const want = { 'Nudge Eligible': list.length, 'Nudge Shown': list.length, 'Nudge Clicked': Math.ceil(list.length / 2), 'Nudge Dismissed': Math.floor(list.length / 2) }
    await waitFor(() => Object.entries(want).every(([name, n]) => nudgeEvents(c, name, mine).unique >= n), { timeout: 10_000 })
    await settle(c, { quiet: 300 })
    for (const [name, n] of Object.entries(want)) {
      const ev = nudgeEvents(c, name, mine)
      if (ev.copies !== n || ev.unique !== n) fail(`journey, batch ${batch}: ${name} accepted ${ev.copies} times under ${ev.unique} messageIds (want ${n})`)
      if (name == 'Nudge Shown') s.shownEvents += ev.unique
    }
    for (const e of nudgeEvents(c, 'Nudge Clicked', mine).events) {
      const i = Number(e.properties.nudge.slice(1))
      if (i % 2 || e.properties.cta !== list[i].slice(0, 200)) fail(`${at(i)}: Nudge Clicked ${JSON.stringify(e.properties).slice(0, 200)}`)
    }
    for (const e of nudgeEvents(c, 'Nudge Dismissed', mine).events) if (Number(e.properties.nudge.slice(1)) % 2 == 0 || e.properties.action !== 'exit') fail(`journey: Nudge Dismissed ${JSON.stringify(e.properties)}`)
    const seenEv = c.accepted.filter((e) => mine(e) && e.event === 'Payload Seen')
    const ident = c.accepted.filter((e) => mine(e) && e.type === 'identify')
    if (seenEv.length !== 1 || ident.length !== 1) fail(`journey, batch ${batch}: ${seenEv.length} Payload Seen, ${ident.length} identify accepted (want 1 each)`)
    list.forEach((p, i) => {
      const named = c.accepted.filter((e) => mine(e) && e.type === 'track' && e.properties?.i === i && e.properties?.payload === p)
      const back = seenEv[0]?.properties?.['v' + i] === p && ident[0]?.traits?.['p' + i] === p && named.length === 1 && named[0].event === p
      if (back) s.literal++
      else fail(`${at(i)}: not back literally (Payload Seen ${seenEv[0]?.properties?.['v' + i] === p}, trait ${ident[0]?.traits?.['p' + i] === p}, event named it ${named.map((e) => e.event === p).join()})`)
    })
    await page.close()
  }
  s.ms = Date.now() - t0
  return s
}
