// URL redaction before storage, asserted on IndexedDB and on the wire. 100 URLs, made from
// the run's seed, each carry secrets, every one a unique random marker to grep for: e-mails
// (?email=, %40-encoded under a harmless name, /users/<email>/ plain and %40-encoded),
// tokens (?token=, #access_token=, ?q=<long mixed-case token>, /t/<token>/, /reset/<hex|jwt>/),
// JWTs (?next=), ?api_key= and one more secret name per URL (password, session, sid,
// API_KEY, e-mail...), a hash route's query (#/account?auth=), page() properties with
// credentials in the authority; and a harmless keyword=shoes&utm_source=news&gclid=<random
// mixed-case token> (fbclid on some) that must survive. 90 are SPA route changes
// (history.pushState + dp.page()), 10 real loads (location.assign: the referrer is the
// previous URL, secrets and all); each followed by a track. The collector answers 503 while
// the events are read from the origin's storage (every IndexedDB record, every localStorage
// entry), then 200. No marker may appear in storage or in any request body (the 503 ones
// too); every event keeps keyword, utm_source and its URL's gclid, masks what looked secret
// as `redacted`, drops secret names, and has context.session.id and context.campaign
// { source: 'news', gclid }.
import { rng, tally, waitFor, watch } from './helpers.mjs'
import { Stop, dumpStorage, must, pageFailures, sdkUrl } from './privacy-common.mjs'

const N = 100
const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
/** Secret parameter names, one more per URL (whole-name match; case and `-` vary as hosts write them). */
const NAMES = ['password', 'secret', 'session', 'auth', 'code', 'key', 'sid', 'access_token', 'refresh_token', 'id_token', 'client_secret', 'sessionid', 'session_id', 'api-key', 'API_KEY', 'Token', 'otp', 'pwd', 'passwd', 'jwt', 'signature', 'csrf_token', 'e-mail', 'mail', 'phone', 'ssn', 'credentials', 'auth_token', 'reset_token', 'bearer_token', 'authorization', 'access%5Ftoken']
const b64url = (s) => Buffer.from(s).toString('base64url')

/** The URLs of this run, each with what must never appear, what must stay and what must be masked. */
function makeUrls(seed, origin, loadUrl) {
  const r = rng(seed ^ 0x5ec2e7)
  const pick = (chars, n) => Array.from({ length: n }, () => chars[Math.floor(r() * chars.length)]).join('')
  const used = new Set()
  /** A marker: letters beyond f, so that no hex id or UUID can hold it by chance. */
  const marker = (p) => {
    for (;;) {
      const m = p + pick('ghjkmnpqrstvwxyz23456789', 14)
      if (!used.has(m)) return used.add(m), m
    }
  }
  /** Looks random to the SDK: 33 of [A-Za-z0-9_-], upper, lower and digits. */
  const token = () => marker('Tk').replace(/^Tk/, 'Tk' + pick(ALNUM + '-_', 14) + 'aZ7')
  const uuid = () => [8, 4, 4, 4, 12].map((n) => pick('0123456789abcdef', n)).join('-')
  const hex = () => pick('0123456789abcdef', 40)
  const jwt = (i) => {
    const payload = b64url(JSON.stringify({ sub: marker('jw'), iat: 1_700_000_000 + i }))
    const sig = pick(ALNUM + '-_', 43)
    return { value: `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.${payload}.${sig}`, grep: [payload, sig] }
  }
  const urls = []
  for (let i = 0; i < N; i++) {
    const kind = i % 10
    const alt = Math.floor(i / 10) % 2
    const gclid = 'Cj0KCQiA' + pick(ALNUM, 30)
    const fbclid = i % 4 == 0 ? 'IwAR' + pick(ALNUM + '_-', 40) : ''
    const u = { i, kind, gclid, fbclid, secrets: [], keeps: ['keyword=shoes', 'utm_source=news', `gclid=${gclid}`], has: [], gone: [], load: kind == 9 }
    const secret = (v, grep = [v]) => (u.secrets.push(...grep), v)
    const name = NAMES[i % NAMES.length]
    u.gone.push(name)
    const q = [`${name}=${secret(marker('nm'))}`, 'keyword=shoes', 'utm_source=news', 'utm_medium=email', `utm_campaign=spring-${i}`, `gclid=${gclid}`]
    if (fbclid) q.push(`fbclid=${fbclid}`), u.keeps.push(`fbclid=${fbclid}`)
    // a slug and a UUID: long, but no secret (lower case only, or hex with dashes): kept
    const id = uuid()
    let path = `/shop/running-shoes-2024-edition-${i}/${id}`
    u.keepPath = [`/running-shoes-2024-edition-${i}/`, id]
    let frag = ''
    if (kind == 0) {
      const m = marker('em')
      q.push(`email=${secret(alt ? `${m}.x+news@mail.example.co.uk` : `${m}@example.com`, [m])}`), u.gone.push('email')
    } else if (kind == 1) q.push(`token=${secret(marker('tk'))}`), u.gone.push('token')
    else if (kind == 2) (frag = `#access_token=${secret(marker('at'))}&token_type=bearer&expires_in=3600`), u.gone.push('access_token'), u.has.push('#token_type=bearer&expires_in=3600')
    else if (kind == 3) {
      const m = marker('pe')
      path = `/users/${m}${alt ? '%40' : '@'}example.com/orders`
      secret(m), u.has.push('/users/redacted/orders'), (u.keepPath = [])
    } else if (kind == 4) {
      const j = jwt(i)
      q.push(`next=${secret(j.value, j.grep)}`), u.has.push('next=redacted')
    } else if (kind == 5) {
      const t = secret(token())
      if (alt) (path = `/t/${t}/view`), u.has.push('/t/redacted/view'), (u.keepPath = [])
      else q.push(`q=${t}`), u.has.push('q=redacted')
    } else if (kind == 6) {
      q.push(`api_key=${secret(marker('ak'))}`), u.gone.push('api_key')
      // page() properties of the host's own, credentials in the authority
      const [user, pass, pw, em, tk, pe] = ['cu', 'cp', 'pw', 'em', 'tk', 'pe'].map(marker)
      u.secrets.push(user, pass, pw, em, tk, pe)
      u.props = {
        url: `https://${user}:${pass}@shop.example/checkout?password=${pw}&keyword=shoes`,
        referrer: `https://mail.example/inbox?email=${em}%40example.com&utm_source=news`,
        search: `?token=${tk}&keyword=shoes`,
        path: `/users/${pe}@example.com/`,
      }
      u.wantProps = { url: 'https://shop.example/checkout?keyword=shoes', referrer: 'https://mail.example/inbox?utm_source=news', search: '?keyword=shoes', path: '/users/redacted/' }
    } else if (kind == 7) {
      const m = marker('ce')
      q.push(`contact=${secret(`${m}%40example.com`, [m])}`), u.has.push('contact=redacted')
    } else if (kind == 8) {
      const v = alt ? jwt(i) : { value: hex() }
      path = `/reset/${secret(v.value, v.grep)}/confirm`
      u.keepPath = []
      q.push(`Password=${secret(marker('pw'))}`), u.gone.push('password'), u.has.push('/reset/redacted/confirm')
    } else {
      // a real load of the page: its query holds the tracker's options too
      frag = `#/account?auth=${secret(marker('au'))}&tab=orders`
      u.gone.push('auth'), u.has.push('#/account?tab=orders'), (u.keepPath = [])
    }
    // harmless parameters in the middle, secrets around them
    const query = q.slice(0, 1).concat(q.slice(1).sort(() => r() - 0.5)).join('&')
    u.href = u.load ? `${loadUrl}&${query}${frag}` : `${origin}${path}?${query}${frag}`
    urls.push(u)
  }
  return urls
}

/** Failures of one event (parsed): its URLs, campaign and session, against its URL's list. */
function eventFailures(ev, urls, where) {
  const f = []
  const seq = ev.properties?.seq
  const u = urls[seq]
  const id = `${where} ${ev.type} seq ${seq}`
  if (!u) return [`${id}: no seq property (${JSON.stringify(ev).slice(0, 200)})`]
  const p = ev.context?.page || {}
  if (typeof ev.context?.session?.id !== 'number') f.push(`${id}: no context.session.id`)
  const cp = ev.context?.campaign
  if (cp?.source !== 'news' || cp?.gclid !== u.gclid || (u.fbclid && cp?.fbclid !== u.fbclid)) f.push(`${id}: context.campaign is ${JSON.stringify(cp)} (want source news, gclid ${u.gclid}${u.fbclid ? ', fbclid' : ''})`)
  const url = String(p.url ?? '')
  for (const k of u.keeps) if (!url.includes(k)) f.push(`${id}: context.page.url lost ${k.split('=')[0]}: ${url}`)
  if (!String(p.search ?? '').includes('keyword=shoes')) f.push(`${id}: context.page.search lost keyword=shoes: ${p.search}`)
  for (const h of u.has) if (!url.includes(h)) f.push(`${id}: context.page.url has no ${h}: ${url}`)
  for (const k of u.keepPath) if (!String(p.path ?? '').includes(k)) f.push(`${id}: context.page.path lost ${k} (a slug or UUID, no secret): ${p.path}`)
  const params = url.split(/[?#&]/).slice(1).map((kv) => decodeURIComponent(kv.split('=')[0]).toLowerCase().replace(/-/g, '_'))
  for (const n of u.gone) if (params.includes(n.toLowerCase().replace(/-/g, '_'))) f.push(`${id}: context.page.url still has the parameter ${n}: ${url}`)
  // Firefox cuts document.referrer to the origin when the previous URL had a known tracking
  // parameter (fbclid; checked by hand in Firefox ESR 153): nothing left to clean, and fine
  const cut = seq > 0 && urls[seq - 1].fbclid && p.referrer == new URL(urls[seq - 1].href).origin + '/'
  if (seq > 0 && !cut && !String(p.referrer ?? '').includes(`gclid=${urls[seq - 1].gclid}`)) f.push(`${id}: context.page.referrer is not the previous URL (cleaned): ${p.referrer}`)
  if (ev.type == 'page') {
    if (!u.props && ev.properties.url !== url) f.push(`${id}: properties.url ${ev.properties.url} differs from context.page.url ${url}`)
    for (const [k, v] of Object.entries(u.wantProps || {})) if (ev.properties[k] !== v) f.push(`${id}: properties.${k} is ${ev.properties[k]} (want ${v})`)
  }
  return f
}

/** Where each marker occurs in `text` (case-insensitive), with a little context. */
function leaks(text, secrets) {
  const low = text.toLowerCase()
  const out = []
  for (const s of secrets) {
    const at = low.indexOf(s.toLowerCase())
    if (at >= 0) out.push(`${s.slice(0, 24)}${s.length > 24 ? '…' : ''} in …${text.slice(Math.max(0, at - 60), at + s.length + 20)}…`)
  }
  return out
}

export default async function privacyRedaction(env) {
  const failures = []
  const summary = []
  const details = {}
  const key = `rd${env.seed}`
  let hold = true
  const c = await env.collector({ fault: () => (hold ? { status: 503 } : undefined) })
  const { context } = await env.launch()
  const base = sdkUrl(c, { storageKey: key, retryBase: 200, retryMax: 1_000 })
  const urls = makeUrls(env.seed, c.origin, base)
  const secrets = urls.flatMap((u) => u.secrets)
  const page = await context.newPage()
  const w = watch(page)
  const fail = (m) => failures.push(m)
  const cap = (list, n = 12) => (list.length > n ? [...list.slice(0, n), `… and ${list.length - n} more`] : list)
  try {
    // the probe finds every marker where it was put (so that finding none later means something)
    const planted = leaks(urls.map((u) => u.href + JSON.stringify(u.props || {})).join('\n'), secrets).length
    must(planted === secrets.length, `only ${planted}/${secrets.length} markers found in the URLs themselves`)
    await page.goto(base)
    must(!(await page.evaluate(() => window.__dp.createError)), 'createTracker threw')
    const t0 = Date.now()
    for (const u of urls) {
      if (u.load) {
        const loaded = page.waitForEvent('load')
        await page.evaluate((h) => location.assign(h), u.href)
        await loaded
        must(await waitFor(() => page.evaluate(() => !!window.dp)), `no tracker after loading URL ${u.i}`)
      } else await page.evaluate((h) => history.pushState(null, '', h), u.href)
      await page.evaluate(
        ({ seq, props }) => {
          window.dp.page({ ...props, seq })
          window.dp.track('Item Viewed', { seq })
        },
        { seq: u.i, props: u.props },
      )
    }
    const navMs = Date.now() - t0
    // everything captured is stored (the collector still answers 503: nothing is deleted)
    await page.evaluate(() => window.dp.flush())
    let dump
    const stored = await waitFor(
      async () => {
        dump = await dumpStorage(page, key)
        return dump.events.length >= 2 * N
      },
      { timeout: 10_000 },
    )
    const rows = dump.events.map((s) => JSON.parse(s))
    const storedIds = tally(rows)
    if (!stored || storedIds.unique !== 2 * N) fail(`IndexedDB holds ${dump.events.length} event(s), ${storedIds.unique} distinct (want ${2 * N}) before delivery`)
    const storageText = JSON.stringify(dump)
    const inStorage = leaks(storageText, secrets)
    for (const l of cap(inStorage)) fail(`storage before delivery: ${l}`)
    const storedFailures = rows.flatMap((ev) => eventFailures(ev, urls, 'stored'))
    for (const f of cap(storedFailures)) fail(f)
    const before = { requests: c.requests.length, refused: c.requests.filter((r) => r.status === 503).length }
    summary.push(
      `stored: ${storedIds.unique}/${2 * N} events of ${N} URLs (${urls.filter((u) => u.load).length} real loads, ${navMs} ms) in ${Object.keys(dump.dbs).join('+')}, ` +
        `${inStorage.length}/${secrets.length} markers found, ${storedFailures.length} URL check(s) failed, ${before.refused} request(s) answered 503 meanwhile`,
    )

    // delivery
    hold = false
    const t1 = Date.now()
    const all = await waitFor(() => tally(c.accepted).unique >= 2 * N, { timeout: 20_000 })
    const ms = Date.now() - t1
    if (!all) fail(`${tally(c.accepted).unique}/${2 * N} events accepted 20 s after the collector recovered`)
    const wire = c.requests.map((r) => JSON.stringify({ batch: r.batch, sentAt: r.sentAt, writeKey: r.writeKey })).join('\n')
    const onWire = leaks(wire, secrets)
    for (const l of cap(onWire)) fail(`request body: ${l}`)
    const t = tally(c.accepted)
    const seen = new Set()
    const firsts = c.accepted.filter((e) => !seen.has(e.messageId) && seen.add(e.messageId))
    const wireFailures = firsts.flatMap((ev) => eventFailures(ev, urls, 'sent'))
    for (const f of cap(wireFailures)) fail(f)
    const pages = firsts.filter((e) => e.type == 'page').length
    if (pages !== N || firsts.length !== 2 * N) fail(`accepted ${pages} page and ${firsts.length - pages} track events (want ${N} each)`)
    const after = await dumpStorage(page, key)
    const lsLeaks = leaks(JSON.stringify(after), secrets)
    for (const l of cap(lsLeaks)) fail(`storage after delivery: ${l}`)
    const campaigns = new Set(firsts.map((e) => e.context?.campaign?.source))
    summary.push(
      `sent: ${t.unique}/${2 * N} events in ${ms} ms after the collector recovered (${c.requests.length} requests, ${before.refused} refused with 503, ${t.resent} event(s) resent), ` +
        `${onWire.length} markers in request bodies, ${wireFailures.length} URL check(s) failed, campaign sources ${[...campaigns].join(',')}`,
    )
    details.example = {
      url: urls[4].href,
      sent: firsts.find((e) => e.properties.seq === 4 && e.type === 'page')?.context?.page,
      props: firsts.find((e) => e.properties.seq === 6 && e.type === 'page')?.properties,
      campaign: firsts[0]?.context?.campaign,
    }
    details.dropped = await page.evaluate(() => window.__dp.dropped)
    details.errorCodes = await page.evaluate(() => window.__dp.codes)
  } catch (e) {
    fail(e instanceof Stop ? e.message : String(e?.stack || e).slice(0, 800))
  }
  for (const f of pageFailures('page', w)) fail(f)
  return {
    name: 'privacy: URL redaction before storage and on the wire',
    ok: !failures.length,
    details: { summary: `${secrets.length} secret markers; ` + summary.join('; '), failures, ...details },
  }
}
