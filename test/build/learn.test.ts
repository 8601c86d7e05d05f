// @vitest-environment node
// The built learner (run with DIST=1, after `npm run build`): the installed command with
// worker threads gives what one thread gives, and no browser build holds Node-only code.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { generateLines } from '../../examples/demo/customers.mjs'

const root = new URL('../../', import.meta.url).pathname
const dir = mkdtempSync(join(tmpdir(), 'dp-learn-dist-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const cli = (...args: string[]) => execFileSync(process.execPath, [join(root, 'bin/desire-path.mjs'), ...args], { encoding: 'utf8' })

describe('dist/ learner', () => {
  it('gives the same learned definition and report with 3 worker threads as with one', () => {
    const { lines, truth } = generateLines({ customers: 3000, seed: 5 })
    // three files of different sizes, so the workers' shares differ
    const cut = [0, lines.length / 6, lines.length / 2, lines.length].map(Math.round)
    for (let i = 0; i < 3; i++) writeFileSync(join(dir, `part-${i}.ndjson`), lines.slice(cut[i], cut[i + 1]).join('\n') + '\n')
    const out = (w: number) => {
      const o = join(dir, `learned-${w}.json`)
      const r = join(dir, `report-${w}.md`)
      cli('learn', ...[0, 1, 2].map((i) => join(dir, `part-${i}.ndjson`)), '--journey', join(root, 'examples/journeys/b2b-saas.json'), '--out', o, '--report', r, '--now', truth.now, '--workers', String(w))
      return [readFileSync(o, 'utf8'), readFileSync(r, 'utf8')]
    }
    const one = out(1)
    expect(out(3)).toEqual(one)
    expect(JSON.parse(one[0]!).learned.subjects).toBe(truth.customers)
  }, 120_000)

  it('reads standard input (`-`) beside files, with worker threads', () => {
    const { lines, truth } = generateLines({ customers: 300, seed: 6 })
    const o = join(dir, 'stdin.json')
    const half = join(dir, 'half.ndjson')
    writeFileSync(half, lines.slice(lines.length / 2).join('\n') + '\n')
    const args = [join(root, 'bin/desire-path.mjs'), 'learn', '-', half, '--journey', join(root, 'examples/journeys/b2b-saas.json'), '--out', o, '--now', truth.now, '--workers', '2']
    const out = execFileSync(process.execPath, args, { encoding: 'utf8', input: lines.slice(0, lines.length / 2).join('\n') + '\n' })
    expect(out).toContain(`from ${truth.messages + truth.quality.resentMessages} messages, ${truth.customers} customers`)
    expect(Object.keys(JSON.parse(readFileSync(o, 'utf8')).learned.input.files)).toEqual(['-', half])
  })

  it('keeps the learner and node: modules out of every browser build', () => {
    const browser = readdirSync(join(root, 'dist')).filter((f) => f.endsWith('.js') && !/^(cli|learn|learn-worker|node-.*)\.js$/.test(f))
    expect(browser.length).toBeGreaterThan(5)
    for (const f of browser) expect({ f, node: /["']node:|worker_threads|\/learn\//.test(readFileSync(join(root, 'dist', f), 'utf8')) }).toEqual({ f, node: false })
  })
})
