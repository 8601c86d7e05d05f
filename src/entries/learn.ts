// desire-path/learn (Node only): learn the recommended path from exported events, and
// measure nudge uplift. Never part of a browser bundle.
export { armOf, DefinitionError, fromPartials, learn, learnPartial, uplift, type LearnOptions } from '../learn/api.js'
export { ReadError } from '../learn/read.js'
export type { LearnResult, LearnedBlock, LearnedStage, NudgeUplift, LearnPartial, CandidateFigures, LearnParams } from '../learn/types.js'
