import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs'
import { open } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import { createGunzip } from 'node:zlib'
import { detId } from '../journey/ids.js'
import { lineSplitter } from './lines.js'
import { count, quality } from './quality.js'
import type { Quality } from './types.js'

// Pass 1 over the input: NDJSON (or gzipped NDJSON) of Segment-shaped messages, a message
// or a batch envelope a line. Every line is parsed once; what the journey needs of each
// message goes to a spill file, a compact record a line, behind the message's first id:
//   <anonymousId or userId>\t[t, messageId, type, name, properties, traits, file, line]
// Ids that messages link (both ids, or an alias) are collected for stitching. Bad lines
// are counted by kind, never fatal; a file that cannot be read is (a ReadError).

/** A file that cannot be read (or a gzip stream that is corrupt): the command exits 2. */
export class ReadError extends Error {}

export interface Scan {
  /** file → `sha256:<hex>` */
  files: Record<string, string>
  quality: Record<string, Quality>
  lines: number
  messages: number
  /** `a\u0001b`: ids one message carries together */
  links: string[]
  /** the latest timestamp seen, ms (−Infinity if none) */
  latest: number
  spillBytes: number
}

const str = (v: unknown) => (typeof v == 'string' && v ? v : typeof v == 'number' ? String(v) : undefined)
const obj = (v: unknown) => (v && typeof v == 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined)

/**
 * What a record keeps of properties and traits: the top-level keys the definition's rules
 * look at (and what pages and the SDK's own events need), or everything (`null`).
 */
export interface Keep {
  props: string[] | null
  traits: string[] | null
}

/** Reads `files` (`[name, index in the run's list]`), writing records to `spill`. */
export async function scan(files: [string, number][], spill: string, keep: Keep = { props: null, traits: null }): Promise<Scan> {
  const out = createWriteStream(spill)
  const res: Scan = { files: {}, quality: {}, lines: 0, messages: 0, links: [], latest: -Infinity, spillBytes: 0 }
  const links = new Set<string>()
  let last = ''
  let buf: string[] = []
  let size = 0
  try {
    for (let f = 0; f < files.length; f++) {
      const [file, index] = files[f]!
      const q = (res.quality[file] = quality())
      const hash = createHash('sha256')
      let line = 0
      const take = (text: string) => {
        line++
        if (!text.trim()) return
        res.lines++
        let doc: unknown
        try {
          doc = JSON.parse(text)
        } catch {
          return count(q, 'malformed', file, line)
        }
        const batch = obj(doc)?.batch
        const msgs = Array.isArray(batch) ? batch : [doc]
        // a line of printable ASCII without a backslash holds no string to escape
        const esc = UNSAFE.test(text) ? ascii : same
        for (const m of msgs) {
          const rec = record(m, q, file, line, index, keep, esc)
          if (!rec) continue
          res.messages++
          if (rec.t > res.latest) res.latest = rec.t
          // a customer's messages come together: the same pair as before is not looked up again
          if (rec.link && rec.link !== last) links.add((last = rec.link))
          buf.push(rec.line)
          size += rec.line.length
        }
      }
      const split = lineSplitter(take)
      for await (const chunk of await source(file, hash)) {
        split.push(chunk)
        if (size > 1 << 20) {
          res.spillBytes += size
          await write(out, buf.join(''))
          buf = []
          size = 0
        }
      }
      split.end()
      res.files[file] = 'sha256:' + hash.digest('hex')
    }
    res.spillBytes += size
    await write(out, buf.join(''))
  } finally {
    await new Promise((r) => out.end(r))
  }
  res.links = [...links]
  return res
}

/** The file's text, decompressed if it starts with gzip's magic bytes; its raw bytes feed `hash`. */
async function source(file: string, hash: ReturnType<typeof createHash>): Promise<AsyncIterable<string>> {
  let gz = false
  if (file != '-') {
    try {
      const h = await open(file)
      const { buffer, bytesRead } = await h.read(Buffer.alloc(2), 0, 2, 0)
      await h.close()
      gz = bytesRead == 2 && buffer[0] == 0x1f && buffer[1] == 0x8b
    } catch (e) {
      throw new ReadError(`${file}: cannot read (${(e as { code?: string }).code == 'ENOENT' ? 'no such file' : (e as Error).message})`)
    }
  }
  const raw: Readable = file == '-' ? process.stdin : createReadStream(file, { highWaterMark: 1 << 20 })
  raw.on('data', (c: Buffer) => hash.update(c))
  // 1 MB out at a time, not zlib's 16 kB: a 64th of the chunks to decode and split
  const text: Readable = gz ? raw.pipe(createGunzip({ chunkSize: 1 << 20 })) : raw
  raw.on('error', (e) => text.destroy(e))
  // TextDecoder: UTF-8 at 1.6× the speed of a stream's own decoding
  const dec = new TextDecoder()
  return (async function* () {
    try {
      for await (const c of text) yield dec.decode(c as Buffer, { stream: true })
      yield dec.decode()
    } catch (e) {
      throw new ReadError(`${file}: cannot read (${(e as Error).message})`)
    }
  })()
}

const write = (out: WriteStream, s: string) => new Promise<void>((ok, fail) => (s ? out.write(s, (e) => (e ? fail(e) : ok())) : ok()))

/** A message's spill line, or undefined (counted) if it cannot be used. */
/**
 * Characters outside printable ASCII as JSON escapes: spill files are ASCII (read back at
 * latin1 speed), and an id with a tab or a newline cannot break a spill line.
 */
const ascii = (s: string) => (/[^\x20-\x7e]/.test(s) ? s.replace(/[^\x20-\x7e]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')) : s)

/** The keys a record keeps: every top-level property a filter of the definition names, and what replaying reads. */
export function keepOf(def: unknown): Keep {
  const keys = new Set(['path', 'name', 'nudge', 'arm', 'stage', 'cause', 'to'])
  const walk = (v: unknown): void => {
    if (!v || typeof v != 'object') return
    const o = v as Record<string, unknown>
    if (typeof o.prop == 'string') keys.add(o.prop.split('.')[0]!)
    for (const x of Object.values(o)) walk(x)
  }
  walk(def)
  const list = [...keys].sort()
  return { props: list, traits: list }
}

/** A character a spill line cannot hold as it is, or a JSON escape that may make one. */
const UNSAFE = /[^\x20-\x7e]|\\/
const same = (s: string) => s

const pick = (o: Record<string, unknown> | undefined, keys: string[] | null) => {
  if (!o || !keys) return o || 0
  let out: Record<string, unknown> | 0 = 0
  for (const k of keys) if (Object.prototype.hasOwnProperty.call(o, k)) (out ||= {})[k] = o[k]
  return out
}

function record(m: unknown, q: Quality, file: string, line: number, fi: number, keep: Keep, ascii: (s: string) => string): { line: string; t: number; link?: string } | undefined {
  const o = obj(m)
  const type = o && str(o.type)
  if (!o || !type) return void count(q, 'notMessage', file, line)
  const anon = str(o.anonymousId ?? o.anonymous_id)
  const user = str(o.userId ?? o.user_id)
  const prev = type == 'alias' ? str(o.previousId ?? o.previous_id) : undefined
  if (!anon && !user) return void count(q, 'missingId', file, line)
  const ts = o.timestamp ?? o.originalTimestamp ?? o.original_timestamp
  const t = typeof ts == 'number' ? ts : typeof ts == 'string' ? Date.parse(ts) : NaN
  if (!isFinite(t)) return void count(q, 'missingTimestamp', file, line)
  let id = str(o.messageId ?? o.message_id)
  if (!id) {
    count(q, 'missingMessageId', file, line)
    id = 'dp:' + detId(JSON.stringify(o))
  }
  const name = str(type == 'track' ? (o.event ?? o.event_text) : o.name) ?? (type == 'page' ? str(obj(o.properties)?.name) : undefined)
  const props = pick(obj(o.properties), keep.props)
  const traits = type == 'identify' ? pick(obj(o.traits) || obj(obj(o.context)?.traits), keep.traits) : 0
  const rec = JSON.stringify([t, id, type, name ?? 0, props, traits, fi, line])
  const link = anon && user ? ascii(anon) + '\u0001' + ascii(user) : prev && user ? ascii(prev) + '\u0001' + ascii(user) : undefined
  return { line: ascii((anon || user)!) + '\t' + ascii(rec) + '\n', t, ...(link && { link }) }
}
