#!/usr/bin/env node
// A small, real Segment-style collector for the demo and local development: the batch
// endpoint the SDK sends to (POST /v1/batch) and the single-message paths (/v1/track,
// /v1/page, /v1/identify, /v1/screen, /v1/group, /v1/alias), storing into SQLite (default)
// or NDJSON. 2xx only once a batch is durably stored; 400 (with the reason, counted,
// nothing stored) for a body that is not a valid batch; 413 over the size limit; 415 for
// another content type; 503 when the store cannot write (the SDK keeps the batch and
// retries). GET /stats: events by type and stage, duplicates dropped, last seen.
// An example and a local default: in production, point the SDK at any Segment-compatible
// pipeline. Listens on 127.0.0.1 unless told otherwise.
//   node examples/collector/server.mjs [--port 8787] [--host 127.0.0.1] [--store sqlite|ndjson] [--file PATH]
import { createServer } from 'node:http'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzip } from 'node:zlib'
import { ndjsonStore } from './ndjson-store.mjs'

/** Segment's limits: 500 kB a batch, 32 kB a message (the SDK sends within them). */
export const MAX_BODY = 512 * 1024
const MAX_MESSAGE = 32 * 1024
const TYPES = new Set(['track', 'page', 'screen', 'identify', 'group', 'alias'])
const SINGLE = /^\/v1\/(track|page|screen|identify|group|alias)$/
const CORS = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'Retry-After' }

class Refused extends Error {
  constructor(status, message) {
    super(message)
    this.status = status
  }
}

/** Why a message cannot be stored, or '' if it can. */
function problem(m, i) {
  const at = `batch[${i}]`
  if (!m || typeof m != 'object' || Array.isArray(m)) return `${at}: not an object`
  if (!TYPES.has(m.type)) return `${at}.type: one of ${[...TYPES].join(', ')}`
  if (typeof m.messageId != 'string' || !m.messageId) return `${at}.messageId: a non-empty string`
  if (typeof m.anonymousId != 'string' && typeof m.userId != 'string') return `${at}: anonymousId or userId`
  if (typeof m.timestamp != 'string' || !isFinite(Date.parse(m.timestamp))) return `${at}.timestamp: an ISO 8601 date-time`
  if (m.type == 'track' && typeof m.event != 'string') return `${at}.event: a string`
  if (JSON.stringify(m).length > MAX_MESSAGE) return `${at}: over 32 kB`
  return ''
}

/** The request's body as text, within `max` bytes (gzip unpacked; 413 over). */
async function body(req, max) {
  const chunks = []
  let size = 0
  for await (const c of req) {
    size += c.length
    if (size > max) throw new Refused(413, `body over ${max} bytes`)
    chunks.push(c)
  }
  let raw = Buffer.concat(chunks)
  const enc = req.headers['content-encoding']
  if (enc == 'gzip')
    raw = await new Promise((ok, fail) => gunzip(raw, { maxOutputLength: max * 8 }, (e, out) => (e ? fail(new Refused(e.code == 'ERR_BUFFER_TOO_LARGE' ? 413 : 400, 'bad gzip body')) : ok(out))))
  else if (enc && enc != 'identity') throw new Refused(415, `content-encoding ${enc} not supported`)
  return raw.toString('utf8')
}

/** The messages of a request, validated (a Refused with the reason if not). */
function messages(text, single) {
  let doc
  try {
    doc = JSON.parse(text)
  } catch {
    throw new Refused(400, 'not JSON')
  }
  const list = single ? [{ type: single, ...doc }] : Array.isArray(doc?.batch) ? doc.batch : null
  if (!list) throw new Refused(400, 'not a batch: { "batch": [ messages ] } expected')
  if (!list.length) throw new Refused(400, 'an empty batch')
  for (let i = 0; i < list.length; i++) {
    const p = problem(list[i], i)
    if (p) throw new Refused(400, p)
  }
  return list
}

/**
 * A collector on `store` (sqliteStore or ndjsonStore). Resolves once listening.
 * @returns {{ url: string, port: number, store, close(): Promise<void> }}
 */
export function createCollector({ store, port = 8787, host = '127.0.0.1', maxBody = MAX_BODY } = {}) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x')
    const send = (status, obj, headers = {}) => res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...CORS, ...headers }).end(JSON.stringify(obj))
    if (req.method == 'OPTIONS')
      return res.writeHead(204, { ...CORS, 'access-control-allow-methods': 'POST, GET', 'access-control-allow-headers': 'content-type, content-encoding, authorization', 'access-control-max-age': '86400' }).end()
    if (req.method == 'GET' && url.pathname == '/stats') return send(200, store.stats())
    const single = SINGLE.exec(url.pathname)?.[1]
    if (req.method != 'POST' || (url.pathname != '/v1/batch' && !single)) return send(404, { error: 'not found' })
    try {
      // application/json, or text/plain as sendBeacon sends it (no preflight)
      const type = (req.headers['content-type'] || '').split(';')[0].trim()
      if (type && type != 'application/json' && type != 'text/plain') throw new Refused(415, `content-type ${type} not supported`)
      const list = messages(await body(req, maxBody), single)
      let r
      try {
        r = store.write(list)
      } catch (e) {
        // the store cannot write (disk full, read-only, locked): the SDK retries later
        console.error(`collector: store error: ${e.message}`)
        return send(503, { error: 'store unavailable' }, { 'retry-after': '5' })
      }
      return send(200, { success: true, stored: r.stored, duplicates: r.duplicates })
    } catch (e) {
      if (!(e instanceof Refused)) throw e
      if (e.status == 400) store.count('rejected')
      if (e.status == 413) req.resume()
      return send(e.status, { error: e.message }, e.status == 413 ? { connection: 'close' } : {})
    }
  })
  return new Promise((ok, fail) => {
    server.once('error', fail)
    server.listen(port, host, () => {
      const { port: p } = server.address()
      ok({ url: `http://${host}:${p}`, port: p, store, server, close: () => new Promise((r) => (server.close(() => r()), server.closeAllConnections())) })
    })
  })
}

const arg = (name, def) => {
  const i = process.argv.indexOf(name)
  return i < 0 ? def : process.argv[i + 1]
}

if (process.argv[1] && resolve(process.argv[1]) == fileURLToPath(import.meta.url)) {
  const kind = arg('--store', 'sqlite')
  if (kind != 'sqlite' && kind != 'ndjson') {
    console.error(`collector: --store sqlite or ndjson, not "${kind}"`)
    process.exit(2)
  }
  const file = resolve(arg('--file', kind == 'sqlite' ? 'desire-path-events.sqlite' : 'desire-path-events.ndjson'))
  const store = kind == 'sqlite' ? (await import('./sqlite-store.mjs')).sqliteStore(file) : ndjsonStore(file)
  const c = await createCollector({ store, port: +arg('--port', 8787), host: arg('--host', '127.0.0.1') })
  console.log(`collector: ${c.url}/v1/batch → ${kind} ${file}`)
  const stop = () => c.close().then(() => (store.close(), process.exit(0)))
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}
