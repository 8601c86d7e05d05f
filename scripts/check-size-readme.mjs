// Keeps the README's size figures honest: they must match what size-limit measures now.
// Usage: node scripts/check-size-readme.mjs  (after `npm run build`)
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

const measured = JSON.parse(execFileSync('npx', ['size-limit', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }))
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
const kb = (bytes) => (bytes / 1000).toFixed(1) + ' kB'
let bad = 0
for (const [i, entry] of measured.entries()) {
  const quoted = [...readme.matchAll(new RegExp(`<!--size${i}-->([^<]*)<!--/size${i}-->`, 'g'))].map((m) => m[1])
  if (!quoted.length) {
    console.error(`README has no <!--size${i}--> figure for "${entry.name}"`)
    bad++
  }
  for (const q of quoted)
    if (q !== kb(entry.size)) {
      console.error(`README says ${q} for "${entry.name}", size-limit measures ${kb(entry.size)}`)
      bad++
    }
  if (!bad) console.log(`README size for "${entry.name}": ${kb(entry.size)} ✓`)
}
process.exit(bad ? 1 : 0)
