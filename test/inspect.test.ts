import { HttpResponse } from 'msw'
import { describe, expect, it, vi } from 'vitest'
import { createTracker } from '../src/entries/index.js'
import { collector, ENDPOINT } from './helpers/collector.js'

// dp.inspect(): what the devtools overlay's Queue panel shows, from the tracker itself.
const key = () => 'dp-inspect-' + Math.random()

describe('dp.inspect()', () => {
  it('counts what waits, what was sent and dropped, and keeps the last error', async () => {
    let down = true
    const wire = collector(() => (down ? new HttpResponse(null, { status: 503 }) : HttpResponse.json({})))
    const errors: string[] = []
    const dp = createTracker({ endpoint: ENDPOINT, storageKey: key(), flushAt: 1000, retryBase: 1, retryMax: 1, onError: (e) => errors.push(e.code) })
    for (let i = 0; i < 5; i++) dp.track('Waiting ' + i)
    dp.track('') // invalid: dropped
    await dp.flush()
    const before = await dp.inspect()
    expect(before).toMatchObject({ storage: 'indexeddb', waiting: 5, inFlight: 0, sent: 0, dropped: { invalid: 1 } })
    expect(before.lastError).toMatchObject({ code: 'delivery_failed' })
    expect(errors).toContain('event_invalid')
    expect(typeof before.lastError!.at).toBe('number')
    expect(before.options.endpoint).toBe(ENDPOINT)
    down = false
    await dp.flush()
    expect(wire.accepted).toHaveLength(5)
    // the first flush's retry timer (1 ms) may start one more, empty, cycle: wait for it to end
    await vi.waitFor(async () => expect(await dp.inspect()).toMatchObject({ waiting: 0, sent: 5, inFlight: 0, flushing: false }))
    await dp.shutdown()
  })

  it('says when the queue is in memory', async () => {
    collector()
    const dp = createTracker({ endpoint: ENDPOINT, storageKey: key(), persist: false })
    dp.track('In Memory')
    await dp.settled()
    expect(await dp.inspect()).toMatchObject({ storage: 'memory', waiting: 1 })
    await dp.shutdown()
  })
})

describe('dp.inspect() during a send', () => {
  it('counts the events in the request this tab has open, and says this tab is flushing', async () => {
    let release!: () => void
    const held = new Promise<void>((r) => (release = r))
    collector(async () => {
      await held
      return HttpResponse.json({})
    })
    const dp = createTracker({ endpoint: ENDPOINT, storageKey: key(), flushAt: 1000 })
    for (let i = 0; i < 3; i++) dp.track('Sending ' + i)
    const flushed = dp.flush()
    await vi.waitFor(async () => expect(await dp.inspect()).toMatchObject({ inFlight: 3, flushing: true }))
    release()
    await flushed
    expect(await dp.inspect()).toMatchObject({ inFlight: 0, waiting: 0, flushing: false, sent: 3 })
    await dp.shutdown()
  })
})
