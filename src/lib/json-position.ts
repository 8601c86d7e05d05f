/**
 * Where a JSON text stops being JSON, for error messages: Node 20's JSON.parse does not
 * always say ("Unexpected token '}', … is not valid JSON"), and a line and column are
 * what an editor needs. A scanner of the JSON grammar (RFC 8259), run only after
 * JSON.parse has failed.
 */

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y

/** The offset of the first syntax error in `s`, or -1 if it is valid JSON (or too deeply nested to tell). */
export function syntaxErrorAt(s: string): number {
  let i = 0
  const fail = (): never => {
    throw i
  }
  const ws = () => {
    while (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') i++
  }
  const sticky = (re: RegExp) => {
    re.lastIndex = i
    if (!re.test(s)) fail()
    i = re.lastIndex
  }
  const string = () => {
    for (i++; s[i] != '"'; ) {
      if (i >= s.length || s.charCodeAt(i) < 32) fail()
      if (s[i] == '\\') sticky(ESCAPE)
      else i++
    }
    i++
  }
  /** `open` … `close` with `item` between commas */
  const list = (close: string, item: () => void) => {
    i++
    ws()
    if (s[i] == close) return void i++
    for (;;) {
      item()
      ws()
      if (s[i] == close) return void i++
      if (s[i] != ',') fail()
      i++
    }
  }
  const value = (): void => {
    ws()
    const c = s[i]
    if (c == '{')
      list('}', () => {
        ws()
        if (s[i] != '"') fail()
        string()
        ws()
        if (s[i] != ':') fail()
        i++
        value()
      })
    else if (c == '[') list(']', value)
    else if (c == '"') string()
    else if (c == 't' || c == 'f' || c == 'n') {
      const word = c == 't' ? 'true' : c == 'f' ? 'false' : 'null'
      if (!s.startsWith(word, i)) fail()
      i += word.length
    } else sticky(NUMBER)
  }
  try {
    value()
    ws()
    return i < s.length ? i : -1
  } catch (e) {
    return typeof e == 'number' ? e : -1
  }
}

/** 1-based line and column of offset `at` in `s`. */
export function lineColumn(s: string, at: number): { line: number; column: number } {
  const before = s.slice(0, at).split('\n')
  return { line: before.length, column: before[before.length - 1]!.length + 1 }
}
