#!/usr/bin/env node
// Keeps the copies of the snippet honest (after `npm run build`): the README's snippet must
// be dist/snippet.min.js as built, its CSP hash and SRI hashes those of dist/integrity.json,
// and the marketing-site example's pages must hold the same snippet, self-hosted (build URL
// /dist/desire-path.iife.js, no SRI), with a CSP meta allowing exactly it.
// `--write` puts the current text and hashes in place instead of failing.
import { createHash } from 'node:crypto'
import { readFileSync, readdirSync, writeFileSync } from 'node:fs'

const root = new URL('../', import.meta.url)
const read = (p) => readFileSync(new URL(p, root), 'utf8')
const write = process.argv.includes('--write')
const snippet = read('dist/snippet.min.js')
const integrity = JSON.parse(read('dist/integrity.json'))
const problems = []

/** Replaces what is between <!--name--> and <!--/name--> in `text` (checks unless --write). */
const section = (file, text, name, want) => {
  const re = new RegExp(`(<!--${name}-->)([\\s\\S]*?)(<!--/${name}-->)`)
  const m = text.match(re)
  if (!m) return problems.push(`${file}: no <!--${name}--> section`), text
  if (m[2] !== want && !write) problems.push(`${file}: <!--${name}--> is out of date (node scripts/readme-snippet.mjs --write)`)
  return text.replace(re, (_, a, __, b) => a + want + b)
}

let readme = read('README.md')
readme = section('README.md', readme, 'snippet', '\n```html\n<script>' + snippet + '</script>\n```\n')
readme = section('README.md', readme, 'csp', `\`'${integrity.snippet.csp}'\``)
for (const [file, sri] of Object.entries(integrity.sri)) readme = section('README.md', readme, 'sri:' + file, `\`${sri}\``)
if (write) writeFileSync(new URL('README.md', root), readme)

// the example: the same snippet, self-hosted
const url = snippet.match(/"(https:\/\/cdn\.jsdelivr\.net[^"]+)","(sha384-[^"]+)"\)/)
if (!url) problems.push('dist/snippet.min.js: no default build URL and SRI hash at its end')
const own = url ? snippet.replace(url[0], '"/dist/desire-path.iife.js","")') : snippet
const hash = `'sha256-${createHash('sha256').update(own).digest('base64')}'`
for (const f of readdirSync(new URL('examples/marketing-site/', root)).filter((f) => f.endsWith('.html'))) {
  const path = 'examples/marketing-site/' + f
  const html = read(path)
  const next = html.replace(/(<script data-[^>]*>)[^<]*(<\/script>)/g, (_, a, b) => a + own + b).replace(/'sha256-[^']*'/g, hash)
  if (next !== html) write ? writeFileSync(new URL(path, root), next) : problems.push(`${path}: its snippet or CSP hash is out of date (node scripts/readme-snippet.mjs --write)`)
}
for (const p of problems) console.error(p)
if (!problems.length) console.log(`snippet: README and examples match dist/ (${snippet.length} B, ${integrity.snippet.csp})`)
process.exit(problems.length ? 1 : 0)
