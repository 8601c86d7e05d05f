import { afterEach, describe, expect, it } from 'vitest'
import { createElement as h, type ReactNode } from 'react'
import { flushSync } from 'react-dom'
import { createRoot, type Root } from 'react-dom/client'
import { IDBFactory } from 'fake-indexeddb'
import { createTracker, type JourneyDefinition, type Tracker } from '../src/entries/journey.js'
import { DesirePathProvider, useJourney, useNudge, useStage, useTracker } from '../src/entries/react.js'
import type { NudgeSlot } from '../src/nudges/types.js'
import { collector, ENDPOINT } from './helpers/collector.js'
import { until } from './helpers/fixtures.js'

// The tracker's updates arrive on their own time (IndexedDB, the network), as in a page:
// no act(); the tests wait for what the DOM shows.
;(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = false

const journey: JourneyDefinition = {
  id: 'react-demo',
  version: '1.0',
  stages: [
    { id: 'visitor', entry: { all: [] } },
    { id: 'onboarding', entry: { event: { name: 'Signed Up' } }, path: { steps: [{ id: 'workspace', label: 'Create a workspace', match: { name: 'Workspace Created' }, key: true }] } },
    { id: 'adoption', entry: { event: { name: 'Dashboard Shared' } } },
  ],
  nudges: [{ id: 'tip', stage: 'onboarding', trigger: { rule: { all: [] } }, slot: 'popover', content: { title: 'Create your first workspace' } }],
}

const live: { root: Root; el: HTMLElement; dp?: Tracker }[] = []
afterEach(async () => {
  for (const l of live.splice(0)) {
    l.root.unmount()
    l.el.remove()
    await l.dp?.shutdown()
  }
})
const mount = (node: ReactNode, dp?: Tracker) => {
  const el = document.body.appendChild(document.createElement('div'))
  const root = createRoot(el)
  live.push({ root, el, ...(dp && { dp }) })
  flushSync(() => root.render(node))
  return el
}
/** A tracker as an app makes it: page views on (the first one starts the journey). */
const tracker = () => createTracker({ endpoint: ENDPOINT, journey, pageviews: 'history', indexedDB: new IDBFactory(), flushInterval: 20, locks: null, BroadcastChannel: null })

/** The app under test: a button that signs up (through useTracker), the stage, the next step and a popover of its own. */
function App({ slot = 'popover' as NudgeSlot }) {
  const dp = useTracker()
  const stage = useStage()
  const j = useJourney()
  const n = useNudge(slot)
  return h(
    'main',
    null,
    h('p', { id: 'stage' }, stage ?? 'none'),
    h('p', { id: 'next' }, j?.next?.label ?? '—'),
    h('button', { id: 'signup', onClick: () => dp.track('Signed Up') }, 'Sign up'),
    h('button', { id: 'workspace', onClick: () => dp.track('Workspace Created') }, 'Create'),
    n && h('aside', { id: 'tip' }, String((n.nudge.content as { title: string }).title), h('button', { id: 'close', onClick: () => n.dismissed() }, '×')),
  )
}
const text = (el: HTMLElement, id: string) => el.querySelector('#' + id)?.textContent
const click = (el: HTMLElement, id: string) => flushSync(() => (el.querySelector('#' + id) as HTMLElement).click())

describe('desire-path/react', () => {
  it('re-renders the stage and the next step as the customer acts through useTracker()', async () => {
    collector()
    const dp = tracker()
    const el = mount(h(DesirePathProvider, { tracker: dp }, h(App)), dp)
    await until(() => text(el, 'stage') == 'visitor', 3000, 'the first stage, once the journey state is loaded')
    expect(text(el, 'next')).toBe('—')
    click(el, 'signup')
    await until(() => text(el, 'stage') == 'onboarding', 3000, 'onboarding')
    expect(text(el, 'next')).toBe('Create a workspace')
    click(el, 'workspace')
    await until(() => text(el, 'next') == '—', 3000, 'no next step once the key step is done')
    expect(text(el, 'stage')).toBe('onboarding')
  })

  it('follows events the host sends outside React too (on the stage event)', async () => {
    collector()
    const dp = tracker()
    const el = mount(h(DesirePathProvider, { tracker: dp }, h(App)), dp)
    dp.track('Signed Up')
    await until(() => text(el, 'stage') == 'onboarding')
  })

  it('gives the slot’s nudge to the component, reports it shown, and takes it off when dismissed', async () => {
    const c = collector()
    const dp = tracker()
    const el = mount(h(DesirePathProvider, { tracker: dp }, h(App)), dp)
    click(el, 'signup')
    await until(() => text(el, 'tip'), 3000, 'the popover')
    expect(text(el, 'tip')).toContain('Create your first workspace')
    await until(() => c.accepted.some((e) => e.event == 'Nudge Shown'), 3000, 'Nudge Shown')
    expect(c.accepted.find((e) => e.event == 'Nudge Shown')!.properties).toMatchObject({ nudge: 'tip', slot: 'popover' })
    click(el, 'close')
    expect(el.querySelector('#tip')).toBeNull()
    await until(() => c.accepted.some((e) => e.event == 'Nudge Dismissed'), 3000, 'Nudge Dismissed')
    expect(dp.journey()!.nudges![0]).toMatchObject({ id: 'tip', shows: 1 })
  })

  it('leaves other slots alone: a component on another slot gets nothing, and the nudge is not counted shown', async () => {
    const c = collector()
    const dp = tracker()
    const el = mount(h(DesirePathProvider, { tracker: dp }, h(App, { slot: 'banner' })), dp)
    click(el, 'signup')
    await until(() => dp.journey()?.nudges?.[0]?.eligible)
    await dp.flush()
    expect(el.querySelector('#tip')).toBeNull()
    expect(c.accepted.filter((e) => e.event == 'Nudge Shown')).toEqual([])
  })

  it('without a tracker (outside a provider, or a provider given null) the hooks are harmless', () => {
    const el = mount(h('div', null, h(App), h(DesirePathProvider, { tracker: null }, h(App))))
    expect(el.querySelectorAll('#stage')[0]!.textContent).toBe('none')
    expect(el.querySelectorAll('#stage')[1]!.textContent).toBe('none')
    expect(() => click(el, 'signup')).not.toThrow()
  })

  it('does not re-render a reader when nothing it can see changed', async () => {
    collector()
    const dp = tracker()
    let renders = 0
    function Reader() {
      renders++
      return h('span', null, useStage())
    }
    function Sender() {
      const t = useTracker()
      return h('button', { id: 'noise', onClick: () => t.track('Searched') })
    }
    const el = mount(h(DesirePathProvider, { tracker: dp }, h(Reader), h(Sender)), dp)
    await until(() => el.textContent == 'visitor')
    const before = renders
    click(el, 'noise')
    click(el, 'noise')
    expect(renders).toBe(before)
  })
})
