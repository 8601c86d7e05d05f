export type ErrorCode =
  | 'option' // bad option at creation
  | 'definition' // a journey definition that does not validate (message starts with the JSON path)
  | 'journey_invalid' // at runtime, a definition the engine cannot run: tracking goes on without journeys
  | 'event_invalid' // a call the SDK could not use
  | 'event_normalized' // input was changed to make it storable (cycle, function, BigInt, long string...)
  | 'event_too_large'
  | 'delivery_failed' // will retry
  | 'delivery_rejected' // the collector refused events for good (400/413/422): dropped
  | 'storage_fallback' // IndexedDB unusable: queue kept in memory
  | 'queue_full' // a queue cap was reached: the oldest events were dropped unsent (`count`, `total`)
  | 'event_expired' // events older than maxEventAge were dropped unsent (`count`, `total`)
  | 'listener_threw'
  | 'internal'

/**
 * The one error class of desire-path. `code` says what happened.
 * Only bad options at creation are thrown; everything else goes to `onError`.
 */
export class DesirePathError extends Error {
  /** HTTP status for delivery errors (0: network error or timeout). */
  status?: number
  /** ms until the next attempt, for `delivery_failed`. */
  retryIn?: number
  /** events dropped this time, for `queue_full` and `event_expired` */
  count?: number
  /** events dropped since the tracker was created, for `queue_full` and `event_expired` */
  total?: number
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly cause?: unknown,
    extra?: { status?: number; retryIn?: number; count?: number; total?: number },
  ) {
    super('[desire-path] ' + message)
    this.name = 'DesirePathError'
    Object.assign(this, extra)
  }
}

/** Works across iframes and bundle copies, unlike `instanceof`. */
export const isDesirePathError = (e: unknown): e is DesirePathError =>
  !!e && (e as Error).name === 'DesirePathError' && typeof (e as DesirePathError).code === 'string'
