import { createContext, createElement, useContext, useEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from 'react'
import type { JourneySnapshot, Tracker } from '../compose/types.js'
import type { NudgeDecision, NudgeSlot } from '../nudges/types.js'

// React bindings: a provider for the page's one tracker and hooks that re-render on what
// the customer does. React is an optional peer dependency; nothing here touches the DOM
// or a browser global, so a server render works (with no tracker: no-op calls, no journey).

/** While a component reads the journey, it is re-read this often (time-based signals: stalled, overdue). */
const EVERY = 15_000

/** A tracker's journey as an external store: one snapshot object until something changes. */
interface Store {
  snap: JourneySnapshot | null
  key: string
  subs: Set<() => void>
  refresh(): void
  /** refresh once what was handed to the tracker so far is applied (`journey()` lags `track()`: one IndexedDB transaction) */
  later(): void
  subscribe(fn: () => void): () => void
}

const stores = new WeakMap<Tracker, Store>()
const nothing = () => {}

function store(dp: Tracker): Store {
  let s = stores.get(dp)
  if (s) return s
  let offs: (() => void)[] = []
  const read = () => {
    let snap: JourneySnapshot | null = null
    try {
      snap = dp.journey() as JourneySnapshot | null
    } catch {
      // a tracker never throws; a stand-in might: no journey
    }
    return snap
  }
  const first = read()
  const st: Store = (s = {
    snap: first,
    key: JSON.stringify(first),
    subs: new Set(),
    refresh() {
      const snap = read()
      const key = JSON.stringify(snap)
      if (key == st.key) return
      st.snap = snap
      st.key = key
      st.subs.forEach((fn) => fn())
    },
    later: () => void dp.settled().then(st.refresh, nothing),
    subscribe(fn) {
      if (!st.subs.size) {
        const timer = setInterval(st.refresh, EVERY)
        offs = [dp.on('stage', st.refresh), dp.on('nudge', st.later), () => clearInterval(timer)]
      }
      st.subs.add(fn)
      st.later()
      return () => {
        st.subs.delete(fn)
        if (!st.subs.size) offs.splice(0).forEach((off) => off())
      }
    },
  })
  stores.set(dp, st)
  return st
}

/** What calls change the journey: after each, components reading it are brought up to date. */
const CHANGES = ['track', 'page', 'identify', 'stage', 'reset', 'consent'] as const

/** The tracker as components get it: the same methods, and those that change the journey re-render its readers. */
function wrap(dp: Tracker): Tracker {
  const s = store(dp)
  const w = Object.create(dp) as Record<string, unknown>
  for (const m of CHANGES) {
    const f = (dp as unknown as Record<string, (...a: unknown[]) => unknown>)[m]
    if (f)
      w[m] = (...a: unknown[]) => {
        const r = f.apply(dp, a)
        s.later()
        return r
      }
  }
  return w as unknown as Tracker
}

const idle = () => () => {}
/** Without a tracker (a server render, or before the host made it): calls do nothing, and there is no journey. */
const NOOP = new Proxy({} as Tracker, {
  get: (_t, k) => (k == 'on' ? idle : k == 'journey' ? () => null : k == 'flush' || k == 'shutdown' || k == 'settled' ? () => Promise.resolve() : nothing),
})

/** The provider's value: the tracker as components get it, and its journey store. */
interface Bound {
  t: Tracker
  s: Store
}
const Ctx = createContext<Bound | null>(null)

export interface DesirePathProviderProps {
  /**
   * The page's tracker, made once outside React (it outlives renders), on the client only:
   * `typeof window == 'object' ? createTracker({...}) : null`. Null or absent (a server
   * render): the hooks give a tracker whose calls do nothing and no journey.
   */
  tracker?: Tracker | null | undefined
  children?: ReactNode
}

/**
 * Gives the components below it the tracker.
 * @example createRoot(el).render(<DesirePathProvider tracker={dp}><App /></DesirePathProvider>)
 */
export function DesirePathProvider({ tracker, children }: DesirePathProviderProps) {
  const value = useMemo(() => (tracker ? { t: wrap(tracker), s: store(tracker) } : null), [tracker])
  return createElement(Ctx.Provider, { value }, children)
}

/** The provider's tracker (calls do nothing without one). @example const dp = useTracker(); dp.track('Report Scheduled') */
export function useTracker(): Tracker {
  return useContext(Ctx)?.t || NOOP
}

const none = (): null => null

/** The journey snapshot (`dp.journey()`), re-rendering when it changes; null without a tracker or journey. */
export function useJourney(): JourneySnapshot | null {
  const s = useContext(Ctx)?.s
  return useSyncExternalStore(s ? s.subscribe : idle, s ? () => s.snap : none, none)
}

/** The current stage's id, re-rendering on a transition; null before the journey starts, without one, or on the server. */
export function useStage(): string | null {
  return useJourney()?.stage ?? null
}

/**
 * The nudge offered in `slot` now, for a component to render, or null. It is reported shown
 * once a render with it is committed; `clicked`, `dismissed` and `completed` report and
 * take it off (null again). Leave the slot out of the default renderer: `renderNudges(dp, { slots: [...] })`.
 * @example const n = useNudge('popover'); return n && <Tip title={n.nudge.content.title} onClose={() => n.dismissed()} />
 */
export function useNudge(slot: NudgeSlot): NudgeDecision | null {
  const dp = useContext(Ctx)?.t
  const [d, setD] = useState<NudgeDecision | null>(null)
  useEffect(() => {
    if (!dp) return
    setD(null)
    return dp.on('nudge', (n) => {
      if (n.nudge.slot != slot) return
      const done =
        <A extends unknown[]>(f: (...a: A) => void) =>
        (...a: A) => {
          setD((cur) => (cur == ours ? null : cur))
          f(...a)
        }
      const ours: NudgeDecision = { ...n, clicked: done(n.clicked), dismissed: done(n.dismissed), completed: done(n.completed) }
      setD((cur) => cur || ours)
    })
  }, [dp, slot])
  useEffect(() => {
    d?.shown()
  }, [d])
  return d
}
