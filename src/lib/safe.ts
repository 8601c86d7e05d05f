/** `fn()`, or undefined when it throws: storage blocked, a sandboxed frame, a closed channel... */
export const safe = <T>(fn: () => T): T | undefined => {
  try {
    return fn()
  } catch {
    return undefined
  }
}

/** An injected platform piece: `null` means "none", undefined the real default (`d()`, if it doesn't throw). */
export const piece = <T>(v: T | null | undefined, d: () => T | undefined): T | undefined => (v === null ? undefined : (v ?? safe(d)))
