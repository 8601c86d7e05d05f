import type { Tracker } from '../compose/types.js'
import type { CoreTracker } from '../core/types.js'
import { createOverlay, type Overlay } from './controller.js'
import { guard } from './dom.js'

/** Options of `attachDevtools`. */
export interface DevtoolsOptions {
  /** Start expanded (default `true`); `false` starts as the small badge. @example open: false */
  open?: boolean | undefined
  /**
   * Where the overlay remembers its position and open panel (default `localStorage`; `null`:
   * nowhere). A storage that throws is ignored. @example storage: sessionStorage
   */
  storage?: Storage | null | undefined
  /** The document to attach to (default the global `document`); for tests and iframes. */
  document?: Document | undefined
}

/** Removes the overlay, its listeners, timers and tracker subscriptions. Calling it again does nothing. */
export type DetachDevtools = () => void

/** One overlay per document: a second attach to the same tracker reuses it. */
const attached = new WeakMap<Document, Overlay>()

/**
 * Shows the devtools overlay for a tracker: the journey (stage, path progress, next step,
 * signals), each nudge and why it is or is not shown, the delivery queue, identity, and
 * actions (a test event, a local jump-to-stage preview, reset, flush, copy as JSON). It
 * reads the tracker's public API only and never throws into the page. Idempotent per
 * document: attaching the same tracker again expands the overlay and returns the same
 * `detach`; attaching another tracker replaces it.
 * @param tracker from `createTracker` (desire-path/journey, or desire-path: the queue and identity without journeys)
 * @returns `detach`
 * @example
 * const { attachDevtools } = await import('desire-path/devtools')
 * const detach = attachDevtools(dp, { open: false })
 */
export function attachDevtools(tracker: Tracker | CoreTracker, options: DevtoolsOptions = {}): DetachDevtools {
  try {
    const doc = options.document || (typeof document == 'object' ? document : undefined)
    if (!doc?.createElement) return () => {}
    const before = attached.get(doc)
    if (before && before.t === tracker) {
      before.expand()
      return before.detach
    }
    before?.detach()
    const o: Overlay = createOverlay(tracker as Tracker, doc, options.open !== false, storageOf(options, doc), () => attached.get(doc) == o && attached.delete(doc))
    attached.set(doc, o)
    return o.detach
  } catch {
    return () => {}
  }
}

/** The storage option; by default the document's localStorage (reading it throws in some sandboxes). */
function storageOf(options: DevtoolsOptions, doc: Document): Storage | undefined {
  return (options.storage !== undefined ? options.storage : guard(() => doc.defaultView?.localStorage)) || undefined
}
