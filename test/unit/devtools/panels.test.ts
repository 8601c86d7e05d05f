import { afterEach, describe, expect, it, vi } from 'vitest'
import { attachDevtools } from '../../../src/entries/devtools.js'
import type { NudgeReason } from '../../../src/nudges/types.js'
import { REASONS } from '../../../src/devtools/words.js'
import { $, $$, DEF, fakeTracker, text } from './fake.js'

const detachers: (() => void)[] = []
afterEach(() => detachers.splice(0).forEach((d) => d()))
const open = (f: ReturnType<typeof fakeTracker>) => detachers.push(attachDevtools(f.tracker, { storage: null }))

describe('Journey panel', () => {
  it('shows the stage by name, since when, its cause, progress, the next step with its figures, signals and history', async () => {
    open(fakeTracker())
    await vi.waitFor(() => expect(text('stage')).toBe('Activated')) // named once inspect() brings the definition
    expect($('stage').getAttribute('data-stage')).toBe('activated')
    expect(text('since')).toBe('3 minutes ago')
    expect(text('cause')).toBe('event msg-0192')
    expect(text('progress')).toBe('1 of 2 key steps')
    expect($<HTMLProgressElement>('progress-bar').value).toBe(0.5)
    expect(text('next')).toBe('invited a teammate')
    expect($$('next-figure').map((e) => e.textContent)).toEqual(['78% of 1840 customers who reached Activated invited a teammate.', 'Expected within 2 days of reaching Activated.'])
    expect($('signal').getAttribute('data-kind')).toBe('stepOverdue')
    expect(text('signal')).toBe('stepOverdue (invite): 78% of 1840 customers who reached Activated invited a teammate within 2 days.')
    expect(Array.from($('history').children, (li) => li.textContent)).toEqual([
      'Visitor → Activated, 3 minutes ago: event msg-0192',
      'start → Visitor, 10 minutes ago: a time-based check (tick)',
    ])
  })

  it('says nothing of figures the definition does not have', async () => {
    const plain = JSON.parse(JSON.stringify(DEF))
    delete plain.stages[1].path.steps[1].share
    delete plain.stages[1].path.steps[1].expectedWithin
    open(fakeTracker({ inspection: { options: { endpoint: 'x', journey: plain } } }))
    await vi.waitFor(() => expect(text('stage')).toBe('Activated'))
    expect(text('next')).toBe('invited a teammate')
    expect($$('next-figure')).toEqual([])
  })

  it('follows stage changes live', async () => {
    const f = fakeTracker()
    open(f)
    await vi.waitFor(() => expect(text('stage')).toBe('Activated'))
    f.state.journey = { ...f.state.journey!, stage: 'visitor', progress: 1, next: null, signals: [], history: [] }
    f.emit('stage', { from: 'activated', to: 'visitor', at: Date.now(), cause: 'demote:msg-7' })
    await vi.waitFor(() => expect(text('stage')).toBe('Visitor'))
    expect(text('signals')).toBe('None active.')
  })

  it('lists the validator’s errors with their JSON paths when the definition was refused', async () => {
    const bad = { id: 'j', version: '1.0', stages: [{ id: 'trial', entry: { ref: 'x' } }, { id: 'trial', entry: {} }] }
    open(fakeTracker({ journey: null, inspection: { options: { endpoint: 'x', journey: bad } } }))
    await vi.waitFor(() => expect(text('refused')).toContain('journey_invalid'))
    // the validator is loaded when needed
    await vi.waitFor(() => expect($$('definition-error').length).toBeGreaterThan(0))
    const errors = $$('definition-error').map((e) => e.textContent)
    expect(errors[0]).toBe('stages[0].entry.ref: unknown predicate "x"')
    expect(errors.some((e) => e!.startsWith('stages[1].id: duplicate stage id'))).toBe(true)
  })

  it('says so when the tracker has no journey', async () => {
    open(fakeTracker({ journey: null, inspection: { options: { endpoint: 'x' } } }))
    await vi.waitFor(() => expect(text('no-journey')).toBe('No journey: the tracker has no journey option.'))
    expect(text('badge')).toBe('desire-path · no journey')
  })
})

describe('Nudges panel', () => {
  it('lists each nudge by title with its state and, when not shown, the reason in words', async () => {
    open(fakeTracker())
    $('tab-nudges').click()
    await vi.waitFor(() => expect($$('nudge')).toHaveLength(3))
    const rows = $$('nudge').map((li) => ({
      id: li.getAttribute('data-nudge'),
      title: li.querySelector('b')!.textContent,
      state: li.querySelector('[data-dp="nudge-state"]')!.textContent,
      reason: li.querySelector('[data-dp="nudge-reason"]')!.getAttribute('data-reason'),
      words: li.querySelector('[data-dp="nudge-reason"]')!.textContent,
    }))
    expect(rows).toEqual([
      { id: 'invite-nudge', title: 'Invite a teammate', state: 'eligible · arm: treatment · shows: 1 · slot: banner', reason: 'gap', words: REASONS.gap },
      { id: 'welcome', title: 'Welcome aboard', state: 'not eligible · shows: 0 · slot: popover', reason: 'stage', words: REASONS.stage + ' Its stage: Visitor.' },
      { id: 'tip', title: 'tip', state: 'eligible · arm: treatment · shows: 2 · showing · slot: tooltip', reason: 'showing', words: 'Showing (offered, or on screen in a tab).' },
    ])
    expect(REASONS.gap).toBe("Held back: shown too recently (its minInterval), or another nudge was shown less than the policy's minimum gap ago.")
  })

  it('has a sentence for every reason the policy gives', async () => {
    const reasons = Object.keys(REASONS) as NudgeReason[]
    expect(reasons.sort()).toEqual(['audience', 'cap', 'control', 'exited', 'expired', 'gap', 'hidden', 'holdout', 'journey', 'no handler', 'outranked', 'page', 'released', 'slot busy', 'snoozed', 'stage', 'trigger'])
    const nudges = reasons.map((reason, i) => ({ id: 'n' + i, eligible: false, reason, shows: 0 }))
    open(fakeTracker({ journey: { ...fakeTracker().state.journey!, nudges } }))
    $('tab-nudges').click()
    await vi.waitFor(() => expect($$('nudge-reason')).toHaveLength(reasons.length))
    const words = $$('nudge-reason').map((e) => e.textContent!)
    for (const w of words) expect(w).toMatch(/^(Not eligible|Held back|Not shown|Released): .+\.$/)
    expect(new Set(words).size).toBe(reasons.length)
  })

  it('says so when the definition has no nudges', async () => {
    const { nudges: _, ...snap } = fakeTracker().state.journey!
    open(fakeTracker({ journey: snap }))
    $('tab-nudges').click()
    await vi.waitFor(() => expect(text('no-nudges')).toBe('No nudges in the journey definition.'))
  })
})

describe('Queue and Identity panels', () => {
  it('shows what inspect() says: storage, waiting, in flight, sent, dropped, the flushing tab, the last error', async () => {
    open(fakeTracker())
    $('tab-queue').click()
    await vi.waitFor(() => expect(text('q-storage')).toBe('IndexedDB'))
    expect(text('q-waiting')).toBe('3')
    expect(text('q-in-flight')).toBe('0')
    expect(text('q-sent')).toBe('5 from this tab')
    expect(text('q-dropped')).toBe('1 too large')
    expect(text('q-flusher')).toBe('this tab')
    expect(text('q-last-error')).toBe('delivery_failed: [desire-path] 503 from the collector (1 minute ago)')
  })

  it('asks the Web Lock which tab flushes when it is not this one; memory mode; more than 10,000', async () => {
    const locks = { query: async () => ({ held: [{ name: 'shop:flush', mode: 'exclusive' }], pending: [] }) } as unknown as LockManager
    open(fakeTracker({ inspection: { flushing: false, storage: 'memory', waiting: 10_001, options: { endpoint: 'x', storageKey: 'shop', locks } } }))
    $('tab-queue').click()
    await vi.waitFor(() => expect(text('q-flusher')).toBe('another tab'))
    expect(text('q-storage')).toBe('memory')
    expect(text('q-waiting')).toBe('more than 10,000')
  })

  it('refreshes on sent, dropped and error events', async () => {
    const f = fakeTracker()
    open(f)
    $('tab-queue').click()
    await vi.waitFor(() => expect(text('q-sent')).toBe('5 from this tab'))
    f.state.inspection = { ...f.state.inspection, sent: 9 }
    f.emit('sent', { count: 4, ids: [] })
    await vi.waitFor(() => expect(text('q-sent')).toBe('9 from this tab'))
  })

  it('shows anonymousId, userId and consent', async () => {
    const f = fakeTracker()
    f.t.userId = 'user-42'
    open(f)
    $('tab-identity').click()
    await vi.waitFor(() => expect(text('anonymous-id')).toBe('anon-1'))
    expect(text('user-id')).toBe('user-42')
    expect(text('consent')).toBe('granted')
  })

  it('reads consent from inspect() once it has one', async () => {
    open(fakeTracker({ inspection: { consent: 'denied' } as never }))
    $('tab-identity').click()
    await vi.waitFor(() => expect(text('consent')).toBe('denied'))
  })
})
