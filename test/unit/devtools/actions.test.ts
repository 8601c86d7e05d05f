import { afterEach, describe, expect, it, vi } from 'vitest'
import { attachDevtools } from '../../../src/entries/devtools.js'
import { $, $$, fakeTracker, text } from './fake.js'

const detachers: (() => void)[] = []
afterEach(() => {
  detachers.splice(0).forEach((d) => d())
  vi.unstubAllGlobals()
})
const open = (f = fakeTracker()) => {
  detachers.push(attachDevtools(f.tracker, { storage: null }))
  return f
}
/** what the tracker was asked to do, sends and writes */
const writes = (f: ReturnType<typeof fakeTracker>) => [f.t.track, f.t.page, f.t.identify, f.t.stage, f.t.reset, f.t.flush].map((m) => m.mock.calls.length)

describe('actions', () => {
  it('"Send test event" tracks one Devtools Test Event, and says it is the only action that sends', () => {
    const f = open()
    expect($('test-event').title).toContain('the only action that sends')
    $('test-event').click()
    expect(f.t.track).toHaveBeenCalledTimes(1)
    expect(f.t.track).toHaveBeenCalledWith('Devtools Test Event', { source: 'desire-path devtools' })
    expect(text('status')).toBe('Test event queued.')
  })

  it('"Flush now" flushes and says when it is done', async () => {
    const f = open()
    $('flush').click()
    expect(f.t.flush).toHaveBeenCalledTimes(1)
    await vi.waitFor(() => expect(text('status')).toBe('Flushed.'))
  })

  it('"Reset" calls reset() (a new anonymousId) and says the shared journey state is kept', async () => {
    const f = open()
    expect($('reset').title).toContain('is kept')
    $('tab-identity').click()
    await vi.waitFor(() => expect(text('anonymous-id')).toBe('anon-1'))
    $('reset').click()
    expect(f.t.reset).toHaveBeenCalledTimes(1)
    await vi.waitFor(() => expect(text('anonymous-id')).toBe('anon-2'))
  })

  it('"Copy JSON" writes { journey, inspection } to the clipboard and says "Copied"', async () => {
    const writeText = vi.fn(async (_: string) => {})
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } })
    const f = open()
    // an injected platform piece (a cycle) must not break the copy
    f.state.inspection.options = { ...f.state.inspection.options, document } as never
    $('tab-queue').click()
    await vi.waitFor(() => expect(f.t.inspect).toHaveBeenCalledTimes(2))
    await vi.waitFor(() => expect(text('q-storage')).toBe('IndexedDB'))
    $('copy').click()
    await vi.waitFor(() => expect(text('status')).toBe('Copied'))
    const copied = JSON.parse(writeText.mock.calls[0]![0])
    expect(copied.journey).toEqual(JSON.parse(JSON.stringify(f.state.journey)))
    expect(copied.inspection).toMatchObject({ storage: 'indexeddb', waiting: 3, sent: 5, options: { journey: { id: 'onboarding' } } })
    expect(copied.inspection.options.document).toBeUndefined()
  })

  it('"Copy JSON" says why when the clipboard refuses or is missing', async () => {
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText: () => Promise.reject(new Error('Document is not focused')) } })
    open()
    $('copy').click()
    await vi.waitFor(() => expect(text('status')).toBe('Copy failed: Document is not focused'))
    vi.stubGlobal('navigator', { ...navigator, clipboard: undefined })
    $('copy').click()
    expect(text('status')).toBe('Copy failed: no clipboard here.')
  })
})

describe('jump to a stage (simulated)', () => {
  it('lists the definition’s stages, previews one locally with its nudges, and goes back to live; nothing is sent or written', async () => {
    const f = open()
    const select = $<HTMLSelectElement>('jump-select')
    await vi.waitFor(() => expect(Array.from(select.options, (o) => [o.value, o.textContent])).toEqual([['visitor', 'Visitor'], ['activated', 'Activated']]))
    // live: Activated. Simulate the first stage
    await vi.waitFor(() => expect(text('stage')).toBe('Activated'))
    const before = writes(f)
    select.value = 'visitor'
    $('jump').click()
    await vi.waitFor(() => expect(text('stage')).toBe('Visitor'))
    expect($('simulated').hidden).toBe(false)
    expect(text('simulated')).toContain('Simulated: Visitor (local only: nothing is written or sent)')
    expect(text('badge')).toBe('desire-path · Simulated: Visitor')
    expect(text('cause')).toBe('the page called dp.stage()')
    // the preview's nudges, from the same policy with an empty memory
    $('tab-nudges').click()
    await vi.waitFor(() => expect($$('nudge')).toHaveLength(3))
    const reasons = Object.fromEntries($$('nudge-reason').map((e) => [e.closest('[data-nudge]')!.getAttribute('data-nudge'), e.getAttribute('data-reason')]))
    expect(reasons).toEqual({ 'invite-nudge': 'stage', welcome: 'showing', tip: 'stage' })
    expect($$('nudge-reason')[1]!.textContent).toBe('Would be offered here (simulated).')
    expect(writes(f)).toEqual(before)
    // back to live
    $('back-to-live').click()
    $('tab-journey').click()
    await vi.waitFor(() => expect(text('stage')).toBe('Activated'))
    expect($('simulated').hidden).toBe(true)
    expect(writes(f)).toEqual(before)
  })

  it('reset leaves the simulation', async () => {
    const f = open()
    await vi.waitFor(() => expect($<HTMLSelectElement>('jump-select').options).toHaveLength(2))
    $<HTMLSelectElement>('jump-select').value = 'visitor'
    $('jump').click()
    await vi.waitFor(() => expect($('simulated').hidden).toBe(false))
    $('reset').click()
    expect(f.t.reset).toHaveBeenCalled()
    await vi.waitFor(() => expect($('simulated').hidden).toBe(true))
    await vi.waitFor(() => expect(text('stage')).toBe('Activated'))
  })

  it('is disabled while no definition is known', async () => {
    open(fakeTracker({ journey: null, inspection: { options: { endpoint: 'x' } } }))
    await vi.waitFor(() => expect(text('no-journey')).toBeTruthy())
    expect($<HTMLButtonElement>('jump').disabled).toBe(true)
    expect($<HTMLSelectElement>('jump-select').disabled).toBe(true)
  })
})
