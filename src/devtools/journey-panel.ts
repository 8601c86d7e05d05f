import type { JourneyDefinition } from '../journey/types.js'
import type { JourneySnapshot } from '../compose/types.js'
import { add, heading, note, row } from './dom.js'
import type { View } from './state.js'
import { validator, validatorFailed } from './validator.js'
import { ago, causeText, findStage, nextFigures, plural, stageName } from './words.js'

// The Journey panel: the stage, since when and why, progress on the recommended path, the
// next step with its figures, the active signals, the history. Or why there is no journey.

/** Fills `into` with the Journey panel for `v`. */
export function journeyPanel(into: HTMLElement, v: View): void {
  if (v._snapErr) return void note(into, v._snapErr, 'e', 'journey-error')
  if (v._snap) return stagePart(into, v._snap, v)
  if (v._raw != null) return refused(into, v._raw, v._paint)
  note(into, v._raw === null ? 'No journey: the tracker has no journey option.' : 'No journey: journey() is null.', 'm', 'no-journey')
}

function stagePart(into: HTMLElement, s: JourneySnapshot, v: View): void {
  const dl = add(into, 'dl')
  const name = row(dl, 'Stage', stageName(v._def, s.stage), 'stage')
  name.setAttribute('data-stage', s.stage ?? '')
  if (s.since != null) row(dl, 'Since', ago(v._now - s.since), 'since').title = new Date(s.since).toLocaleString()
  const last = s.history?.slice(-1)[0]
  if (last) row(dl, 'Cause', causeText(last.cause), 'cause')
  if (s.exited) row(dl, 'Exited', `${s.exited.id}, ${ago(v._now - s.exited.at)}`, 'exited')
  progress(into, s, v._def)
  if (s.next) {
    heading(into, 'Next step')
    add(into, 'p', s.next.label, 'next')
    for (const f of nextFigures(v._def, s.stage, s.next.id)) note(into, f, 'm', 'next-figure')
  }
  heading(into, 'Signals')
  if (!s.signals?.length) note(into, 'None active.', 'm', 'signals')
  else {
    const ul = add(into, 'ul', null, 'signals')
    for (const x of s.signals) add(ul, 'li', `${x.kind}${x.step ? ' (' + x.step + ')' : ''}: ${x.explanation}`, 'signal').setAttribute('data-kind', x.kind)
  }
  history(into, s, v)
}

/** A bar and "2 of 3 key steps" (a percentage when the definition is not known). */
function progress(into: HTMLElement, s: JourneySnapshot, def: JourneyDefinition | undefined): void {
  const steps = findStage(def, s.stage)?.path?.steps
  if (def && !steps?.length) return void heading(into, 'No recommended path in this stage')
  heading(into, 'Path progress')
  const bar = add(into, 'progress', null, 'progress-bar')
  bar.max = 1
  bar.value = s.progress
  const keys = steps?.filter((x) => x.key).length
  const n = keys || steps?.length
  const text = n ? Math.round(s.progress * n) + ' of ' + plural(n, keys ? 'key step' : 'step') : Math.round(s.progress * 100) + '%'
  bar.setAttribute('aria-label', text)
  add(into, 'p', text, 'progress')
}

function history(into: HTMLElement, s: JourneySnapshot, v: View): void {
  if (!s.history?.length) return
  heading(into, 'History')
  const ol = add(into, 'ol', null, 'history')
  for (const h of s.history.slice(-50).reverse())
    add(ol, 'li', `${h.from == null ? 'start' : stageName(v._def, h.from)} → ${stageName(v._def, h.to)}, ${ago(v._now - h.at)}: ${causeText(h.cause)}${h.skipped ? ' (skipped ' + h.skipped.join(', ') + ')' : ''}`)
}

/** The definition was refused (`journey_invalid`): the full validator lists why. */
function refused(into: HTMLElement, raw: unknown, paint: () => void): void {
  note(into, 'The journey definition was refused (journey_invalid):', 'e', 'refused')
  const check = validator(paint)
  if (!check) return void note(into, validatorFailed() || 'Checking it with the full validator…', 'm')
  const errors = check(raw)
  if (!errors.length) return void note(into, 'The validator finds no error: see onError.')
  heading(into, plural(errors.length, 'problem'))
  const ul = add(into, 'ul', null, 'definition-errors')
  for (const e of errors) {
    const li = add(ul, 'li', null, 'definition-error')
    add(li, 'code', e.path || '(root)')
    li.append(': ' + e.message)
  }
}
