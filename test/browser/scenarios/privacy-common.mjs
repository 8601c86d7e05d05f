// Shared by privacy-consent.mjs and privacy-redaction.mjs (not a scenario itself): the
// page (sdk.html + harness.js make the tracker from ?o=<json options>), storage probes that
// never create what they look for, and the bounded quiet period behind "nothing was sent".
import { pageUrl, settle } from './helpers.mjs'

/**
 * "0 requests" is asserted after a bounded quiet period (settle({ quiet })): a tracker
 * that stored what it was given would send it at once (flushAt, 20 events: every such step
 * captures more) or at the latest min(flushInterval, 1 s) after its pipeline started, so
 * 1.5 s without any request to the collector is enough to tell.
 */
export const QUIET_MS = 1_500
export const quiet = (c) => settle(c, { quiet: QUIET_MS, timeout: QUIET_MS + 5_000 })

/** sdk.html with these tracker options (the collector's endpoint unless given). */
export const sdkUrl = (c, o = {}) => pageUrl(c.origin, 'sdk.html', { o: { endpoint: c.endpoint, ...o } })

/** A thrown reason to stop a step early; its message is the failure. */
export class Stop extends Error {}
export const must = (ok, msg) => {
  if (!ok) throw new Stop(msg)
}

/**
 * What the origin holds, seen from `page`: every IndexedDB database's name, every
 * localStorage / sessionStorage entry whose key starts with `key`, and document.cookie.
 * indexedDB.databases() only lists: nothing is opened, so nothing is created.
 */
export const storageOf = (page, key) =>
  page.evaluate(async (key) => {
    const pick = (s) => {
      const o = {}
      for (let i = 0; i < s.length; i++) {
        const k = s.key(i)
        if (k.startsWith(key)) o[k] = s.getItem(k)
      }
      return o
    }
    const dbs = ((await indexedDB.databases?.()) || []).map((d) => d.name)
    return { dbs, ls: pick(localStorage), ss: pick(sessionStorage), cookie: document.cookie }
  }, key)

/** Failures of "nothing of desire-path is stored": no database at all (a fresh profile has none), no entry under `key`, no cookie; `allow` lists entries that may stay (key → value). */
export function storageFailures(st, key, allow = {}) {
  const f = []
  if (st.dbs.length) f.push(`IndexedDB databases exist: ${JSON.stringify(st.dbs)}`)
  const extra = Object.keys(st.ls).filter((k) => !(k in allow))
  if (extra.length) f.push(`localStorage keys under "${key}": ${extra.map((k) => `${k}=${String(st.ls[k]).slice(0, 80)}`).join(', ')}`)
  for (const [k, v] of Object.entries(allow)) if (st.ls[k] !== v) f.push(`localStorage ${k} is ${JSON.stringify(st.ls[k] ?? null)}, want ${JSON.stringify(v)}`)
  if (Object.keys(st.ss).length) f.push(`sessionStorage keys under "${key}": ${Object.keys(st.ss).join(', ')}`)
  if (st.cookie) f.push(`document.cookie is ${JSON.stringify(st.cookie.slice(0, 200))}`)
  return f
}

/**
 * Every record of every IndexedDB database of the origin (object store by object store)
 * and every localStorage entry, as text, plus the queue's events (`<key>` / `events`: rows
 * are pages `{ id, r: [{ id, s, b }] }` or single `{ id, s, b }`; `s` is the event JSON).
 * Opens only databases that exist, and closes each connection at once (an open connection
 * would delay the tracker's own deleteDatabase).
 */
export const dumpStorage = (page, key) =>
  page.evaluate(async (key) => {
    const out = { dbs: {}, events: [], ls: {} }
    const names = ((await indexedDB.databases?.()) || []).map((d) => d.name)
    for (const name of names) {
      const db = await new Promise((resolve, reject) => {
        const r = indexedDB.open(name)
        r.onsuccess = () => resolve(r.result)
        r.onerror = () => reject(r.error)
      })
      const stores = {}
      try {
        for (const s of db.objectStoreNames) {
          stores[s] = await new Promise((resolve, reject) => {
            const st = db.transaction(s).objectStore(s)
            const keys = st.getAllKeys()
            const vals = st.getAll()
            vals.onsuccess = () => resolve(vals.result.map((v, i) => ({ k: keys.result[i], v })))
            vals.onerror = () => reject(vals.error)
          })
        }
      } finally {
        db.close()
      }
      out.dbs[name] = stores
      if (name === key) for (const { v } of stores.events || []) for (const rec of v && v.r ? v.r : [v]) out.events.push(rec.s)
    }
    for (let i = 0; i < localStorage.length; i++) out.ls[localStorage.key(i)] = localStorage.getItem(localStorage.key(i))
    return out
  }, key)

/** Page errors and unhandled rejections `watch()` recorded, as failures. */
export const pageFailures = (label, w) => [
  ...w.pageErrors.map((e) => `${label}: page error ${e}`),
  ...w.rejections.map((e) => `${label}: ${e}`),
]
