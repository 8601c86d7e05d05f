import { byKey, foldAll, type DerivedEvent, type Engine, type JourneyState } from './engine.js'
import type { JourneyEvent } from './rules.js'
import type { After, Applied, JourneyStore } from './store.js'

/** The same journey in memory only, for when IndexedDB is unusable: per tab, lost on reload. */
export function memoryStore(engine: Engine, start: JourneyState, after?: After, memory?: unknown): JourneyStore {
  let s = start
  let m = memory
  let events: JourneyEvent[] = []
  let q = 0
  const emitted = new Set<string>()
  const out = (derived: DerivedEvent[]): Applied => {
    const a = after?.(s, m)
    if (a) m = a.m
    return { state: s, derived: derived.concat(a?.derived || []).filter((d) => !emitted.has(d.messageId) && emitted.add(d.messageId)), out: a?.out }
  }
  return {
    load: async () => out([]),
    async apply(incoming) {
      const fresh = incoming
        .filter((e) => !events.some((x) => x.messageId == e.messageId))
        .sort(byKey)
        .map((e) => ({ ...e, q: ++q }))
      events = events.concat(fresh).slice(-5000)
      const derived: DerivedEvent[] = []
      for (const e of fresh) {
        const r = engine.fold(s, e)
        if (r.late) {
          // re-fold what is kept (the memory store keeps no checkpoint)
          const all = foldAll(engine, events)
          s = all.state
          return out(all.derived)
        }
        s = r.state
        derived.push(...r.derived)
      }
      return out(derived)
    },
    tick: async (now) => {
      const r = engine.tick(s, now)
      s = r.state
      return out(r.derived)
    },
    assert: async (id, now) => {
      const r = engine.assert(s, id, now)
      s = r.state
      return out(r.derived)
    },
    memo: async (fn) => {
      const r = fn(s, m)
      m = r.m
      return out(r.derived)
    },
    close() {},
  }
}
