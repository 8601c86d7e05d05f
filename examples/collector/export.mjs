#!/usr/bin/env node
// Writes what the collector stored as NDJSON, one message a line in time order, for
// `desire-path learn`:
//   node examples/collector/export.mjs [--store sqlite|ndjson] [--file PATH] [--out FILE]   (default: standard output)
import { createWriteStream } from 'node:fs'
import { resolve } from 'node:path'
import { once } from 'node:events'
import { ndjsonStore } from './ndjson-store.mjs'

const arg = (name, def) => {
  const i = process.argv.indexOf(name)
  return i < 0 ? def : process.argv[i + 1]
}
const kind = arg('--store', 'sqlite')
const file = resolve(arg('--file', kind == 'sqlite' ? 'desire-path-events.sqlite' : 'desire-path-events.ndjson'))
const store = kind == 'sqlite' ? (await import('./sqlite-store.mjs')).sqliteStore(file) : ndjsonStore(file)
const out = arg('--out') ? createWriteStream(arg('--out')) : process.stdout
let n = 0
for (const line of store.messages()) {
  n++
  if (!out.write(line + '\n')) await once(out, 'drain')
}
store.close()
if (out !== process.stdout) await new Promise((r) => out.end(r))
console.error(`export: ${n} messages from ${file}`)
