// @vitest-environment node
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { main } from '../../../src/entries/cli.js'

const dir = mkdtempSync(join(tmpdir(), 'dp-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const file = (name: string, text: string) => {
  const p = join(dir, name)
  writeFileSync(p, text)
  return p
}
const VALID = JSON.stringify({ id: 'j', version: '1', stages: [{ id: 'visitor', entry: { all: [] } }] })

/** Runs the command line `args`: its exit code and what it printed where. */
async function cli(...args: string[]) {
  const out: string[] = []
  const err: string[] = []
  const code = await main(args, (s) => out.push(s), (s) => err.push(s))
  return { code, out, err }
}

describe('desire-path (the CLI)', () => {
  it('validate: a valid definition is ok, exit 0', async () => {
    const f = file('ok.json', VALID)
    expect(await cli('validate', f)).toEqual({ code: 0, out: [`${f}: ok`], err: [] })
  })

  it('validate: every problem of an invalid definition with its JSON path, exit 1', async () => {
    const doc = { id: 'my journey', version: 'one', stages: [{ id: 'a', entry: { evnt: {} } }, { id: 'a', entry: { ref: 'nope' }, stall: '3 days' }] }
    const f = file('bad.json', JSON.stringify(doc))
    const r = await cli('validate', f)
    expect(r.code).toBe(1)
    expect(r.err).toEqual([])
    expect(r.out).toEqual([
      `${f}: id: invalid id "my journey"`,
      `${f}: version: invalid version "one": MAJOR, MAJOR.MINOR or MAJOR.MINOR.PATCH`,
      `${f}: stages[0].entry: unknown rule "evnt"`,
      `${f}: stages[1].id: duplicate stage id "a"`,
      `${f}: stages[1].entry.ref: unknown predicate "nope"`,
      `${f}: stages[1].stall: invalid duration "3 days"`,
    ])
  })

  it('validate: the root is named (root)', async () => {
    const f = file('array.json', '[]')
    expect((await cli('validate', f)).out).toEqual([`${f}: (root): must be an object`])
  })

  it('validate: bad JSON names the file, the line and the column, exit 2', async () => {
    const f = file('syntax.json', '{\n  "id": "j",\n  "stages": [}\n}')
    const r = await cli('validate', f)
    expect(r.code).toBe(2)
    expect(r.out).toEqual([])
    // V8's words vary between Node versions; the place is ours
    expect(r.err).toHaveLength(1)
    expect(r.err[0]!.startsWith(`${f}: invalid JSON at line 3, column 14: `)).toBe(true)
    expect(r.err[0]).not.toMatch(/\n|position/)
    const comma = file('comma.json', '{\n  "id": "j",\n}')
    expect((await cli('validate', comma)).err[0]).toMatch(/comma\.json: invalid JSON at line 3, column 1: \w/)
    const empty = file('empty.json', '')
    expect((await cli('validate', empty)).err[0]).toMatch(/empty\.json: invalid JSON at line 1, column 1: Unexpected end of JSON input$/)
    // a byte-order mark is not an error
    expect((await cli('validate', file('bom.json', '\uFEFF' + VALID))).code).toBe(0)
  })

  it('validate: a missing file or a directory, exit 2; the other files are still checked', async () => {
    const ok = file('ok2.json', VALID)
    const missing = join(dir, 'missing.json')
    const r = await cli('validate', missing, ok, dir)
    expect(r.code).toBe(2)
    expect(r.err).toEqual([`${missing}: cannot read (no such file)`, `${dir}: cannot read (a directory)`])
    expect(r.out).toEqual([`${ok}: ok`])
  })

  it('validate: 2 wins over 1 whatever the order', async () => {
    const bad = file('bad2.json', '{}')
    expect((await cli('validate', join(dir, 'nope.json'), bad)).code).toBe(2)
    expect((await cli('validate', bad, join(dir, 'nope.json'))).code).toBe(2)
  })

  it('usage: no command, an unknown command, no file, an unknown option: exit 2 with the usage', async () => {
    for (const args of [[], ['lint', 'x.json'], ['validate'], ['validate', '--fix', 'x.json']]) {
      const r = await cli(...args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.out).toEqual([])
      expect(r.err.join('\n')).toMatch(/Usage: desire-path/)
    }
    expect((await cli('lint')).err[0]).toMatch(/^desire-path: unknown command "lint"/)
    // `--` ends the options: a file may start with a dash
    const dash = file('-dash.json', VALID)
    expect((await cli('validate', '--', dash)).code).toBe(0)
  })

  it('--help: the usage on standard output, exit 0', async () => {
    for (const args of [['--help'], ['-h'], ['help']]) {
      const r = await cli(...args)
      expect(r).toMatchObject({ code: 0, err: [] })
      expect(r.out[0]).toMatch(/^Usage: desire-path <command>[\s\S]*validate FILE/)
    }
    expect((await cli('validate', '--help')).out[0]).toMatch(/^Usage: desire-path validate FILE[\s\S]*Exit code/)
  })

  it('every example definition (examples/journeys/*.json) and the test fixture broken-journey.json', async () => {
    const examples = fileURLToPath(new URL('../../../examples/journeys/', import.meta.url))
    const files = readdirSync(examples)
      .filter((f) => f.endsWith('.json'))
      .map((f) => join(examples, f))
    expect(files.length).toBeGreaterThan(0)
    const r = await cli('validate', ...files)
    expect(r).toEqual({ code: 0, out: files.map((f) => `${f}: ok`), err: [] })

    const broken = fileURLToPath(new URL('../../fixtures/broken-journey.json', import.meta.url))
    const b = await cli('validate', broken)
    expect(b.code).toBe(1)
    const paths = b.out.map((l) => l.slice(broken.length + 2, l.indexOf(': ', broken.length + 2)))
    // at least 10 distinct problems, each at its own place
    expect(new Set(paths).size).toBeGreaterThanOrEqual(10)
  })
})
