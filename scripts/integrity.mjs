#!/usr/bin/env node
// After rollup (`npm run build`): puts the script-tag build's SRI hash into the snippet,
// and writes dist/integrity.json — the SRI `integrity` of every script-tag file and the
// CSP `sha256-…` source of the snippet (the hash of its exact text, which is what a
// `script-src 'sha256-…'` allows inline). scripts/readme-snippet.mjs keeps the README's
// copy of them honest.
import { createHash } from 'node:crypto'
import { readFileSync, readdirSync, writeFileSync } from 'node:fs'

const dist = process.argv[2] || 'dist'
const hash = (alg, text) => `${alg}-${createHash(alg).update(text).digest('base64')}`
const PLACEHOLDER = 'sha384-(filled in by scripts/integrity.mjs)'

const sri = {}
for (const f of readdirSync(dist).filter((f) => f.endsWith('.iife.js')).sort()) sri[f] = hash('sha384', readFileSync(`${dist}/${f}`))
const file = `${dist}/snippet.min.js`
const snippet = readFileSync(file, 'utf8').trim().replace(PLACEHOLDER, sri['desire-path.iife.js'])
if (snippet.includes('filled in')) throw new Error('snippet: no SRI placeholder filled')
writeFileSync(file, snippet)
const out = { snippet: { file: 'snippet.min.js', csp: hash('sha256', snippet), bytes: Buffer.byteLength(snippet) }, sri }
writeFileSync(`${dist}/integrity.json`, JSON.stringify(out, null, 2) + '\n')
console.log(`integrity: snippet ${out.snippet.csp} (${out.snippet.bytes} B); ${Object.keys(sri).length} SRI hashes in ${dist}/integrity.json`)
