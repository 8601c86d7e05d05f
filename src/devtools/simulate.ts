import type { JourneySnapshot } from '../compose/types.js'
import { createEngine } from '../journey/engine.js'
import { key } from '../journey/ids.js'
import type { JourneyDefinition } from '../journey/types.js'
import { createPolicy } from '../nudges/policy.js'
import { message } from './dom.js'

// "Jump to stage": a preview built here with the same pure engine and policy the tracker
// runs, from a fresh state. Simulated locally: nothing is written to the shared journey
// state, nothing is sent, no nudge is offered to the page.

/** A simulated journey: the stage jumped to and the snapshot (with nudge statuses) there. */
export interface Preview {
  stage: string
  snap: JourneySnapshot
}

/** The tab id the preview's policy decides for: no real tab has it. */
const TAB = 'devtools-preview'

/**
 * The journey as it would be had the customer just reached `stageId` (as by `dp.stage()`),
 * with each nudge's status there from an empty nudge memory. A string says why not.
 * @param page the path the nudges' `where` patterns are tested against
 */
export function simulate(def: JourneyDefinition, stageId: string, now: number, page: string | undefined): Preview | string {
  try {
    const engine = createEngine(def)
    let state = engine.assert(engine.init(), stageId, now).state
    if (state.stage < 0) return 'No such stage: ' + stageId
    // the policy sees no journey before the customer's first event: the preview customer
    // has just been active (the engine's sort key of an event at `now`: ids.ts)
    state = { ...state, subject: TAB, last: key({ type: 'track', t: now, messageId: TAB }) }
    const snap: JourneySnapshot = engine.snapshot(state, now)
    if (engine.def.nudges?.[0]) snap.nudges = createPolicy(engine.def, engine).evaluate(undefined, state, snap, now, TAB, page, '').status
    return { stage: stageId, snap }
  } catch (e) {
    return 'The preview failed: ' + message(e)
  }
}
