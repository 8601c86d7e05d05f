import { wrap, type IDBPDatabase, type IDBPObjectStore } from 'idb'
import { byKey, foldAll, type DerivedEvent, type Engine, type JourneyState } from './engine.js'
import type { JourneyEvent } from './rules.js'

type Store = IDBPObjectStore<unknown, string[], string, 'readwrite'>
const STATE = 'state'
const EVENTS = 'events'
/** Store key of an event: time, then arrival (unique), so getAll() gives the engine's order. */
const key = (e: JourneyEvent): [number, number] => [e.t, e.q!]

interface Saved {
  /** the folded state */
  s: JourneyState
  /** the state after folding every pruned event: re-folds start here */
  base: JourneyState | null
  /** ids of the derived events emitted lately (ids are content-based): a re-fold emits only the others */
  ids: string[]
  /** arrival counter: numbers the events as they are stored (see JourneyEvent.q) */
  q: number
  /** the nudge policy's memory (see After) */
  m?: unknown
}

/**
 * Runs at the end of every update, in the same transaction, on the new state: the nudge
 * policy decides there, so tabs never grant the same show twice. `out` is handed back.
 */
export type After = (s: JourneyState, m: unknown) => { m: unknown; derived: DerivedEvent[]; out?: unknown }

/** How many emitted ids are remembered: far more than a re-fold can re-derive in practice. */
const REMEMBER = 2000

export interface Applied {
  state: JourneyState
  /** new derived events, each emitted by exactly one tab: send them through the pipeline */
  derived: DerivedEvent[]
  /** what `after` returned */
  out?: unknown
}

export interface JourneyStore {
  /** the shared state now (and, after a definition change, what re-folding found) */
  load(): Promise<Applied>
  /** folds events (any order, duplicates ignored) into the shared state */
  apply(events: JourneyEvent[]): Promise<Applied>
  /** time-based rules at `now` */
  tick(now: number): Promise<Applied>
  /** the host asserts a stage (forward only) */
  assert(stage: string, now: number): Promise<Applied>
  /** changes the nudge memory (then `after` runs as always) */
  memo(fn: After): Promise<Applied>
  close(): void
}

/**
 * The journey state of this browser profile, in IndexedDB, shared by its tabs.
 *
 * Every update is one readwrite transaction: read the state, fold, write it back.
 * IndexedDB runs readwrite transactions on the same stores one at a time across tabs,
 * so concurrent tabs never lose each other's updates, and each derived event comes out
 * of exactly one of them. Events are retained (up to `retain`) so that a late event
 * (older than the last folded one) or a new definition version re-folds the history;
 * events pruned past the cap are folded into a checkpoint first, so a re-fold from the
 * checkpoint gives the same state as folding everything.
 */
export function journeyStore(factory: IDBFactory, name: string, engine: Engine, after?: After, retain = 5000): JourneyStore {
  const tag = engine.init().def
  let conn: Promise<IDBPDatabase> | undefined
  const open = () =>
    (conn ||= new Promise<IDBPDatabase>((resolve, reject) => {
      const req = factory.open(name, 2)
      req.onupgradeneeded = () => {
        const db = req.result
        // version 1 (unreleased) ordered same-millisecond events by messageId: start afresh
        for (const s of [STATE, EVENTS]) if (db.objectStoreNames.contains(s)) db.deleteObjectStore(s)
        db.createObjectStore(STATE)
        // compound key: getAll() returns events sorted as the engine folds them
        db.createObjectStore(EVENTS, { keyPath: ['t', 'q'] }).createIndex('id', 'messageId', { unique: true })
      }
      req.onerror = () => reject(req.error)
      req.onsuccess = () => {
        const db = req.result
        db.onversionchange = db.onclose = () => {
          db.close()
          conn = undefined
        }
        resolve(wrap(db))
      }
    }))

  /** Keeps the derived events not emitted before, and remembers them. */
  const fresh = (saved: Saved, derived: DerivedEvent[]) => {
    const seen = new Set(saved.ids)
    const out = derived.filter((d) => !seen.has(d.messageId))
    saved.ids = saved.ids.concat(out.map((d) => d.messageId)).slice(-REMEMBER)
    return out
  }

  /** One readwrite transaction: read the saved journey, let `fn` change it, write it back. */
  const update = async (fn: (saved: Saved, events: Store) => Promise<DerivedEvent[]>): Promise<Applied> => {
    const tx = (await open()).transaction([STATE, EVENTS], 'readwrite')
    const states = tx.objectStore(STATE)
    const events = tx.objectStore(EVENTS) as Store
    let saved = (await states.get(engine.def.id)) as Saved | undefined
    let derived: DerivedEvent[] = []
    if (saved?.s.def != tag) {
      // First use, or a new definition version: re-fold the retained events. After a
      // version change every transition found is reported again, marked backfill; the
      // ones that did not change keep their ids, so collectors dedupe them.
      const r = foldAll(engine, (await events.getAll()) as JourneyEvent[], !!saved)
      saved = { s: r.state, base: null, ids: saved?.ids || [], q: saved?.q || 0, m: saved?.m }
      derived = fresh(saved, r.derived)
    }
    derived = derived.concat(fresh(saved, await fn(saved, events)))
    const a = after?.(saved.s, saved.m)
    if (a) {
      saved.m = a.m
      derived = derived.concat(fresh(saved, a.derived))
    }
    await Promise.all([states.put(saved, engine.def.id), tx.done])
    return { state: saved.s, derived, out: a?.out }
  }

  /** Past the cap, the oldest events are folded into the checkpoint, then deleted. */
  const prune = async (saved: Saved, events: Store) => {
    const n = (await events.count()) - retain
    if (n <= 0) return
    const old = (await events.getAll(null, n)) as JourneyEvent[]
    saved.base = foldAll(engine, old, false, saved.base || undefined).state
    await events.delete(IDBKeyRange.upperBound(key(old[old.length - 1]!)))
  }

  const step = (fn: (s: JourneyState) => { state: JourneyState; derived: DerivedEvent[] }) =>
    update(async (saved) => {
      const r = fn(saved.s)
      saved.s = r.state
      return r.derived
    })

  return {
    load: () => update(async () => []),
    apply: (incoming) =>
      update(async (saved, events) => {
        const derived: DerivedEvent[] = []
        let late = false
        for (const x of [...incoming].sort(byKey)) {
          if ((await events.index('id').getKey(x.messageId)) !== undefined) continue // seen before: a duplicate
          // numbered in arrival order: an event of the same millisecond from another tab
          // comes after the ones folded already, instead of re-ordering the history
          const e = { ...x, q: ++saved.q }
          await events.put(e)
          const r = engine.fold(saved.s, e)
          late ||= !!r.late
          if (!late) {
            saved.s = r.state
            derived.push(...r.derived)
          }
        }
        if (late) {
          // An event older than one already folded: re-fold from the checkpoint; the
          // derived events that were already emitted have the same ids and are dropped.
          // What is new was found by re-folding: it goes out marked backfill (what was
          // already sent can't be withdrawn, e.g. a stage that the late event now skips).
          const r = foldAll(engine, (await events.getAll()) as JourneyEvent[], false, saved.base || undefined)
          saved.s = r.state
          return r.derived.map((d) => ({ ...d, properties: { ...d.properties, backfill: true } }))
        }
        await prune(saved, events)
        return derived
      }),
    tick: (now) => step((s) => engine.tick(s, now)),
    assert: (stage, now) => step((s) => engine.assert(s, stage, now)),
    memo: (fn) =>
      update(async (saved) => {
        const r = fn(saved.s, saved.m)
        saved.m = r.m
        return r.derived
      }),
    close() {
      void conn?.then((db) => db.close(), () => 0)
      conn = undefined
    },
  }
}
