import { backToLive, copyJson, flushNow, resetLocal, simulateStage, testEvent } from './actions.js'
import type { Ctx, Parts } from './context.js'
import { add, attrs, button } from './dom.js'
import { PANELS } from './prefs.js'

// The overlay's fixed skeleton, built once: the badge, the header (drag handle), the tabs
// and their panels, the simulation bar, the actions and a status line. Every part a
// browser test needs has a stable `data-dp` hook.

/** Builds the skeleton into `root`. */
export function buildParts(root: ShadowRoot, c: Ctx): Parts {
  const toggle = () => c._setOpen(!c._open, true)
  const badge = attrs(button(root, 'desire-path', 'badge', toggle), { class: 'badge', 'aria-expanded': 'false' })
  const box = attrs(add(root, 'div', null, 'overlay'), { class: 'box', role: 'region', 'aria-label': 'desire-path devtools' })
  const header = attrs(add(box, 'div', null, 'handle'), { class: 'hd' })
  add(header, 'b', 'desire-path devtools')
  attrs(button(header, '–', 'collapse', toggle, 'Collapse (Esc)'), { 'aria-label': 'Collapse', 'aria-expanded': 'true' })

  const list = attrs(add(box, 'div', null, 'tabs'), { role: 'tablist', 'aria-label': 'Panels' })
  const sim = attrs(add(box, 'div', null, 'simulated'), { class: 'sim', role: 'status' })
  const simText = add(sim, 'span')
  button(sim, 'Back to live', 'back-to-live', () => backToLive(c))
  const tabs = {} as Parts['_tabs']
  const panels = {} as Parts['_panels']
  for (const id of PANELS) {
    // the tab's title is its id capitalized: Journey, Nudges, Queue, Identity
    tabs[id] = attrs(button(list, id[0]!.toUpperCase() + id.slice(1), 'tab-' + id, () => c._setPanel(id)), { role: 'tab', id: 'dp-tab-' + id, 'aria-controls': 'dp-panel-' + id })
    panels[id] = attrs(add(box, 'section', null, 'panel-' + id), { role: 'tabpanel', id: 'dp-panel-' + id, 'aria-labelledby': 'dp-tab-' + id, tabindex: '0' })
  }
  list.addEventListener('keydown', (e) => arrows(e, c))
  const { select, jump } = actions(box, c)
  const status = attrs(add(box, 'p', null, 'status'), { class: 'st', 'aria-live': 'polite' })
  return { _badge: badge, _box: box, _header: header, _tabs: tabs, _panels: panels, _sim: sim, _simText: simText, _select: select, _jump: jump, _status: status }
}

/**
 * Arrow keys, Home and End move between tabs (the ARIA tabs pattern), from the selected
 * one: with a roving tabindex it is the one that has the focus.
 */
function arrows(e: KeyboardEvent, c: Ctx): void {
  const i = PANELS.indexOf(c._panel)
  const n = PANELS.length
  const j = ({ ArrowRight: i + 1, ArrowLeft: i + n - 1, Home: 0, End: n - 1 } as Record<string, number>)[e.key]
  if (j == null) return
  e.preventDefault()
  c._setPanel(PANELS[j % n]!, true)
}

function actions(box: HTMLElement, c: Ctx) {
  const bar = attrs(add(box, 'div', null, 'actions'), { class: 'act', role: 'group', 'aria-label': 'Actions' })
  button(bar, 'Send test event', 'test-event', () => testEvent(c), 'Sends a real event (Devtools Test Event): the only action that sends anything')
  const select = attrs(add(bar, 'select', null, 'jump-select'), { 'aria-label': 'Stage to simulate' })
  const jump = button(bar, 'Simulate stage', 'jump', () => simulateStage(c), 'A local preview: nothing is written or sent')
  button(bar, 'Flush now', 'flush', () => flushNow(c))
  button(bar, 'Reset', 'reset', () => resetLocal(c), "New anonymousId, user forgotten. The journey state, shared by this origin's tabs, is kept")
  button(bar, 'Copy JSON', 'copy', () => copyJson(c))
  return { select, jump }
}
