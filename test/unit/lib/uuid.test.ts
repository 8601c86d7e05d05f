import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { createUuidV7, cryptoRandom, uuidFloor, uuidTime } from '../../../src/lib/uuid.js'

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

describe('UUIDv7', () => {
  it('is RFC 9562 shaped and encodes its millisecond', () => {
    const id = createUuidV7(Math.random)(1_700_000_000_123)
    expect(id).toMatch(V7)
    expect(uuidTime(id)).toBe(1_700_000_000_123)
  })

  it('sorts in call order for any sequence of clock readings, even a clock that goes back', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 ** 47 }), { minLength: 2, maxLength: 200 }), fc.double({ min: 0, max: 0.999 }), (times, r) => {
        const uuid = createUuidV7(() => r)
        const ids = times.map(uuid)
        return ids.every((id, i) => V7.test(id) && (i == 0 || ids[i - 1]! < id))
      }),
    )
  })

  it('stays unique and ordered past 4,096 ids in one millisecond', () => {
    const uuid = createUuidV7(Math.random)
    const ids = Array.from({ length: 10_000 }, () => uuid(5_000))
    expect(new Set(ids).size).toBe(10_000)
    expect([...ids].sort()).toEqual(ids)
  })

  it('uuidFloor sorts below every id of that millisecond and above every earlier one', () => {
    const uuid = createUuidV7(Math.random)
    expect(uuid(999) < uuidFloor(1000)).toBe(true)
    expect(uuidFloor(1000) < uuid(1000)).toBe(true)
  })
})

describe('cryptoRandom', () => {
  it('draws from getRandomValues, a pool at a time, into [0, 1)', () => {
    let calls = 0
    const r = cryptoRandom({
      getRandomValues: <T extends ArrayBufferView | null>(a: T) => {
        calls++
        ;(a as unknown as Uint32Array).fill(2 ** 31)
        return a
      },
    })!
    const xs = Array.from({ length: 2048 }, r)
    expect(xs.every((x) => x == 0.5)).toBe(true)
    expect(calls).toBe(2)
    expect(cryptoRandom(undefined)).toBeUndefined()
  })

  it('with the real crypto, 100,000 ids are unique and every value is below 1', () => {
    const r = cryptoRandom(globalThis.crypto)!
    const uuid = createUuidV7(r)
    expect(new Set(Array.from({ length: 100_000 }, () => uuid(1))).size).toBe(100_000)
    expect(Array.from({ length: 10_000 }, r).every((x) => x >= 0 && x < 1)).toBe(true)
  })
})
