const hex = (n: number, width: number) => n.toString(16).padStart(width, '0')

/**
 * UUIDv7 (RFC 9562) generator: 48-bit ms timestamp, then a 12-bit counter seeded
 * randomly each ms ("method 1"), so ids from one tracker sort in capture order even
 * within a millisecond. Keys of the IndexedDB queue are these ids, so key order is
 * capture order and age pruning is a key range.
 */
export function createUuidV7(random: () => number): (ms: number) => string {
  let last = -1
  let seq = 0
  const r32 = () => hex((random() * 0x100000000) >>> 0, 8)
  return (ms) => {
    if (ms > last) {
      last = ms
      seq = (random() * 0x800) | 0
    } else if (++seq > 0xfff) {
      // counter overflow: borrow the next millisecond, keeping ids monotonic
      last++
      seq = 0
    }
    const t = hex(last, 12)
    const r = r32() + r32()
    return `${t.slice(0, 8)}-${t.slice(8)}-7${hex(seq, 3)}-${((parseInt(r[0]!, 16) & 3) | 8).toString(16)}${r.slice(1, 4)}-${r.slice(4, 16)}`
  }
}

/** Capture time (ms) encoded in a UUIDv7. */
export const uuidTime = (id: string): number => parseInt(id.slice(0, 8) + id.slice(9, 13), 16)

/** The smallest id of millisecond `ms`: every id captured before `ms` sorts below it. */
export const uuidFloor = (ms: number): string => {
  const t = hex(Math.max(0, ms), 12)
  return t.slice(0, 8) + '-' + t.slice(8)
}
