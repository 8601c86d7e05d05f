// @vitest-environment node
// The example collector (examples/collector/): a real Segment-style endpoint on SQLite.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { server as msw } from './helpers/collector.js'
// @ts-expect-error plain .mjs, no types
import { createCollector } from '../examples/collector/server.mjs'
// @ts-expect-error plain .mjs, no types
import { sqliteStore } from '../examples/collector/sqlite-store.mjs'
// @ts-expect-error plain .mjs, no types
import { ndjsonStore } from '../examples/collector/ndjson-store.mjs'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

// real requests to a real server here: msw (test/setup.ts) stops intercepting for this file
beforeAll(() => msw.close())
const dir = mkdtempSync(join(tmpdir(), 'dp-collector-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const message = (client: number, i: number) => ({
  type: 'track',
  event: 'Step ' + (i % 7),
  messageId: `c${client}-${i}`,
  anonymousId: `anon-${client}-${i % 50}`,
  timestamp: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
  properties: { i },
  context: { journey: { id: 'j', stage: i % 2 ? 'trial' : 'visitor' } },
})
const post = (url: string, body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(url + '/v1/batch', { method: 'POST', body: typeof body == 'string' ? body : new Uint8Array(body), headers })
const rows = (file: string) => {
  const db = new Database(file, { readonly: true })
  const r = db.prepare('SELECT count(*) AS n, count(DISTINCT message_id) AS d FROM events').get() as { n: number; d: number }
  db.close()
  return r
}

describe('the example collector', () => {
  it('stores 10,000 events from 5 concurrent clients exactly once, 10% of the batches sent twice', async () => {
    const file = join(dir, 'a.sqlite')
    const c = await createCollector({ store: sqliteStore(file), port: 0 })
    let resent = 0
    await Promise.all(
      Array.from({ length: 5 }, async (_, client) => {
        for (let b = 0; b < 40; b++) {
          const batch = JSON.stringify({ batch: Array.from({ length: 50 }, (_, k) => message(client, b * 50 + k)), sentAt: new Date().toISOString() })
          expect((await post(c.url, batch)).status).toBe(200)
          if ((client * 40 + b) % 10 == 3) {
            resent += 50
            const again = await post(c.url, batch)
            expect(await again.json()).toEqual({ success: true, stored: 0, duplicates: 50 })
          }
        }
      }),
    )
    const stats = await (await fetch(c.url + '/stats')).json()
    expect(stats).toMatchObject({ events: 10_000, duplicates: resent, rejected: 0, byType: { track: 10_000 }, byStage: { visitor: 5000, trial: 5000 } })
    expect(stats.lastSeen).toMatch(/^\d{4}-/)
    await c.close()
    c.store.close()
    expect(rows(file)).toEqual({ n: 10_000, d: 10_000 })
    // the export: one message a line, in time order, what desire-path learn reads
    const out = join(dir, 'export.ndjson')
    execFileSync(process.execPath, ['examples/collector/export.mjs', '--file', file, '--out', out], { stdio: 'pipe' })
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    expect(lines).toHaveLength(10_000)
    expect(new Set(lines.map((m) => m.messageId)).size).toBe(10_000)
    expect(lines.every((m, i) => i == 0 || m.timestamp >= lines[i - 1].timestamp)).toBe(true)
  })

  it('--store ndjson: the same answers, and resends are still dropped after a restart', async () => {
    const file = join(dir, 'events.ndjson')
    const batch = JSON.stringify({ batch: [message(4, 1), message(4, 2)] })
    let c = await createCollector({ store: ndjsonStore(file), port: 0 })
    expect(await (await post(c.url, batch)).json()).toEqual({ success: true, stored: 2, duplicates: 0 })
    await c.close()
    c.store.close()
    c = await createCollector({ store: ndjsonStore(file), port: 0 })
    expect(await (await post(c.url, batch)).json()).toEqual({ success: true, stored: 0, duplicates: 2 })
    expect((await (await fetch(c.url + '/stats')).json()).events).toBe(2)
    await c.close()
    c.store.close()
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(2)
  })

  it('refuses bodies that are not a batch (400, with the reason), too big (413) or of another type (415), and stores nothing of them', async () => {
    const file = join(dir, 'b.sqlite')
    const c = await createCollector({ store: sqliteStore(file), port: 0 })
    const answer = async (r: Response) => [r.status, ((await r.json()) as { error?: string }).error]
    expect(await answer(await post(c.url, '{"batch": [oops'))).toEqual([400, 'not JSON'])
    expect(await answer(await post(c.url, '{"events": []}'))).toEqual([400, 'not a batch: { "batch": [ messages ] } expected'])
    // one bad message: the whole batch is refused, the good one with it
    const half = JSON.stringify({ batch: [message(1, 1), { ...message(1, 2), timestamp: 'yesterday' }] })
    expect(await answer(await post(c.url, half))).toEqual([400, 'batch[1].timestamp: an ISO 8601 date-time'])
    expect((await post(c.url, 'x'.repeat(10 << 20))).status).toBe(413)
    expect((await post(c.url, '{}', { 'content-type': 'application/xml' })).status).toBe(415)
    // gzip (the SDK's compression option) and text/plain (sendBeacon) are accepted
    expect((await post(c.url, gzipSync(JSON.stringify({ batch: [message(2, 1)] })), { 'content-type': 'text/plain', 'content-encoding': 'gzip' })).status).toBe(200)
    // CORS: a preflight is allowed, and answers carry the origin header
    const pre = await fetch(c.url + '/v1/batch', { method: 'OPTIONS' })
    expect([pre.status, pre.headers.get('access-control-allow-origin'), pre.headers.get('access-control-allow-headers')]).toEqual([204, '*', 'content-type, content-encoding, authorization'])
    const stats = await (await fetch(c.url + '/stats')).json()
    expect([stats.events, stats.rejected]).toEqual([1, 3])
    await c.close()
    c.store.close()
  })

  it('answers 503 when its store cannot write, so the SDK keeps the batch and retries', async () => {
    const broken = { write: () => { throw new Error('disk full') }, count: () => {}, stats: () => ({}), close: () => {} }
    const c = await createCollector({ store: broken, port: 0 })
    const r = await post(c.url, JSON.stringify({ batch: [message(3, 1)] }))
    expect([r.status, r.headers.get('retry-after')]).toEqual([503, '5'])
    await c.close()
  })

  it('loses no acknowledged event when killed (SIGKILL) in the middle of a stream of batches', async () => {
    const file = join(dir, 'kill.sqlite')
    const child = spawn(process.execPath, ['examples/collector/server.mjs', '--port', '0', '--file', file], { stdio: ['ignore', 'pipe', 'inherit'] })
    const url = await new Promise<string>((ok) => child.stdout!.on('data', (d: Buffer) => /(http:\/\/[^/\s]+)/.test(String(d)) && ok(/(http:\/\/[^/\s]+)/.exec(String(d))![1]!)))
    const acked: string[] = []
    let killed = false
    const client = async (k: number) => {
      for (let b = 0; !killed; b++) {
        const batch = Array.from({ length: 20 }, (_, i) => message(10 + k, b * 20 + i))
        try {
          const r = await post(url, JSON.stringify({ batch }))
          if (r.status == 200) acked.push(...batch.map((m) => m.messageId))
        } catch {
          return // the connection died with the collector: that batch was never acknowledged
        }
      }
    }
    const clients = [0, 1, 2, 3].map(client)
    await new Promise<void>((ok) => {
      const t = setInterval(() => acked.length >= 2000 && (clearInterval(t), ok()), 5)
    })
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGKILL')
    killed = true
    await Promise.all([exited, ...clients])
    const db = new Database(file)
    const stored = new Set((db.prepare('SELECT message_id FROM events').all() as { message_id: string }[]).map((r) => r.message_id))
    db.close()
    expect(acked.length).toBeGreaterThanOrEqual(2000)
    expect(acked.filter((id) => !stored.has(id))).toEqual([])
  }, 60_000)
})
