import { describe, expect, it, vi } from 'vitest'
import { collector } from './helpers/collector.js'
import { tracker } from './helpers/fixtures.js'

describe('track() never breaks the host page', () => {
  it('returns synchronously, before any storage or network', () => {
    collector()
    const { dp } = tracker()
    const r = dp.track('E', { a: 1 }) as unknown
    expect(r).toBeUndefined()
  })

  it('cleans unstorable input and reports what it changed, once per kind of problem', async () => {
    const c = collector()
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const { dp, errors } = tracker()
    const cyclic: Record<string, unknown> = { name: 'loop' }
    cyclic.self = cyclic
    const props = {
      cyclic,
      fn: () => 1,
      sym: Symbol('s'),
      big: 10n ** 20n,
      nan: NaN,
      inf: -Infinity,
      long: 'x'.repeat(20_000),
      when: new Date(Date.UTC(2026, 0, 2)),
      nested: JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}'),
      arr: [1, undefined, () => 2],
      shared: [] as unknown[],
    }
    const twice = { same: true }
    props.shared.push(twice, twice) // shared, not cyclic: kept both times
    expect(() => dp.track('Messy', props)).not.toThrow()
    dp.track('Messy again', { fn: () => 1 })
    await dp.flush()
    const p = c.accepted[0]!.properties!
    expect(p).toEqual({
      cyclic: { name: 'loop' },
      big: '100000000000000000000',
      nan: null,
      inf: null,
      long: 'x'.repeat(10_000),
      when: '2026-01-02T00:00:00.000Z',
      nested: { ok: 1 },
      arr: [1, null, null],
      shared: [{ same: true }, { same: true }],
    })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(errors.map((e) => e.code)).toEqual(['event_normalized', 'event_normalized'])
    expect(errors[0]!.message).toMatch(/cycle.*function|function.*cycle/)
    // one console line per error code, prefixed
    expect(warn).toHaveBeenCalledTimes(1)
    expect(warn.mock.calls[0]![0]).toMatch(/^\[desire-path\] /)
    warn.mockRestore()
  })

  it('rejects, through onError, properties that throw when read (getters, toJSON, Proxy traps)', async () => {
    const c = collector()
    const { dp, codes } = tracker()
    const trap = new Proxy({}, { ownKeys: () => { throw new Error('trap') } })
    const bad = { toJSON: () => { throw new Error('toJSON') } }
    const getter = { get boom(): never { throw new Error('getter') } }
    expect(() => {
      dp.track('Trap', { trap })
      dp.track('ToJSON', { bad })
      dp.track('Getter', getter)
      dp.track('Fine', { ok: true })
    }).not.toThrow()
    await dp.flush()
    expect(c.accepted.map((e) => e.event)).toEqual(['Fine'])
    expect(codes()).toEqual(['event_invalid', 'event_invalid', 'event_invalid'])
  })

  it('cuts nesting deeper than 20 levels', async () => {
    const c = collector()
    const { dp, codes } = tracker()
    let deep: Record<string, unknown> = { leaf: true }
    for (let i = 0; i < 30; i++) deep = { d: deep }
    dp.track('Deep', { deep })
    await dp.flush()
    let depth = 0
    for (let x = c.accepted[0]!.properties!.deep as Record<string, unknown> | undefined; x; x = x.d as Record<string, unknown>) depth++
    expect(depth).toBeGreaterThan(15)
    expect(depth).toBeLessThan(22)
    expect(codes()).toEqual(['event_normalized'])
  })

  it('rejects calls it cannot use, through onError, without storing anything half-built', async () => {
    const c = collector()
    const dropped: string[] = []
    const { dp, codes } = tracker()
    dp.on('dropped', (d) => dropped.push(d.reason))
    dp.track('' as string)
    dp.track(42 as unknown as string)
    dp.track('Bad props', 'a string' as unknown as Record<string, unknown>)
    dp.track('Bad props', [1, 2] as unknown as Record<string, unknown>)
    dp.track('Good')
    await dp.flush()
    expect(c.accepted.map((e) => e.event)).toEqual(['Good'])
    expect(codes()).toEqual(['event_invalid', 'event_invalid', 'event_invalid', 'event_invalid'])
    expect(dropped).toEqual(['invalid', 'invalid', 'invalid', 'invalid'])
  })

  it('rejects an event over 32 KB with an error; it never sits in the queue', async () => {
    const c = collector()
    const dropped: { reason: string; count: number; total: number }[] = []
    const { dp, errors } = tracker()
    dp.on('dropped', (d) => dropped.push(d))
    dp.track('Huge', { a: 'x'.repeat(9_000), b: 'y'.repeat(9_000), c: 'z'.repeat(9_000), d: 'w'.repeat(9_000) })
    dp.track('Huge utf8', { a: '€'.repeat(9_000), b: '€'.repeat(3_000) }) // 12,000 chars, 36,000 bytes
    dp.track('Small')
    await dp.flush()
    expect(c.accepted.map((e) => e.event)).toEqual(['Small'])
    expect(errors.map((e) => e.code)).toEqual(['event_too_large', 'event_too_large'])
    expect(dropped).toEqual([
      { reason: 'too_large', count: 1, total: 1 },
      { reason: 'too_large', count: 1, total: 2 },
    ])
  })

  it("keeps an event of 32,211 bytes: Segment's limit is 32 KB (32,768), not 32,000", async () => {
    const c = collector()
    const { dp, errors } = tracker()
    const small = JSON.stringify(await (async () => (dp.track('Big', { a: '' }), await dp.flush(), c.accepted[0]))()).length
    const fill = 32_211 - small
    dp.track('Big', { a: 'x'.repeat(8_000), b: 'y'.repeat(8_000), c: 'z'.repeat(8_000), d: 'w'.repeat(fill - 24_000 - 12) })
    await dp.flush()
    expect(JSON.stringify(c.accepted[1]).length).toBeGreaterThanOrEqual(32_211)
    expect(c.accepted).toHaveLength(2)
    expect(errors).toEqual([])
  })

  it('draws messageIds from crypto.getRandomValues, not Math.random', async () => {
    const c = collector()
    const spy = vi.spyOn(crypto, 'getRandomValues')
    const weak = vi.spyOn(Math, 'random')
    const { dp } = tracker()
    for (let i = 0; i < 200; i++) dp.track('E')
    const calls = [spy.mock.calls.length, weak.mock.calls.length]
    spy.mockRestore()
    weak.mockRestore() // before sending: msw's interceptor uses Math.random for request ids
    expect(calls[0]).toBeGreaterThan(0)
    expect(calls[1]).toBe(0)
    await dp.flush()
    expect(new Set(c.accepted.map((e) => e.messageId)).size).toBe(200)
  })

  it('isolates a throwing listener and reports it', async () => {
    collector()
    const { dp, codes } = tracker()
    const seen: number[] = []
    dp.on('sent', () => {
      throw new Error('host bug')
    })
    dp.on('sent', (s) => seen.push(s.count))
    dp.track('E')
    await dp.flush()
    expect(seen).toEqual([1])
    expect(codes()).toContain('listener_threw')
  })

  it('unsubscribes', async () => {
    collector()
    const { dp } = tracker()
    const seen: number[] = []
    const off = dp.on('sent', (s) => seen.push(s.count))
    off()
    dp.track('E')
    await dp.flush()
    expect(seen).toEqual([])
  })

  it('a throwing onError hook does not break the call', () => {
    collector()
    const { dp } = tracker({ onError: () => { throw new Error('hook') } })
    expect(() => dp.track('')).not.toThrow()
  })

  it('ignores calls after shutdown', async () => {
    const c = collector()
    const { dp, codes } = tracker()
    dp.track('Before')
    await dp.shutdown()
    expect(() => dp.track('After')).not.toThrow()
    await dp.flush()
    expect(c.accepted.map((e) => e.event)).toEqual(['Before'])
    expect(codes()).toEqual(['event_invalid'])
  })
})
