import { IDBFactory } from 'fake-indexeddb'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createTracker } from '../../../src/compose/tracker.js'
import { createTracker as createCore } from '../../../src/core/tracker.js'
import type { Tracker, TrackerOptions } from '../../../src/compose/types.js'
import { attachDevtools } from '../../../src/entries/devtools.js'
import { VALID } from '../../fixtures/journeys.js'
import { collector, ENDPOINT } from '../../helpers/collector.js'
import { $, $$, text } from './fake.js'

// The overlay on a real tracker with a journey fixture: what it shows comes from the
// tracker's public API; what it sends reaches the (msw) collector; the simulation does not.

const live: { detach: () => void; dp: Tracker }[] = []
afterEach(async () => {
  for (const { detach, dp } of live.splice(0)) {
    detach()
    await dp.shutdown()
  }
  vi.restoreAllMocks()
})
const start = (o: Partial<TrackerOptions> = {}) => {
  const errors: string[] = []
  const dp = createTracker({ endpoint: ENDPOINT, journey: VALID['full-featured'], indexedDB: new IDBFactory(), flushInterval: 20, retryBase: 10, retryMax: 40, locks: null, BroadcastChannel: null, onError: (e) => errors.push(e.code), ...o })
  live.push({ dp, detach: attachDevtools(dp, { storage: null }) })
  return { dp, errors }
}

describe('devtools on a real tracker', () => {
  it('follows the journey, shows the queue, sends only the test event; the simulation stays local', async () => {
    const c = collector()
    const { dp } = start()
    dp.track('Signed Up')
    await vi.waitFor(() => expect($('stage').getAttribute('data-stage')).toBe('signup'))
    expect(text('stage')).toBe('Sign-up') // the name, from the definition inspect() gives
    expect(text('badge')).toBe('desire-path · Sign-up')
    expect(text('cause')).toBe('event ' + dp.journey()!.history.at(-1)!.cause)
    // signup stalls after PT0.5S: the signal shows up with the engine's explanation
    await vi.waitFor(() => expect($$('signal').map((e) => e.getAttribute('data-kind'))).toContain('stalled'), { timeout: 5000 })

    $('tab-queue').click()
    await vi.waitFor(() => expect(text('q-storage')).toBe('IndexedDB'))
    $('test-event').click()
    await vi.waitFor(() => expect(c.accepted.filter((e) => e.event == 'Devtools Test Event')).toHaveLength(1))
    expect(c.accepted.find((e) => e.event == 'Devtools Test Event')!.properties).toEqual({ source: 'desire-path devtools' })
    await vi.waitFor(() => expect(text('q-sent')).toBe(c.accepted.length + ' from this tab'))

    // jump to a later stage: shown as simulated, never written or sent
    const select = $<HTMLSelectElement>('jump-select')
    select.value = 'activation'
    $('jump').click()
    $('tab-journey').click()
    await vi.waitFor(() => expect(text('stage')).toBe('activation'))
    expect(text('simulated')).toContain('Simulated: activation')
    await dp.settled()
    await dp.flush()
    expect(dp.journey()!.stage).toBe('signup')
    expect(c.accepted.filter((e) => e.event == 'Journey Stage Entered').map((e) => e.properties!.to)).toEqual(['visitor', 'signup'])
    $('back-to-live').click()
    await vi.waitFor(() => expect(text('stage')).toBe('Sign-up'))
  })

  it('on the core tracker (no journeys): says there is no journey, shows the queue and identity', async () => {
    collector()
    const dp = createCore({ endpoint: ENDPOINT, indexedDB: new IDBFactory(), flushInterval: 20, locks: null, BroadcastChannel: null })
    live.push({ dp: dp as unknown as Tracker, detach: attachDevtools(dp, { storage: null }) })
    await vi.waitFor(() => expect(text('no-journey')).toBe('No journey: the tracker has no journey option.'))
    expect($<HTMLButtonElement>('jump').disabled).toBe(true)
    $('tab-queue').click()
    await vi.waitFor(() => expect(text('q-storage')).toBe('IndexedDB'))
    $('tab-identity').click()
    await vi.waitFor(() => expect(text('anonymous-id')).toBe(dp.anonymousId))
    expect(text('user-id')).toBe('none (not identified)')
  })

  it('a refused definition (journey_invalid): the full validator’s errors, with their paths', async () => {
    collector()
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    const bad = { ...VALID['full-featured']!, stages: [{ id: 'a', entry: { evnt: {} } }] }
    const { dp, errors } = start({ journey: bad as never })
    expect(dp.journey()).toBeNull()
    expect(errors).toContain('journey_invalid')
    await vi.waitFor(() => expect($$('definition-error').length).toBeGreaterThan(0))
    expect($$('definition-error').map((e) => e.textContent)).toEqual(['stages[0].entry: unknown rule "evnt"', 'goal.all[1].stepDone: unknown step "invite"', 'nudges[0].stage: unknown stage "activation"', 'nudges[0].trigger.step: unknown step "invite"', 'nudges[0].goal.rule.stepDone: unknown step "invite"'])
  })
})
