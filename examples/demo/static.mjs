// The demo's web server: the two example sites and the SDK's build from one origin, so the
// marketing site's anonymous visitor is the product app's (one localStorage, one
// anonymousId), as www. and app. would be with a shared first-party id. It also serves
// the journey both sites load (/journey.json: the learned definition once there is one)
// and passes the SDK's requests on to the collector, like a reverse proxy in front of it.
import { createServer, request } from 'node:http'
import { readFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { extname, join, normalize } from 'node:path'

const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.html': 'text/html; charset=utf-8', '.map': 'application/json', '.json': 'application/json', '.css': 'text/css', '.png': 'image/png', '.svg': 'image/svg+xml' }
/** what the server hands out (everything else is 404): the examples and the SDK's build */
const SERVED = ['/examples/marketing-site/', '/examples/product-app/', '/examples/demo/index.html', '/examples/demo/demo.css', '/dist/']
const HEADERS = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'referrer-policy': 'strict-origin-when-cross-origin' }

/**
 * @param {{ root: string, journey: () => string, collector: string, port?: number, host?: string }} o
 *   root: the repository; journey(): the file /journey.json serves; collector: its base URL
 * @returns {Promise<{ url: string, close(): Promise<void> }>}
 */
export function createStatic({ root, journey, collector, port = 8080, host = '127.0.0.1' }) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x')
    // the SDK's batches and the stats: to the collector, as they are
    if (url.pathname.startsWith('/v1/') || url.pathname == '/stats') {
      const up = request(collector + url.pathname + url.search, { method: req.method, headers: { ...req.headers, host: new URL(collector).host } }, (r) => {
        res.writeHead(r.statusCode || 502, r.headers)
        r.pipe(res)
      })
      up.on('error', () => res.headersSent || res.writeHead(502, { 'content-type': 'application/json' }).end('{"error":"collector unreachable"}'))
      return void req.pipe(up)
    }
    if (req.method != 'GET' && req.method != 'HEAD') return void res.writeHead(405, HEADERS).end()
    let path = normalize(decodeURIComponent(url.pathname))
    if (path == '/') return void res.writeHead(302, { location: '/examples/demo/index.html' }).end()
    if (path.endsWith('/')) path += 'index.html'
    const file = path == '/journey.json' ? journey() : SERVED.some((p) => path.startsWith(p)) && !path.includes('..') ? join(root, path) : ''
    if (!file || !existsSync(file)) return void res.writeHead(404, { ...HEADERS, 'content-type': 'text/plain' }).end('not found')
    try {
      const data = await readFile(file)
      res.writeHead(200, { ...HEADERS, 'content-type': TYPES[extname(file)] || 'application/octet-stream' }).end(req.method == 'HEAD' ? undefined : data)
    } catch {
      res.writeHead(404, HEADERS).end()
    }
  })
  return new Promise((ok, fail) => {
    server.once('error', fail)
    server.listen(port, host, () => {
      const { port: p } = server.address()
      ok({
        url: `http://${host}:${p}`,
        close: () =>
          new Promise((r) => {
            server.closeAllConnections()
            server.close(() => r())
          }),
      })
    })
  })
}
