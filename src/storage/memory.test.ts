import { describe, expect, it } from 'vitest'
import { createUuidV7 } from '../lib/uuid.js'
import { memoryQueue } from './memory.js'

const uuid = createUuidV7(Math.random)
const rec = (t: number, b = 10) => ({ id: uuid(t), s: '{}', b })

describe('memory queue', () => {
  it('keeps id order when records arrive out of order (other tabs, reloads)', async () => {
    const q = memoryQueue({ _events: 100, _bytes: 1e6, _age: 1e9 }, () => 0, () => {})
    const [a, b, c] = [rec(1), rec(2), rec(3)]
    q._put([c, a])
    q._put([b])
    expect((await q._take(10, 1e6, new Set())).map((r) => r.id)).toEqual([a.id, b.id, c.id])
  })

  it('takes within count and bytes, skipping ids in flight, and always at least one', async () => {
    const q = memoryQueue({ _events: 100, _bytes: 1e6, _age: 1e9 }, () => 0, () => {})
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
    const q = memoryQueue({ _events: 3, _bytes: 1e6, _age: 5_000 }, () => now, (r, n) => drops.push([r, n]))
    q._put([rec(6000), rec(7000), rec(8000), rec(9000)])
    expect(drops).toEqual([['queue_full', 1]])
    now = 12_500
    expect(await q._take(10, 1e6, new Set())).toHaveLength(2)
    expect(drops).toEqual([['queue_full', 1], ['expired', 1]])
  })
})
