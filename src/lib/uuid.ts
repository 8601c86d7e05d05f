const hex = (n: number, width: number) => n.toString(16).padStart(width, '0')
const BYTE = Array.from({ length: 256 }, (_, i) => hex(i, 2))

/**
 * UUIDv7 (RFC 9562) generator: 48-bit ms timestamp, then a 12-bit counter seeded
 * randomly each ms ("method 1"), so ids from one tracker sort in capture order even
 * within a millisecond. Keys of the IndexedDB queue are these ids, so key order is
 * capture order and age pruning is a key range.
 */
export function createUuidV7(random: () => number): (ms: number) => string {
  let last = -1
  let seq = 0
  let time = ''
  // 32 random bits a call, as hex from a byte table (toString(16) + padStart was a tenth of track())
  const word = () => {
    const w = (random() * 2 ** 32) >>> 0
    return BYTE[w >>> 24]! + BYTE[(w >>> 16) & 255] + BYTE[(w >>> 8) & 255] + BYTE[w & 255]
  }
  return (ms) => {
    if (ms > last || seq >= 0xfff) {
      // a new millisecond, or counter overflow: borrow the next one, keeping ids monotonic
      last = ms > last ? ms : last + 1
      seq = (random() * 0x800) | 0
      const t = hex(last, 12)
      time = `${t.slice(0, 8)}-${t.slice(8)}-7`
    } else seq++
    // variant 10xx, then 62 random bits: 3 hex digits, 12 hex digits
    const a = word()
    return `${time}${hex(seq, 3)}-${'89ab'[parseInt(a[0]!, 16) & 3]}${a.slice(1, 4)}-${a.slice(4)}${word()}`
  }
}

/** Capture time (ms) encoded in a UUIDv7. */
export const uuidTime = (id: string): number => parseInt(id.slice(0, 8) + id.slice(9, 13), 16)

/** The smallest id of millisecond `ms`: every id captured before `ms` sorts below it. */
export const uuidFloor = (ms: number): string => {
  const t = hex(Math.max(0, ms), 12)
  return t.slice(0, 8) + '-' + t.slice(8)
}

/**
 * `random()` from the platform's CSPRNG, for messageIds: they are the collectors' dedupe
 * key, so a collision from a weak `Math.random` would silently delete an event downstream.
 * Values come from a pool refilled 1,024 at a time (one getRandomValues call per ~100 ids).
 * Undefined without `crypto.getRandomValues`.
 */
export function cryptoRandom(c: Pick<Crypto, 'getRandomValues'> | undefined): (() => number) | undefined {
  if (typeof c?.getRandomValues != 'function') return undefined
  const pool = new Uint32Array(1024)
  let i = pool.length
  return () => {
    if (i == pool.length) {
      c.getRandomValues(pool)
      i = 0
    }
    return pool[i++]! / 2 ** 32
  }
}
