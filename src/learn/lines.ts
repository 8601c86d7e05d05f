/**
 * Splits text, pushed a chunk at a time, into lines (without their `\n`). Scanning with
 * indexOf and slicing is twice as fast as `split('\n')` on megabyte chunks.
 */
export function lineSplitter(each: (line: string) => void): { push(chunk: string): void; end(): void } {
  let rest = ''
  return {
    push(s) {
      let start = 0
      let i: number
      while ((i = s.indexOf('\n', start)) >= 0) {
        each(start == 0 && rest ? rest + s.slice(0, i) : s.slice(start, i))
        start = i + 1
      }
      rest = start == 0 ? rest + s : s.slice(start)
    },
    end() {
      if (rest) each(rest)
      rest = ''
    },
  }
}
