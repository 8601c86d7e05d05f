import { describe, expect, it } from 'vitest'
import { pick } from '../../../src/storage/queue.js'

const recs = (n: number, b: number) => Array.from({ length: n }, (_, i) => ({ id: String(i).padStart(4, '0'), s: '', b }))

describe('pick', () => {
  it('counts the comma between events against the byte limit', () => {
    // 9 events of 10 bytes + 8 commas = 98 ≤ 100; a 10th would make 109
    expect(pick(recs(20, 10), 100, 100, new Set())).toHaveLength(9)
  })
  it('stops at the count limit, skips ids in flight, and always returns one event that alone is too big', () => {
    expect(pick(recs(20, 1), 5, 1e6, new Set())).toHaveLength(5)
    expect(pick(recs(3, 1), 10, 1e6, new Set(['0001'])).map((r) => r.id)).toEqual(['0000', '0002'])
    expect(pick(recs(3, 500), 10, 100, new Set())).toHaveLength(1)
  })
})
