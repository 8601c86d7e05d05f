// Reading a JSON file for the CLI: the document, or why not in words (with a line and
// column for a syntax error).
import { readFile } from 'node:fs/promises'
import { lineColumn, syntaxErrorAt } from '../lib/json-position.js'

/** Reads and parses `file`: the JSON, or why not (a line and column for a syntax error). */
export async function load(file: string): Promise<{ doc: unknown } | { why: string }> {
  let text: string
  try {
    // a byte-order mark is what some editors write first; JSON.parse refuses it
    text = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '')
  } catch (e) {
    const { code, message } = e as { code?: string; message?: string }
    return { why: `cannot read (${code == 'ENOENT' ? 'no such file' : code == 'EISDIR' ? 'a directory' : message})` }
  }
  try {
    return { doc: JSON.parse(text) }
  } catch (e) {
    const at = syntaxErrorAt(text)
    const p = at < 0 ? undefined : lineColumn(text, at)
    const where = p ? ` at line ${p.line}, column ${p.column}` : ''
    // the position is said once, as a line and column, and V8's quote of the text (which
    // may span lines) is left out
    const message = String((e as Error).message)
      .replace(/ in JSON at position \d+.*$|, (\.\.\.)?"[\s\S]*" is not valid JSON$/, '')
      .replace(/\s+/g, ' ')
    return { why: `invalid JSON${where}: ${message}` }
  }
}

