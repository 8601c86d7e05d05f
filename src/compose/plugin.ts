import { DesirePathError } from '../lib/errors.js'
import type { JsonValue } from '../lib/json.js'
import type { StoredEvent } from '../storage/queue.js'
import type { Core, Plugin } from '../core/types.js'
import { checkDefinition } from '../journey/check.js'
import { createEngine, type DerivedEvent, type Engine, type JourneyState } from '../journey/engine.js'
import { memoryStore } from '../journey/memory-store.js'
import type { JourneyEvent } from '../journey/rules.js'
import { journeyStore, type After, type Applied, type JourneyStore } from '../journey/store.js'
import type { JourneyDefinition, StageChange } from '../journey/types.js'
import { OFFER_TIMEOUT, type AckKind, type Decided, type NudgeMemory, type Offer, type Policy, type createPolicy } from '../nudges/policy.js'
import type { NudgeDecision, NudgeStatus } from '../nudges/types.js'
import type { JourneySnapshot } from './types.js'

/** Time-based rules are re-evaluated this often while the page is visible. */
const TICK = 60_000

/** A stored event (the JSON the core built) as the engine sees it. */
const toJourneyEvent = (rec: StoredEvent): JourneyEvent => {
  const e = JSON.parse(rec.s) as JourneyEvent & { timestamp: string }
  e.t = Date.parse(e.timestamp)
  return e
}

/**
 * Where the plugin gets the nudge policy, for a definition with nudges: imported
 * (desire-path/journey), or on script-tag pages desire-path-nudges.iife.js's, which may be
 * missing (then undefined, after telling the host through `core`).
 */
export type PolicySource = (core: Core) => typeof createPolicy | undefined

/**
 * Plugs a journey into the core tracker. Events this tab captures are folded, a tick at a
 * time, into the state shared by the origin's tabs (IndexedDB; see store.ts); derived
 * events go through the normal pipeline with their deterministic ids; stage changes are
 * reported to `dp.on('stage')` here and, through a BroadcastChannel, in the other tabs.
 */
export function journeyPlugin(json: unknown, policyOf: PolicySource): (core: Core) => Plugin<JourneySnapshot> | undefined {
  return (core) => {
    // A definition the engine cannot run costs the page its journeys, never the page
    // itself or its tracking: reported once, and no plugin.
    let engine: Engine
    let policy: Policy | undefined
    try {
      const why = checkDefinition(json)
      if (why) throw why
      engine = createEngine(json as JourneyDefinition)
      const make = engine.def.nudges?.[0] && policyOf(core)
      policy = make ? make(engine.def, engine) : undefined
    } catch (e) {
      core.$report(new DesirePathError('journey_invalid', `journey ignored: ${e} (see npx desire-path validate)`, e))
      return undefined
    }
    const def = engine.def
    let state = engine.init()
    let persistent = !!core.$idb
    // nudges: this tab's id, the latest memory seen (for a fall back to memory) and statuses
    const tab = Math.random().toString(36).slice(2)
    let memory: unknown
    let status: NudgeStatus[] = []
    /** The policy's part of an update: a failure there is reported and skipped, never taken for a storage failure. */
    const safely =
      (fn: After): After =>
      (s, m) => {
        try {
          return fn(s, m)
        } catch (e) {
          core.$report(new DesirePathError('internal', 'nudges: ' + e, e))
          return { m, derived: [] }
        }
      }
    const after: After | undefined =
      policy &&
      safely((s, m) => {
        const now = core.$now()
        const r = policy.evaluate(m as NudgeMemory, s, engine.snapshot(s, now), now, tab, core.$loc.pathname, core.$doc.visibilityState == 'hidden' ? 'hidden' : core.$has('nudge') ? '' : 'no handler', core.$session())
        memory = r.memory
        return { m: r.memory, derived: r.derived, out: r }
      })
    let store: JourneyStore = persistent ? journeyStore(core.$idb!, core.$key + ':journey', engine, after) : memoryStore(engine, state, after)
    let buffer: StoredEvent[] = []
    let timer: ReturnType<typeof setTimeout> | undefined
    let chain: Promise<unknown> = Promise.resolve()
    const doc = core.$doc
    let bc: BroadcastChannel | undefined
    try {
      bc = core.$BC && new core.$BC(core.$key + ':journey')
    } catch {
      /* opaque origin: tabs won't hear each other's transitions until they reload */
    }

    /** Takes a newer shared state; reports its transitions to local listeners. */
    const adopt = (next: JourneyState, changes: StageChange[]) => {
      const before = state.stage
      state = next
      if (state.stage != before) core.$context({ journey: { id: def.id, stage: def.stages[state.stage]?.id ?? null } })
      for (const c of changes) core.$emit('stage', c)
    }
    const changesOf = (derived: DerivedEvent[]): StageChange[] =>
      derived
        .filter((d) => d.event == 'Journey Stage Entered')
        .map((d) => {
          const p = d.properties as unknown as StageChange & { skipped: string[] }
          return { from: p.from, to: p.to, at: d.t, cause: p.cause, ...(p.skipped[0] && { skipped: p.skipped }), ...(p.backfill && { backfill: true as const }) }
        })

    /** Runs one store operation after the previous ones; falls back to memory if IndexedDB fails. */
    const run = (op: (s: JourneyStore) => Promise<Applied>) =>
      (chain = chain.then(async () => {
        let r: Applied
        try {
          r = await op(store)
        } catch (e) {
          if (!persistent) throw e
          persistent = false
          core.$report(new DesirePathError('storage_fallback', 'journey state kept in memory: ' + e, e))
          store = memoryStore(engine, state, after, memory)
          r = await op(store)
        }
        for (const d of r.derived) core.$derive(d.event, d.properties, d.messageId, d.t)
        const changes = changesOf(r.derived)
        adopt(r.state, changes)
        const d = r.out as Decided | undefined
        if (d) {
          status = d.status
          d.offers.forEach(offer)
        }
        if (r.derived[0])
          try {
            bc?.postMessage({ s: r.state, c: changes })
          } catch {
            /* closed */
          }
      }).catch((e) => core.$report(new DesirePathError('internal', 'journey: ' + e, e))))

    /** Hands an offer to this tab's `dp.on('nudge')` handlers, with its acks. */
    const offer = (o: Offer) => {
      const id = o.nudge.id
      let shown = false
      let clicked = false
      let done = false
      const ack = (kind: AckKind, arg?: JsonValue) => run((st) => st.memo(safely((s, m) => policy!.ack(m as NudgeMemory, s, kind, id, core.$now(), tab, arg))))
      // not marked shown in time (its target was missing, say): released, not counted. A
      // shown() that comes later still counts: an exposure that happened is measured.
      const release = setTimeout(() => shown || done || ack('release'), OFFER_TIMEOUT)
      const end = (kind: AckKind, arg?: JsonValue) => {
        if (done) return
        done = true
        clearTimeout(release)
        ack(kind, arg)
      }
      const d: NudgeDecision = {
        // a copy: the host may change it, the policy keeps deciding from the definition
        nudge: JSON.parse(JSON.stringify(o.nudge)),
        signal: o.signal,
        explanation: o.explanation,
        arm: o.arm,
        shown() {
          if (shown || done) return
          shown = true
          clearTimeout(release)
          ack('shown')
        },
        clicked(cta) {
          if (clicked || done) return
          clicked = true
          clearTimeout(release)
          ack('clicked', typeof cta == 'string' ? cta : null)
        },
        dismissed: (options) => end('dismissed', typeof options?.snooze == 'boolean' || typeof options?.snooze == 'string' ? options.snooze : null),
        completed: () => end('completed'),
      }
      core.$emit('nudge', d)
    }
    /** This tab goes away: its nudges are no longer on screen. */
    const leave = () => policy && run((st) => st.memo(safely((s, m) => policy.ack(m as NudgeMemory, s, 'leave', '', core.$now(), tab))))

    const flush = () => {
      clearTimeout(timer)
      timer = undefined
      const batch = buffer
      buffer = []
      if (batch[0]) run((s) => s.apply(batch.map(toJourneyEvent)))
      return chain
    }
    const tick = () => run((s) => s.tick(core.$now()))
    const visible = () => doc.visibilityState != 'hidden' && tick()
    const every = setInterval(() => doc.visibilityState != 'hidden' && tick(), TICK)
    if (bc) bc.onmessage = (m: MessageEvent<{ s: JourneyState; c: StageChange[] }>) => adopt(m.data.s, m.data.c)
    doc.addEventListener('visibilitychange', visible)
    core.$win?.addEventListener('pagehide', leave)
    // load the shared state, then a first tick: time may have passed since the last visit
    run((s) => s.load())
    tick()

    return {
      $event(rec) {
        buffer.push(rec)
        timer ||= setTimeout(flush)
      },
      $settled: flush,
      $journey: () => ({ ...engine.snapshot(state, core.$now()), ...(policy && { nudges: status }) }),
      $listen(type) {
        // a nudge handler arrived: nudges held back for want of one may be offered now
        if (policy && type == 'nudge') run((s) => s.load())
      },
      $stage(id) {
        if (!def.stages.some((s) => s.id == id)) return core.$report(new DesirePathError('event_invalid', `stage("${id}"): no such stage`))
        run((s) => s.assert(id, core.$now()))
      },
      async $stop() {
        clearInterval(every)
        doc.removeEventListener('visibilitychange', visible)
        core.$win?.removeEventListener('pagehide', leave)
        await flush()
        await leave()
        bc?.close()
        store.close()
      },
    }
  }
}
