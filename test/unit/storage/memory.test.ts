import { describe, expect, it } from 'vitest'
import { createUuidV7 } from '../../../src/lib/uuid.js'
import { memoryQueue } from '../../../src/storage/memory.js'

const uuid = createUuidV7(Math.random)
const rec = (t: number, b = 10) => ({ id: uuid(t), s: '{}', b })

describe('memory queue', () => {
  it('keeps id order when records arrive out of order (other tabs, reloads)', async () => {
    const q = memoryQueue({ _events: 100, _bytes: 1e6, _age: 1e9 }, () => 0, () => {}, () => true)
    const [a, b, c] = [rec(1), rec(2), rec(3)]
    q._put([c, a])
    q._put([b])
    expect((await q._take(10, 1e6, new Set())).map((r) => r.id)).toEqual([a.id, b.id, c.id])
  })

  it('takes within count and bytes, skipping ids in flight, and always at least one', async () => {
    const q = memoryQueue({ _events: 100, _bytes: 1e6, _age: 1e9 }, () => 0, () => {}, () => true)
    const rs = [rec(1, 40), rec(2, 40), rec(3, 40), rec(4, 500)]
    q._put(rs)
    expect(await q._take(10, 100, new Set([rs[0]!.id]))).toEqual([rs[1], rs[2]])
    expect(await q._take(2, 1e6, new Set())).toEqual([rs[0], rs[1]])
    q._del(rs.slice(0, 3).map((r) => r.id))
    expect(await q._take(10, 100, new Set())).toEqual([rs[3]]) // bigger than the limit, still sent alone
  })

  it('drops the oldest past its caps and expires old records, reporting both', async () => {
    const drops: [string, number][] = []
    let now = 10_000
    const q = memoryQueue({ _events: 3, _bytes: 1e6, _age: 5_000 }, () => now, (r, n) => drops.push([r, n]), () => true)
    q._put([rec(6000), rec(7000), rec(8000), rec(9000)])
    expect(drops).toEqual([['queue_full', 1]])
    now = 12_500
    expect(await q._take(10, 1e6, new Set())).toHaveLength(2)
    expect(drops).toEqual([['queue_full', 1], ['expired', 1]])
  })
})

describe('memory queue beside IndexedDB', () => {
  const big = (i: number) => ({ id: String(1e6 + i), s: '{}', b: 100 })
  it('lets go of the oldest stored records past the kept bytes, never of unstored ones', () => {
    const q = memoryQueue({ _events: 1e6, _bytes: 1e9, _age: 1e12 }, () => 0, () => {}, () => false)
    const rs = Array.from({ length: 10 }, (_, i) => big(i))
    q._put(rs)
    q._stored(rs.slice(0, 3), 500) // 1,000 bytes held, 3 stored: all 3 go, the unstored stay
    expect(q._all().map((r) => r.id)).toEqual(rs.slice(3).map((r) => r.id))
    q._stored(rs.slice(3, 9), 500) // 700 held: the two oldest stored go
    expect(q._all().map((r) => r.id)).toEqual(rs.slice(5).map((r) => r.id))
  })

  it('applies no cap while IndexedDB holds the queue, and the cap once in memory mode', () => {
    let memoryMode = false
    const drops: number[] = []
    const q = memoryQueue({ _events: 1_000, _bytes: 1e9, _age: 1e12 }, () => 0, (_r, n) => drops.push(n), () => memoryMode)
    for (let i = 0; i < 5_000; i++) q._add(big(i))
    expect(q._all()).toHaveLength(5_000)
    memoryMode = true
    for (let i = 5_000; i < 100_000; i++) q._add(big(i))
    expect(q._all()).toHaveLength(1_000)
    expect(q._all()[0]!.id).toBe(big(99_000).id)
    expect(drops.reduce((a, b) => a + b, 0)).toBe(99_000)
  })
})
