import type { Tracker } from '../compose/types.js'
import type { Ctx } from './context.js'
import { add, guard } from './dom.js'
import { createHost, draggable, place } from './element.js'
import { buildParts } from './parts.js'
import { PANELS, loadPrefs, savePrefs, type PanelId } from './prefs.js'
import { drawPanel, frames } from './render.js'
import { asDefinition, definitionOf, readInspection, readJourney, type View } from './state.js'
import { stageName } from './words.js'

// One overlay's life: open and collapsed, the panel shown, what it reads and when. While
// collapsed it only keeps the badge's stage up to date: no polling, no panel drawing.

/** An attached overlay. */
export interface Overlay {
  t: Tracker
  expand(): void
  detach(): void
}

/** While open, panels are redrawn (and the Queue panel's inspect() polled) this often. */
const EVERY = 1000

/** Builds and attaches the overlay for `t` to `doc`; `detached` is called by its `detach`. */
export function createOverlay(t: Tracker, doc: Document, open: boolean, storage: Storage | undefined, detached: () => void): Overlay {
  const win = doc.defaultView
  const { host, root } = createHost(doc)
  const prefs = loadPrefs(storage)
  // the rest starts falsy: closed, no preview (_sim), no definition known yet (_raw), not detached (_dead)
  const c = { t, _doc: doc, _win: win, _host: host, _storage: storage, _prefs: prefs, _panel: prefs.panel || 'journey', _ins: null, _insErr: '' } as unknown as Ctx
  const painter = frames(win, () => guard(() => draw(c)))
  c._paint = painter.ask
  c._say = (text) => void (c._parts._status.textContent = text)
  c._refresh = refresher(c)
  c._setOpen = (to, focus) => setOpen(c, to, focus)
  c._setPanel = (id, focus) => setPanel(c, id, focus)
  c._parts = buildParts(root, c)
  const remember = (p: { x: number; y: number }) => savePrefs(storage, Object.assign(prefs, p))
  draggable(c._parts._header, host, remember)
  draggable(c._parts._badge, host, remember)
  const unlisten = listen(c)
  ;(doc.body || doc.documentElement).appendChild(host)
  setPanel(c, c._panel)
  setOpen(c, open)
  return {
    t,
    expand: () => guard(() => c._open || setOpen(c, true)),
    detach: () =>
      guard(() => {
        detached()
        c._dead = true
        painter.cancel()
        clearInterval(c._timer)
        unlisten()
        host.remove()
      }),
  }
}

/** `c._refresh`: one inspect() at a time; asked again meanwhile, it runs once more after. */
function refresher(c: Ctx): () => void {
  let asking = false
  let again = false
  const refresh = () => {
    if (c._dead) return
    if (asking) return void (again = true)
    asking = true
    void readInspection(c.t, c._win).then((r) => {
      asking = false
      if (c._dead) return
      c._ins = r.ins || c._ins
      c._insErr = r.err
      c._flusher = r.flusher
      if (r.ins) c._raw = definitionOf(r.ins)
      c._paint()
      if (again) {
        again = false
        refresh()
      }
    })
  }
  return refresh
}

/** Expands (redrawn and polled every second) or collapses (the badge only) the overlay. */
function setOpen(c: Ctx, to: boolean, focus?: boolean): void {
  const { _box: box, _badge: badge, _tabs: tabs } = c._parts
  c._open = to
  box.hidden = !to
  // the badge stays aria-expanded=false: it is hidden while the overlay is open
  badge.hidden = to
  clearInterval(c._timer)
  c._timer = to ? setInterval(() => guard(() => (c._panel == 'queue' && c._refresh(), c._paint())), EVERY) : undefined
  if (to) c._refresh()
  putBack(c)
  if (focus) (to ? tabs[c._panel] : badge).focus()
  c._paint()
}

/** Shows panel `id` (roving tabindex on the tabs) and remembers it. */
function setPanel(c: Ctx, id: PanelId, focus?: boolean): void {
  c._panel = id
  for (const p of PANELS) {
    const tab = c._parts._tabs[p]
    tab.setAttribute('aria-selected', String(p == id))
    tab.tabIndex = p == id ? 0 : -1
    c._parts._panels[p].hidden = p != id
  }
  if (focus) c._parts._tabs[id].focus()
  if (c._prefs.panel != id) savePrefs(c._storage, Object.assign(c._prefs, { panel: id }))
  if (id == 'queue' && c._open) c._refresh()
  c._paint()
}

/** One frame: the badge always; the simulation bar, the stage select and the open panel while open. */
function draw(c: Ctx): void {
  if (c._dead) return
  const live = readJourney(c.t)
  const def = asDefinition(c._raw)
  const { _badge: badge, _sim: sim, _simText: simText, _panels: panels } = c._parts
  const stage = c._sim ? c._sim.stage : live.snap?.stage
  const simulated = c._sim && 'Simulated: ' + stageName(def, c._sim.stage)
  badge.textContent = 'desire-path · ' + (live.err ? 'error' : simulated || (live.snap ? stageName(def, live.snap.stage) : 'no journey'))
  badge.setAttribute('data-stage', stage ?? '')
  if (!c._open) return
  sim.hidden = !c._sim
  simText.textContent = simulated ? simulated + ' (local only: nothing is written or sent)' : ''
  stages(c, def)
  const v: View = { ...c, _snap: c._sim ? c._sim.snap : live.snap, _snapErr: c._sim ? '' : live.err, _def: def, _now: Date.now() }
  drawPanel(panels[c._panel], c._panel, v)
}

/** The jump select lists the definition's stages (rebuilt only when they change). */
function stages(c: Ctx, def: ReturnType<typeof asDefinition>): void {
  const { _select: select, _jump: jump } = c._parts
  const ids = (def?.stages || []).map((s) => String(s?.id))
  const key = ids.join('\n')
  if (c._stages == key) return
  c._stages = key
  select.replaceChildren()
  for (const id of ids) add(select, 'option', stageName(def, id)).value = id
  if (!ids.length) add(select, 'option', 'no stages known')
  select.disabled = jump.disabled = !ids.length
}

/**
 * The tracker's events (removed by the returned function with the key and resize
 * listeners): a stage change redraws; a send, drop or error refreshes the inspection
 * while the Queue panel is open. Not `nudge`: a handler there would make the tracker
 * offer nudges to the overlay, changing what the page shows.
 */
function listen(c: Ctx): () => void {
  const offs: (() => void)[] = []
  const on = (type: 'stage' | 'sent' | 'dropped' | 'error', fn: () => void) =>
    guard(() => {
      const off = c.t.on(type, () => guard(fn))
      if (typeof off == 'function') offs.push(off)
    })
  /** a guarded DOM listener, removed with the tracker's */
  const dom = <E extends Event>(target: EventTarget | null | undefined, type: string, fn: (e: E) => unknown) => {
    const l = (e: Event) => guard(() => fn(e as E))
    target?.addEventListener(type, l)
    offs.push(() => target?.removeEventListener(type, l))
  }
  on('stage', c._paint)
  for (const type of ['sent', 'dropped', 'error'] as const) on(type, () => c._open && c._panel == 'queue' && c._refresh())
  // Ctrl/⌘+Shift+Y toggles; one already handled (defaultPrevented) is left alone
  dom(c._doc, 'keydown', (e: KeyboardEvent) => {
    if (e.defaultPrevented || !e.shiftKey || !(e.ctrlKey || e.metaKey) || (e.code != 'KeyY' && e.key.toLowerCase() != 'y')) return
    e.preventDefault()
    c._setOpen(!c._open)
  })
  dom(c._host.shadowRoot, 'keydown', (e: KeyboardEvent) => e.key == 'Escape' && c._open && (e.preventDefault(), c._setOpen(false, true)))
  dom(c._win, 'resize', () => putBack(c))
  return () => offs.forEach(guard)
}

/** Puts the overlay back where it was dragged to (kept in the viewport), if it was. */
const putBack = (c: Ctx) => c._prefs.x != null && place(c._host, c._prefs as { x: number; y: number })
