/** UTF-8 byte length of a string, without allocating (TextEncoder would copy it). */
export function utf8Length(s: string): number {
  let n = s.length
  // most events are ASCII: one native scan instead of a loop in JS
  if (!/[^\0-\x7f]/.test(s)) return n
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c > 0x7f) {
      n += c > 0x7ff ? 2 : 1
      // a surrogate pair: 2 UTF-16 units (counted 2 + 2) make 4 bytes; skip the low half
      if (c >= 0xd800 && c < 0xdc00) i++
    }
  }
  return n
}
