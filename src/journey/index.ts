// desire-path/journey: the journey engine as pure functions, for the browser, Node (the
// learner) and the devtools overlay. Nothing here touches the DOM, a clock or storage.
export { createTracker } from './tracker.js'
export { validateDefinition } from './validate.js'
export { createEngine, foldAll, detId } from './engine.js'
export type { Engine, JourneyState, JourneySnapshot, DerivedEvent, Transition, Signal, SignalKind, Step } from './engine.js'
export type { JourneyEvent } from './rules.js'
export { parseDuration } from './duration.js'
export { matchPath } from './pattern.js'
export type { JourneyDefinition, StageDef, PathDef, StepDef, ExitDef, Rule, EventMatch, Filter, FilterOp, Duration } from './types.js'
export { createPolicy } from '../nudges/policy.js'
export type { Policy, NudgeMemory, Decided, Offer } from '../nudges/policy.js'
export type { NudgeDef, NudgePolicy, NudgeCap, NudgeSlot, NudgeArm, NudgeReason, NudgeDecision, NudgeStatus } from '../nudges/types.js'
