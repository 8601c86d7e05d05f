import { backToLive, copyJson, flushNow, resetLocal, simulateStage, testEvent } from './actions.js'
import type { Ctx, Parts } from './context.js'
import { add, button } from './dom.js'
import { PANELS, type PanelId } from './prefs.js'

// The overlay's fixed skeleton, built once: the badge, the header (drag handle), the tabs
// and their panels, the simulation bar, the actions and a status line. Every part a
// browser test needs has a stable `data-dp` hook.

const TITLES: Record<PanelId, string> = { journey: 'Journey', nudges: 'Nudges', queue: 'Queue', identity: 'Identity' }

/** Builds the skeleton into `root`. */
export function buildParts(root: ShadowRoot, c: Ctx): Parts {
  const toggle = () => c._setOpen(!c._open, true)
  const badge = button(root, 'desire-path', 'badge', toggle)
  badge.className = 'badge'
  badge.setAttribute('aria-expanded', 'false')
  const box = add(root, 'div', null, 'overlay')
  box.className = 'box'
  box.setAttribute('role', 'region')
  box.setAttribute('aria-label', 'desire-path devtools')
  const header = add(box, 'div', null, 'handle')
  header.className = 'hd'
  add(header, 'b', 'desire-path devtools')
  const collapse = button(header, '–', 'collapse', toggle, 'Collapse (Esc)')
  collapse.setAttribute('aria-label', 'Collapse')
  collapse.setAttribute('aria-expanded', 'true')

  const list = add(box, 'div', null, 'tabs')
  list.setAttribute('role', 'tablist')
  list.setAttribute('aria-label', 'Panels')
  const sim = add(box, 'div', null, 'simulated')
  sim.className = 'sim'
  sim.setAttribute('role', 'status')
  const simText = add(sim, 'span')
  button(sim, 'Back to live', 'back-to-live', () => backToLive(c))
  const tabs = {} as Parts['_tabs']
  const panels = {} as Parts['_panels']
  for (const id of PANELS) {
    const tab = button(list, TITLES[id], 'tab-' + id, () => c._setPanel(id))
    tab.setAttribute('role', 'tab')
    tab.id = 'dp-tab-' + id
    tab.setAttribute('aria-controls', 'dp-panel-' + id)
    const panel = add(box, 'section', null, 'panel-' + id)
    panel.setAttribute('role', 'tabpanel')
    panel.setAttribute('data-panel', id)
    panel.id = 'dp-panel-' + id
    panel.setAttribute('aria-labelledby', tab.id)
    panel.tabIndex = 0
    tabs[id] = tab
    panels[id] = panel
  }
  list.addEventListener('keydown', (e) => arrows(e, c))
  const { select, jump } = actions(box, c)
  const status = add(box, 'p', null, 'status')
  status.className = 'st'
  status.setAttribute('aria-live', 'polite')
  return { _badge: badge, _box: box, _header: header, _tabs: tabs, _panels: panels, _sim: sim, _simText: simText, _select: select, _jump: jump, _status: status }
}

/** Arrow keys, Home and End move between tabs (the ARIA tabs pattern). */
function arrows(e: KeyboardEvent, c: Ctx): void {
  const i = PANELS.findIndex((id) => (e.target as Element | null)?.id == 'dp-tab-' + id)
  const n = PANELS.length
  const j = e.key == 'ArrowRight' ? (i + 1) % n : e.key == 'ArrowLeft' ? (i + n - 1) % n : e.key == 'Home' ? 0 : e.key == 'End' ? n - 1 : -1
  if (i < 0 || j < 0) return
  e.preventDefault()
  c._setPanel(PANELS[j]!, true)
}

function actions(box: HTMLElement, c: Ctx) {
  const bar = add(box, 'div', null, 'actions')
  bar.className = 'act'
  bar.setAttribute('role', 'group')
  bar.setAttribute('aria-label', 'Actions')
  button(bar, 'Send test event', 'test-event', () => testEvent(c), 'Sends a real event (Devtools Test Event): the only action that sends anything')
  const select = add(bar, 'select', null, 'jump-select')
  select.setAttribute('aria-label', 'Stage to simulate')
  const jump = button(bar, 'Simulate stage', 'jump', () => simulateStage(c), 'A local preview: nothing is written or sent')
  button(bar, 'Flush now', 'flush', () => flushNow(c))
  button(bar, 'Reset', 'reset', () => resetLocal(c), "New anonymousId, user forgotten. The journey state, shared by this origin's tabs, is kept")
  button(bar, 'Copy JSON', 'copy', () => copyJson(c))
  return { select, jump }
}
