// A tiny Segment-style collector for the examples: prints each batch it receives.
// Listens on 127.0.0.1 only and stops by itself after 30 minutes.
import { createServer } from 'node:http'
import { readFile } from 'node:fs/promises'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.map': 'application/json', '.json': 'application/json', '.css': 'text/css' }
const port = Number(process.env.PORT || 8787)

const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x')
  if (req.method === 'POST' && url.pathname === '/v1/batch') {
    let body = ''
    for await (const chunk of req) body += chunk
    const { batch = [], sentAt } = JSON.parse(body)
    console.log(`${new Date().toISOString()} batch of ${batch.length} (sentAt ${sentAt})`)
    for (const e of batch) console.log(`  ${e.type.padEnd(8)} ${e.event || e.name || e.userId || ''}  ${e.messageId}`)
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"success":true}')
    return
  }
  if (url.pathname === '/favicon.ico') return res.writeHead(204).end()
  const path = normalize(url.pathname === '/' ? '/examples/script-tag.html' : url.pathname.endsWith('/') ? url.pathname + 'index.html' : url.pathname)
  if (!path.startsWith('/examples/') && !path.startsWith('/dist/') && !path.startsWith('/node_modules/idb/')) return res.writeHead(404).end()
  try {
    let data = await readFile(join(root, path))
    // The ESM build imports 'idb' by name, as bundlers expect; resolve it like a dev server would.
    if (path.startsWith('/dist/') && path.endsWith('.js')) data = String(data).replace(/from\s*["']idb["']/g, 'from"/node_modules/idb/build/index.js"')
    res.writeHead(200, { 'content-type': types[extname(path)] || 'application/octet-stream' }).end(data)
  } catch {
    res.writeHead(404).end()
  }
})
server.listen(port, '127.0.0.1', () => console.log(`collector on http://127.0.0.1:${port}/ (examples at /examples/)`))
setTimeout(() => server.close(), 30 * 60_000).unref()
