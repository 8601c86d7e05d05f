// Test-only: a stand-in for the tracker (its public API), and queries into the overlay's
// shadow root. Imported by the devtools tests only.
import { vi } from 'vitest'
import type { Inspection } from '../../../src/core/types.js'
import type { JourneySnapshot, Tracker } from '../../../src/compose/types.js'
import type { JourneyDefinition } from '../../../src/journey/types.js'

export const NOW = Date.now()

/** A definition with names, a path with figures and nudges: what the fake snapshot is "of". */
export const DEF: JourneyDefinition = {
  id: 'onboarding',
  version: '1.0',
  stages: [
    { id: 'visitor', name: 'Visitor', entry: { all: [] } },
    {
      id: 'activated',
      name: 'Activated',
      entry: { event: { name: 'Project Created' } },
      path: {
        basis: 1840,
        steps: [
          { id: 'project', label: 'created a project', match: { name: 'Project Created' }, key: true },
          { id: 'invite', label: 'invited a teammate', match: { name: 'Teammate Invited' }, key: true, share: 0.78, expectedWithin: 'P2D' },
          { id: 'docs', match: { name: 'Docs Read' } },
        ],
      },
    },
  ],
  nudges: [
    { id: 'invite-nudge', stage: 'activated', trigger: { signal: 'stepOverdue', step: 'invite' }, slot: 'banner', content: { title: 'Invite a teammate' } },
    { id: 'welcome', stage: 'visitor', trigger: { rule: { all: [] } }, slot: 'popover', content: { title: 'Welcome aboard' } },
    { id: 'tip', stage: 'activated', trigger: { rule: { all: [] } }, slot: 'tooltip' },
  ],
}

export const SNAP: JourneySnapshot = {
  stage: 'activated',
  since: NOW - 3 * 6e4,
  history: [
    { from: null, to: 'visitor', at: NOW - 10 * 6e4, cause: 'tick' },
    { from: 'visitor', to: 'activated', at: NOW - 3 * 6e4, cause: 'msg-0192' },
  ],
  exited: null,
  progress: 0.5,
  next: { id: 'invite', label: 'invited a teammate' },
  signals: [{ kind: 'stepOverdue', step: 'invite', explanation: '78% of 1840 customers who reached Activated invited a teammate within 2 days.' }],
  nudges: [
    { id: 'invite-nudge', eligible: true, arm: 'treatment', reason: 'gap', shows: 1 },
    { id: 'welcome', eligible: false, reason: 'stage', shows: 0 },
    { id: 'tip', eligible: true, arm: 'treatment', showing: true, shows: 2 },
  ],
}

export const INSPECTION: Inspection = {
  storage: 'indexeddb',
  waiting: 3,
  inFlight: 0,
  flushing: true,
  sent: 5,
  consent: 'granted',
  dropped: { too_large: 1 },
  lastError: { code: 'delivery_failed', message: '[desire-path] 503 from the collector', at: NOW - 6e4 },
  options: { endpoint: 'https://collector.test/v1/batch', journey: DEF },
}

type Handler = (payload: unknown) => void

/** A fake tracker: `journey` and `inspection` are what it answers; `emit` plays a tracker event. */
export function fakeTracker(o: { journey?: JourneySnapshot | null; inspection?: Partial<Inspection> } = {}) {
  const handlers = new Map<string, Set<Handler>>()
  const state = { journey: o.journey === undefined ? SNAP : o.journey, inspection: { ...INSPECTION, ...o.inspection } as Inspection }
  const t = {
    anonymousId: 'anon-1',
    userId: undefined as string | undefined,
    track: vi.fn(),
    page: vi.fn(),
    identify: vi.fn(),
    stage: vi.fn(),
    reset: vi.fn(() => void (t.anonymousId = 'anon-2')),
    flush: vi.fn(async () => {}),
    shutdown: vi.fn(async () => {}),
    settled: vi.fn(async () => {}),
    journey: vi.fn(() => state.journey),
    inspect: vi.fn(async () => state.inspection),
    on: vi.fn((type: string, h: Handler) => {
      const set = handlers.get(type) || new Set()
      handlers.set(type, set.add(h))
      return () => void set.delete(h)
    }),
  }
  const listeners = () => [...handlers.values()].reduce((n, s) => n + s.size, 0)
  const emit = (type: string, payload?: unknown) => handlers.get(type)?.forEach((h) => h(payload))
  return { t, tracker: t as unknown as Tracker, state, emit, listeners, handlers }
}

export const host = () => document.querySelector('desire-path-devtools') as HTMLElement | null
export const root = (): ShadowRoot => host()!.shadowRoot!
/** The one element with `data-dp="<dp>"` in the overlay's shadow root. */
export const $ = <E extends Element = HTMLElement>(dp: string): E => {
  const found = root().querySelectorAll<E>(`[data-dp="${dp}"]`)
  if (found.length != 1) throw new Error(`${found.length} elements with data-dp="${dp}"`)
  return found[0]!
}
export const $$ = (dp: string) => Array.from(root().querySelectorAll<HTMLElement>(`[data-dp="${dp}"]`))
export const text = (dp: string) => $(dp).textContent

/** A Storage on a Map, to look at what the overlay remembers. */
export function memoryStorage(): Storage & { map: Map<string, string> } {
  const map = new Map<string, string>()
  return {
    map,
    get length() {
      return map.size
    },
    clear: () => map.clear(),
    getItem: (k) => map.get(k) ?? null,
    key: (i) => [...map.keys()][i] ?? null,
    removeItem: (k) => void map.delete(k),
    setItem: (k, v) => void map.set(k, String(v)),
  }
}
