// desire-path/journey: the journey engine as pure functions, for the browser, Node (the
// learner) and the devtools overlay. Nothing here touches the DOM, a clock or storage.
// The full validator is its own entry (desire-path/journey/validate): the runtime ships only
// a structural check (journey/check.ts).
export { createTracker } from '../compose/tracker.js'
export { createEngine, foldAll, detId } from '../journey/engine.js'
export type { Engine, JourneyState, DerivedEvent, Transition, Signal, Step } from '../journey/engine.js'
export type { JourneySnapshot, Tracker, TrackerOptions, TrackerEvents, JourneyJson, Inspection, ConsentState } from '../compose/types.js'
export type { JourneyEvent } from '../journey/rules.js'
export { parseDuration } from '../journey/duration.js'
export { matchPath } from '../journey/pattern.js'
export type { JourneyDefinition, StageDef, PathDef, StepDef, ExitDef, Rule, EventMatch, Filter, FilterOp, Duration, StageChange, SignalKind } from '../journey/types.js'
export { createPolicy } from '../nudges/policy.js'
export type { Policy, NudgeMemory, Decided, Offer } from '../nudges/policy.js'
export type { NudgeDef, NudgePolicy, NudgeCap, NudgeSlot, NudgeArm, NudgeReason, NudgeDecision, NudgeStatus } from '../nudges/types.js'
