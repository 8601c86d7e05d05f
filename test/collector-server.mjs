// A Segment-style collector for the browser suite and the benchmark.
// Listens on 127.0.0.1 only, serves the built SDK and test pages from the repo, records
// every batch, injects faults on demand, and closes itself after `lifetimeMs`.
import { createServer } from 'node:http'
import { readFile } from 'node:fs/promises'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.html': 'text/html; charset=utf-8', '.map': 'application/json', '.json': 'application/json', '.css': 'text/css' }
const SERVED = ['/dist/', '/test/browser/pages/', '/bench/pages/', '/node_modules/idb/', '/examples/']

/**
 * @param {object} [o]
 * @param {(n: number, body: any, req: import('node:http').IncomingMessage) => ({ status?: number, headers?: Record<string,string> } | 'drop' | void)} [o.fault]
 *   decides each batch reply: nothing → 200; 'drop' → socket destroyed before any reply (not accepted)
 * @param {Record<string,string>} [o.headers] extra headers on every static file (CSP, COOP/COEP...)
 * @param {number} [o.lifetimeMs] hard stop (default 10 min)
 * @param {Record<string, { body: string, type?: string, headers?: Record<string,string>, status?: number }>} [o.pages]
 *   made-up responses by path (pages a scenario writes, a blocked build's 404), before the files
 * @param {Record<string, number>} [o.delay] ms to wait before answering these paths (a slow CDN)
 */
export async function startCollector(o = {}) {
  let fault = o.fault
  const requests = [] // every POST that was read: { n, at, batch, sentAt, status, headers }
  const accepted = [] // events in 2xx replies
  let preflights = 0
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x')
    if (req.method === 'POST' && url.pathname === '/v1/batch') {
      const chunks = []
      for await (const chunk of req) chunks.push(chunk)
      const raw = Buffer.concat(chunks)
      let body
      let text
      try {
        text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8')
        body = JSON.parse(text)
      } catch {
        res.writeHead(400).end('bad json')
        return
      }
      const n = requests.length + 1
      const r = (fault && fault(n, body, req)) || {}
      const rec = { n, at: Date.now(), batch: body.batch, sentAt: body.sentAt, writeKey: body.writeKey, bytes: raw.length, textBytes: Buffer.byteLength(text), headers: req.headers, status: r === 'drop' ? 0 : r.status ?? 200 }
      requests.push(rec)
      if (r === 'drop') return req.socket.destroy()
      if (rec.status >= 200 && rec.status < 300) accepted.push(...body.batch)
      res.writeHead(rec.status, { 'content-type': 'application/json', 'access-control-allow-origin': '*', 'access-control-expose-headers': 'Retry-After', ...r.headers })
      res.end('{"success":' + (rec.status < 300) + '}')
      return
    }
    // CORS preflight (a gzipped batch from another origin has one): allowed, cached for a day
    if (req.method === 'OPTIONS' && url.pathname === '/v1/batch') {
      preflights++
      res.writeHead(204, {
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'POST',
        'access-control-allow-headers': 'content-type, content-encoding',
        'access-control-max-age': '86400',
      })
      res.end()
      return
    }
    if (req.method === 'GET' && url.pathname === '/stats') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      res.end(JSON.stringify({ requests: requests.length, accepted: accepted.length, unique: new Set(accepted.map((e) => e.messageId)).size }))
      return
    }
    const path = normalize(decodeURIComponent(url.pathname))
    if (o.delay?.[path]) await new Promise((r) => setTimeout(r, o.delay[path]))
    const made = req.method === 'GET' && o.pages?.[path]
    if (made) {
      res.writeHead(made.status ?? 200, { 'content-type': made.type || TYPES[extname(path)] || 'text/html; charset=utf-8', 'cache-control': 'no-store', ...o.headers, ...made.headers })
      res.end(made.body)
      return
    }
    if (req.method === 'GET' && SERVED.some((p) => path.startsWith(p))) {
      try {
        const data = await readFile(join(ROOT, path))
        res.writeHead(200, { 'content-type': TYPES[extname(path)] || 'application/octet-stream', 'cache-control': 'no-store', ...o.headers })
        res.end(data)
      } catch {
        res.writeHead(404).end()
      }
      return
    }
    // any other same-origin page: a blank page without the SDK (navigation target)
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
    res.end('<!doctype html><title>elsewhere</title><p>elsewhere</p>')
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${server.address().port}`
  const stopTimer = setTimeout(() => close(), o.lifetimeMs ?? 10 * 60_000)
  stopTimer.unref()
  const close = () =>
    new Promise((resolve) => {
      clearTimeout(stopTimer)
      server.closeAllConnections?.()
      server.close(() => resolve())
    })
  return {
    origin,
    endpoint: origin + '/v1/batch',
    requests,
    accepted,
    /** accepted events whose messageId was accepted before */
    dupes: () => accepted.length - new Set(accepted.map((e) => e.messageId)).size,
    setFault: (f) => void (fault = f),
    preflights: () => preflights,
    close,
  }
}
