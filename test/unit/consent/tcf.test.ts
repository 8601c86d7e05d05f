import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { tcfConsent, type TcData } from '../../../src/entries/consent.js'

// A CMP on window.__tcfapi as the TCF v2.2 CMP API has it: addEventListener gives each
// listener an id (in the tcData of every call); emit() calls the listeners as the CMP does
// when the TC data loads or the visitor decides.
type Listener = (d: TcData | null, ok: boolean) => void
function fakeCmp() {
  const listeners = new Map<number, Listener>()
  let next = 7
  const api = vi.fn((command: string, _version: number, cb: (...a: any[]) => void, parameter?: unknown) => {
    if (command == 'addEventListener') listeners.set(next++, cb)
    else if (command == 'removeEventListener') cb(listeners.delete(parameter as number))
  })
  const emit = (d: TcData, ok = true) => listeners.forEach((cb, listenerId) => cb({ gdprApplies: true, listenerId, ...d }, ok))
  return { api, listeners, emit }
}
const consents = (...ids: number[]) => Object.fromEntries(ids.map((n) => [n, true])) as Record<number, boolean>
const decided = (purposes: number[], more: TcData = {}): TcData => ({ eventStatus: 'useractioncomplete', purpose: { consents: consents(...purposes) }, ...more })
const fakeTracker = () => ({ consent: vi.fn((_c?: 'granted' | 'denied') => 'pending' as const) })
const win = window as { __tcfapi?: unknown }

let warn: ReturnType<typeof vi.spyOn>
beforeEach(() => {
  delete win.__tcfapi
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
})
afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

describe('tcfConsent', () => {
  it('grants on tcloaded when purposes 1, 8 and 9 have consent (a decision stored from an earlier visit)', () => {
    const cmp = fakeCmp()
    win.__tcfapi = cmp.api
    const dp = fakeTracker()
    tcfConsent(dp)
    expect(cmp.api).toHaveBeenCalledWith('addEventListener', 2, expect.any(Function))
    expect(dp.consent).not.toHaveBeenCalled()
    cmp.emit({ eventStatus: 'tcloaded', purpose: { consents: { 1: true, 2: false, 8: true, 9: true } } })
    expect(dp.consent.mock.calls).toEqual([['granted']])
  })

  it('denies on useractioncomplete without purpose 8; cmpuishown and unsuccessful calls change nothing', () => {
    const cmp = fakeCmp()
    win.__tcfapi = cmp.api
    const dp = fakeTracker()
    tcfConsent(dp)
    cmp.emit({ eventStatus: 'cmpuishown', purpose: { consents: consents(1, 8, 9) } })
    cmp.emit(decided([1, 8, 9]), false)
    expect(dp.consent).not.toHaveBeenCalled()
    cmp.emit(decided([1, 9, 10]))
    cmp.emit(decided([1, 8, 9], { purpose: { consents: { 1: true, 8: 'yes' as never, 9: true } } }))
    cmp.emit(decided([1, 8, 9]))
    cmp.emit({ eventStatus: 'useractioncomplete' }) // everything refused: no purpose object at all
    expect(dp.consent.mock.calls).toEqual([['denied'], ['denied'], ['granted'], ['denied']])
  })

  it('grants when GDPR does not apply, whatever the purposes', () => {
    const cmp = fakeCmp()
    win.__tcfapi = cmp.api
    const dp = fakeTracker()
    tcfConsent(dp)
    cmp.emit({ eventStatus: 'tcloaded', gdprApplies: false })
    // gdprApplies undefined (the CMP can't tell yet): purposes decide
    cmp.emit({ eventStatus: 'tcloaded', gdprApplies: undefined })
    expect(dp.consent.mock.calls).toEqual([['granted'], ['denied']])
  })

  it('with vendorId, also needs the vendor consent; purposes can be chosen', () => {
    const cmp = fakeCmp()
    win.__tcfapi = cmp.api
    const dp = fakeTracker()
    tcfConsent(dp, { vendorId: 1234 })
    cmp.emit(decided([1, 8, 9], { vendor: { consents: consents(755) } }))
    cmp.emit(decided([1, 8, 9], { vendor: { consents: consents(755, 1234) } }))
    cmp.emit(decided([1, 8], { vendor: { consents: consents(1234) } }))
    expect(dp.consent.mock.calls).toEqual([['denied'], ['granted'], ['denied']])

    const other = fakeTracker()
    tcfConsent(other, { purposes: [1, 10] })
    cmp.emit(decided([1, 10]))
    cmp.emit(decided([1, 8, 9]))
    expect(other.consent.mock.calls).toEqual([['granted'], ['denied']])
  })

  it('waits for a __tcfapi that arrives late (checked every 100 ms), then follows it', () => {
    vi.useFakeTimers()
    const dp = fakeTracker()
    tcfConsent(dp)
    vi.advanceTimersByTime(3000)
    const cmp = fakeCmp()
    win.__tcfapi = cmp.api
    vi.advanceTimersByTime(99)
    expect(cmp.api).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(cmp.api).toHaveBeenCalledTimes(1)
    expect(vi.getTimerCount()).toBe(0)
    cmp.emit(decided([1, 8, 9]))
    expect(dp.consent.mock.calls).toEqual([['granted']])
  })

  it('without a CMP within the timeout, does nothing: consent stays as the tracker has it', () => {
    vi.useFakeTimers()
    const dp = fakeTracker()
    tcfConsent(dp, { timeout: 2000 })
    vi.advanceTimersByTime(2000)
    expect(vi.getTimerCount()).toBe(0)
    const cmp = fakeCmp()
    win.__tcfapi = cmp.api
    vi.advanceTimersByTime(10_000)
    expect(cmp.api).not.toHaveBeenCalled()
    expect(dp.consent).not.toHaveBeenCalled()
    expect(warn).not.toHaveBeenCalled()
  })

  it('stop() removes the listener with its listenerId; later decisions are ignored', () => {
    const cmp = fakeCmp()
    win.__tcfapi = cmp.api
    const dp = fakeTracker()
    const stop = tcfConsent(dp)
    cmp.emit({ eventStatus: 'tcloaded', purpose: { consents: consents(1, 8, 9) } })
    stop()
    stop()
    expect(cmp.api).toHaveBeenLastCalledWith('removeEventListener', 2, expect.any(Function), 7)
    expect(cmp.api.mock.calls.filter((c) => c[0] == 'removeEventListener')).toHaveLength(1)
    expect(cmp.listeners.size).toBe(0)
    cmp.emit(decided([]))
    expect(dp.consent.mock.calls).toEqual([['granted']])
  })

  it("stop() before the CMP's stub got an answer: the listener is removed when the CMP calls it", () => {
    const cmp = fakeCmp()
    const queued: unknown[][] = []
    win.__tcfapi = (...a: unknown[]) => void queued.push(a) // IAB's stub: calls wait for the CMP
    const dp = fakeTracker()
    const stop = tcfConsent(dp)
    stop()
    // the CMP loads and answers what the stub kept, with the state it loaded
    win.__tcfapi = cmp.api
    for (const a of queued) (cmp.api as (...a: unknown[]) => void)(...a)
    cmp.emit({ eventStatus: 'tcloaded', purpose: { consents: consents(1, 8, 9) } })
    expect(cmp.listeners.size).toBe(0)
    expect(dp.consent).not.toHaveBeenCalled()
  })

  it('stop() while waiting for a CMP stops waiting', () => {
    vi.useFakeTimers()
    const stop = tcfConsent(fakeTracker())
    stop()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('never throws: a CMP or tracker that throws, odd data, a bad tracker: one warning each time it is used', () => {
    win.__tcfapi = () => {
      throw new Error('cmp broke')
    }
    expect(() => tcfConsent(fakeTracker())()).not.toThrow()
    expect(warn).toHaveBeenCalledTimes(1)
    expect(String(warn.mock.calls[0]![0])).toMatch(/^\[desire-path\] tcfConsent: .*cmp broke/)

    const cmp = fakeCmp()
    win.__tcfapi = cmp.api
    const dp = { consent: vi.fn(() => { throw new Error('tracker broke') }) }
    tcfConsent(dp)
    cmp.listeners.get(7)!(null, true)
    cmp.emit(decided([1, 8, 9]))
    cmp.emit(decided([1, 8, 9]))
    expect(dp.consent).toHaveBeenCalledTimes(2)
    expect(warn).toHaveBeenCalledTimes(2)
    expect(String(warn.mock.calls[1]![0])).toMatch(/tracker broke/)

    expect(() => tcfConsent({} as never)).not.toThrow()
    expect(String(warn.mock.calls[2]![0])).toMatch(/not a tracker/)
  })
})
