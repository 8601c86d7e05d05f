import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { IDBFactory } from 'fake-indexeddb'
import { createEngine, foldAll } from '../../../src/journey/engine.js'
import type { JourneyEvent } from '../../../src/journey/rules.js'
import { journeyStore } from '../../../src/journey/store.js'
import type { JourneyDefinition } from '../../../src/journey/types.js'

const def: JourneyDefinition = {
  id: 'j',
  version: '1.0',
  stages: [
    { id: 'A', entry: { all: [] } },
    { id: 'B', entry: { event: { name: 'x', count: 2 } } },
    { id: 'C', entry: { sequence: { steps: [{ name: 'y' }, { name: 'z' }] } }, demote: { event: { name: 'w' } } },
    { id: 'D', entry: { event: { name: 'z', count: 3 } } },
  ],
  exits: [{ id: 'gone', when: { event: { name: 'q', count: 2 } } }],
}
const engine = createEngine(def)
const ev = (name: string, t: number, id: string): JourneyEvent => ({ type: 'track', event: name, messageId: id, anonymousId: 'a', t })
const history = fc.array(fc.record({ name: fc.constantFrom('x', 'y', 'z', 'w', 'q', 'n'), t: fc.integer({ min: 0, max: 1000 }) }), { maxLength: 30 })
const build = (raw: { name: string; t: number }[]) => raw.map((r, i) => ev(r.name, r.t, 'e' + String(i).padStart(3, '0')))
const ids = (d: { messageId: string }[]) => d.map((x) => x.messageId)
/** The events as the store numbered them on arrival (JourneyEvent.q). */
const arrived = (events: JourneyEvent[]) => events.map((e, i) => ({ ...e, q: i + 1 }))
/** What the store holds: the events with the arrival numbers it gave them. */
const held = (factory: IDBFactory) =>
  new Promise<JourneyEvent[]>((resolve) => {
    const req = factory.open('j')
    req.onsuccess = () => {
      if (!req.result.objectStoreNames.contains('events')) return req.result.close(), resolve([]) // nothing applied
      const get = req.result.transaction('events').objectStore('events').getAll()
      get.onsuccess = () => (req.result.close(), resolve(get.result as JourneyEvent[]))
    }
  })

describe('journey store (IndexedDB, shared by tabs)', () => {
  it('two tabs applying interleaved batches agree, and each derived event comes out of one tab', async () => {
    await fc.assert(
      fc.asyncProperty(history, fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }), async (raw, which) => {
        const factory = new IDBFactory()
        const tabs = [journeyStore(factory, 'j', engine), journeyStore(factory, 'j', engine)]
        const events = build(raw)
        const out = await Promise.all(events.map((e, i) => tabs[which[i] ? 1 : 0]!.apply([e])))
        // every event kept once; the state is the fold in (time, arrival) order
        const kept = await held(factory)
        expect(ids(kept).sort()).toEqual(ids(events).sort())
        const expected = foldAll(engine, kept)
        expect((await tabs[0]!.load()).state).toEqual(expected.state)
        expect((await tabs[1]!.load()).state).toEqual(expected.state)
        // no derived event twice across the tabs, and every one of the final history went
        // out (a late event can also make some already sent ones obsolete: those stay sent)
        const all = ids(out.flatMap((r) => r.derived))
        expect(new Set(all).size).toBe(all.length)
        for (const id of ids(expected.derived)) expect(all).toContain(id)
        tabs.forEach((t) => t.close())
      }),
      { numRuns: 40 },
    )
  })

  it('ignores duplicates and survives a reload', async () => {
    const factory = new IDBFactory()
    const a = journeyStore(factory, 'j', engine)
    const events = [ev('x', 1, 'a1'), ev('x', 2, 'a2')]
    const first = await a.apply(events)
    expect(first.state.history.map((h) => h.to)).toEqual(['A', 'B'])
    const again = await a.apply(events)
    expect(again.derived).toEqual([])
    a.close()
    const reloaded = journeyStore(factory, 'j', engine)
    expect((await reloaded.load()).state).toEqual(first.state)
  })

  it('a late event re-folds the retained history; what that finds goes out marked backfill', async () => {
    const factory = new IDBFactory()
    const s = journeyStore(factory, 'j', engine)
    await s.apply([ev('z', 30, 'b')]) // y then z makes C; z arrives first
    const r = await s.apply([ev('y', 10, 'a')])
    expect(r.state.history.map((h) => h.to)).toEqual(foldAll(engine, [ev('y', 10, 'a'), ev('z', 30, 'b')]).state.history.map((h) => h.to))
    expect(r.state.history.at(-1)!.to).toBe('C')
    expect(r.derived.map((d) => [d.event, d.properties.to, d.properties.backfill])).toEqual([['Journey Stage Entered', 'C', true]])
  })

  it('prunes past the cap into a checkpoint: late re-folds stay exact', async () => {
    const factory = new IDBFactory()
    const s = journeyStore(factory, 'j', engine, undefined, 5)
    const events = build([{ name: 'x', t: 1 }, { name: 'x', t: 2 }, { name: 'y', t: 3 }, { name: 'n', t: 4 }, { name: 'n', t: 5 }, { name: 'n', t: 6 }, { name: 'n', t: 7 }, { name: 'n', t: 20 }])
    for (const e of events) await s.apply([e])
    const late = ev('z', 10, 'late')
    const r = await s.apply([late])
    expect(r.state).toEqual(foldAll(engine, arrived([...events, late])).state)
  })

  it('a new definition version re-folds retained history and marks what it finds as backfill', async () => {
    const factory = new IDBFactory()
    await journeyStore(factory, 'j', engine).apply([ev('x', 1, 'a'), ev('x', 2, 'b')])
    const v2 = createEngine({ ...def, version: '1.1', stages: def.stages.map((st) => (st.id == 'B' ? { ...st, entry: { event: { name: 'x', count: 1 } } } : st)) })
    const { state: r, derived } = await journeyStore(factory, 'j', v2).load()
    expect(r.def).toBe('j@1.1')
    // B is now entered at the first x; the transitions are the same ones, at the same
    // ordinals, so they keep their ids and nothing is sent again
    expect(r.history).toEqual([
      { from: null, to: 'A', at: 1, cause: 'tick', backfill: true },
      { from: 'A', to: 'B', at: 1, cause: 'a', backfill: true },
    ])
    expect(derived).toEqual([])
  })

  it('an event of the same millisecond from another tab folds after the ones already folded: no re-fold, no backfill', async () => {
    const factory = new IDBFactory()
    const [a, b] = [journeyStore(factory, 'j', engine), journeyStore(factory, 'j', engine)]
    // tab A: y then z (C); tab B captured its w in the same millisecond as z, with a
    // messageId that sorts first (messageIds don't compare across tabs)
    await a.apply([ev('n', 1, 'm1'), ev('y', 5, 'm2')])
    const first = await a.apply([ev('z', 9, 'm9-tabA')])
    expect(first.state.history.at(-1)!.to).toBe('C')
    const second = await b.apply([ev('w', 9, 'm0-tabB')]) // arrives second: demotes C → B
    expect(second.derived.map((d) => [d.properties.from, d.properties.to, d.properties.backfill ?? false])).toEqual([['C', 'B', false]])
    // by messageId order w would have come before z: C would never have been entered,
    // and the C already sent would have been contradicted by a backfill re-fold
    expect(second.state.history.map((h) => h.to)).toEqual(['A', 'C', 'B'])
    expect(second.state).toEqual(foldAll(engine, await held(factory)).state)
    a.close()
    b.close()
  })

  it('tick and assert go through the shared state', async () => {
    const factory = new IDBFactory()
    const s = journeyStore(factory, 'j', engine)
    await s.apply([ev('n', 1, 'a')])
    const r = await s.assert('C', 5)
    expect(r.derived.map((d) => d.properties.to)).toEqual(['C'])
    expect((await journeyStore(factory, 'j', engine).load()).state.history.at(-1)!.to).toBe('C')
  })
})
