// desire-path/nudges: the default nudge renderer. Optional: hosts that render nudges
// themselves listen to dp.on('nudge') and never ship this.
export { renderNudges } from '../nudges/render.js'
export type { RenderOptions, NudgeSource } from '../nudges/render.js'
export type { NudgeSlot, NudgeDef, NudgeCap, NudgePolicy, NudgeArm, NudgeReason, NudgeDecision, NudgeStatus } from '../nudges/types.js'
