import type { JourneyDefinition } from '../journey/types.js'
import { compareArms, warningFor } from './stats.js'
import type { NudgeUplift, LearnPartial } from './types.js'

// Per nudge, intent to treat: every subject from its first `Nudge Eligible`, in the arm it
// was given then, converted or not within the horizon; treatment against control.

export function upliftOf(def: JourneyDefinition, part: LearnPartial): Record<string, NudgeUplift> {
  const out: Record<string, NudgeUplift> = {}
  for (const id of Object.keys(part.nudges).sort()) {
    const n = part.nudges[id]!
    const nd = def.nudges?.find((x) => x.id == id)
    const { treatment, control, holdout } = n.arms
    // without a control arm, the global holdout is the comparison (and the warning says so)
    const vs = control.subjects || !holdout.subjects ? control : holdout
    const warnings = [vs == holdout && 'compared with the global holdout (the nudge has no control arm)', warningFor(treatment, vs, 100, 10, ['treatment', vs == holdout ? 'holdout' : 'control']), !nd && 'no definition in the journey: conversion is reaching a later stage']
    const w = warnings.filter(Boolean).join('; ')
    out[id] = {
      stage: n.stage,
      arms: n.arms,
      ...compareArms(treatment, vs),
      conversion: nd?.goal ? 'goal' : 'next stage',
      horizon: nd?.goal?.within || part.params.horizon,
      censored: n.censored,
      ...(w && { warning: w }),
    }
  }
  return out
}
