import type { CoreTracker } from '../core/types.js'
import { guarded } from './guard.js'

/**
 * What the consent hooks use of a tracker: `Tracker` from `createTracker` (desire-path or
 * desire-path/journey), or anything with its `consent()`.
 */
export type ConsentTracker = Pick<CoreTracker, 'consent'>

/** Stops following the consent manager; consent stays as it is. Calling it again does nothing. */
export type StopConsent = () => void

/** Options of `tcfConsent`. */
export interface TcfOptions {
  /**
   * TCF purposes that all need the visitor's consent (`tcData.purpose.consents`) for a
   * grant. Default `[1, 8, 9]`: store and/or access information on a device (the queue,
   * the identity), measure content performance, understand audiences through statistics.
   * Add 10 (develop and improve services) when you use the learned path for that, 5 and 6
   * when your nudges count as personalised content. @example purposes: [1, 8, 9, 10]
   */
  purposes?: readonly number[] | undefined
  /**
   * Your id in the Global Vendor List, if you are a registered vendor: a grant then also
   * needs `tcData.vendor.consents[vendorId]`. @example vendorId: 1234
   */
  vendorId?: number | undefined
  /**
   * How long (ms) to wait for `window.__tcfapi` when it is not there yet (default 10,000,
   * checked every 100 ms). Without a CMP by then, consent stays as it is. @example timeout: 30_000
   */
  timeout?: number | undefined
}

/** The part of the TCF v2.2 CMP API's `TCData` that `tcfConsent` reads. */
export interface TcData {
  gdprApplies?: boolean | undefined
  eventStatus?: 'tcloaded' | 'cmpuishown' | 'useractioncomplete' | undefined
  listenerId?: number | undefined
  purpose?: { consents?: Record<number, boolean> | undefined } | undefined
  vendor?: { consents?: Record<number, boolean> | undefined } | undefined
}

/** `window.__tcfapi` (TCF v2.2 CMP API): `(command, version, callback, parameter?)`. */
export type TcfApi = (command: string, version: number, callback: (data: TcData, success: boolean) => void, parameter?: unknown) => void

/**
 * Follows an IAB TCF v2.2 consent manager (CMP): each decision the visitor makes, or one
 * stored from an earlier visit, becomes `dp.consent('granted')` or `dp.consent('denied')`.
 * A decision is an `addEventListener` event of status `tcloaded` (one stored) or
 * `useractioncomplete` (just made): granted when GDPR does not apply (`gdprApplies: false`)
 * or when every one of `purposes` has consent (and `vendorId`, if given); else denied.
 * `cmpuishown` changes nothing. Until the first decision consent stays as the tracker has
 * it: create it with `consent: 'pending'`. Waits up to `timeout` for a CMP that loads late;
 * without one, does nothing. Never throws (a CMP that throws: one console warning);
 * without a DOM (server rendering) it does nothing.
 * @param tracker from `createTracker`, with `consent: 'pending'`
 * @param options purposes, vendorId, timeout
 * @returns `stop`: removes the listener from the CMP
 * @example
 * import { tcfConsent } from 'desire-path/consent'
 * const dp = createTracker({ endpoint, consent: 'pending' })
 * tcfConsent(dp)
 */
export function tcfConsent(tracker: ConsentTracker, options: TcfOptions = {}): StopConsent {
  const { purposes = [1, 8, 9], vendorId, timeout = 10_000 } = options
  let on = true
  let id: number | undefined
  let timer: ReturnType<typeof setInterval> | undefined
  let left = timeout / 100
  const guard = guarded('tcfConsent')
  const tcfapi = () => (window as { __tcfapi?: unknown }).__tcfapi as TcfApi | undefined
  // through the __tcfapi of now: the CMP replaces the stub we may have found when it loads
  const remove = () =>
    guard(() => {
      const i = id
      id = undefined
      if (i != null) tcfapi()?.('removeEventListener', 2, () => {}, i)
    })
  const stop = () => {
    on = false
    clearInterval(timer)
    remove()
  }
  const yes = (consents: Record<number, boolean> | undefined, n: number) => consents?.[n] === true
  const listener = (d: TcData, ok: boolean) =>
    guard(() => {
      if (d?.listenerId != null) id = d.listenerId
      // stopped while the CMP's stub still queued our addEventListener: remove it now
      if (!on) return remove()
      if (!ok || !d || (d.eventStatus != 'tcloaded' && d.eventStatus != 'useractioncomplete')) return
      const granted = d.gdprApplies === false || (purposes.every((p) => yes(d.purpose?.consents, p)) && (vendorId == null || yes(d.vendor?.consents, vendorId)))
      tracker.consent(granted ? 'granted' : 'denied')
    })
  // The CMP's stub (IAB's, pasted in <head>) defines __tcfapi and queues calls until the CMP
  // loads, so it is usually there; polling covers a CMP whose stub comes later. Only this
  // window: no `__tcfapiLocator` postMessage to a CMP in a parent frame.
  const find = () => {
    const f = tcfapi()
    if (typeof f == 'function') {
      clearInterval(timer)
      guard(() => f('addEventListener', 2, listener))
      return true
    }
    if (--left <= 0) clearInterval(timer)
    return false
  }
  if (typeof window != 'object') return stop
  guard(() => {
    if (typeof tracker?.consent != 'function') throw 'the first argument is not a tracker (from createTracker)'
    if (!find()) timer = setInterval(find, 100)
  })
  return stop
}
