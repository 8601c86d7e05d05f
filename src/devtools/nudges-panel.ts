import type { NudgeDef } from '../journey/types.js'
import { add, note } from './dom.js'
import type { View } from './state.js'
import { nudgeTitle, reasonText } from './words.js'

// The Nudges panel: each nudge of the definition with its state in this tab and, when it
// is not shown, why, in words.

/** Fills `into` with the Nudges panel for `v`. */
export function nudgesPanel(into: HTMLElement, v: View): void {
  const list = v._snap?.nudges
  if (!v._snap) return void note(into, v._snapErr || 'No journey, so no nudges.', v._snapErr ? 'e' : 'm')
  if (!list) return void note(into, 'No nudges in the journey definition.', 'm', 'no-nudges')
  const defs: NudgeDef[] = Array.isArray(v._def?.nudges) ? v._def.nudges : []
  const ul = add(into, 'ul', null, 'nudges')
  for (const st of list) {
    const n = defs.find((x) => x && x.id == st.id)
    const li = add(ul, 'li', null, 'nudge')
    li.setAttribute('data-nudge', st.id)
    add(li, 'b', nudgeTitle(n, st.id))
    const facts = [st.eligible ? 'eligible' : 'not eligible', st.arm && 'arm: ' + st.arm, 'shows: ' + (st.shows || 0), st.showing && 'showing', n && 'slot: ' + n.slot]
    note(li, facts.filter(Boolean).join(' · '), 'm', 'nudge-state')
    const words = v._sim && st.showing ? 'Would be offered here (simulated).' : reasonText(st, n, v._def)
    const p = add(li, 'p', words, 'nudge-reason')
    p.setAttribute('data-reason', st.showing ? 'showing' : st.reason || '')
  }
}
