import type { DefinitionError } from '../journey/validate.js'

// The full validator (3 kB of the overlay's weight) is needed only to list why a definition
// was refused: it is loaded then, not with the overlay. The npm build imports its chunk; the
// script-tag build (one file, no chunks) imports dist/validate.js from beside itself.

type Check = (doc: unknown) => DefinitionError[]
let check: Check | undefined
let loading: Promise<void> | undefined
let failed = ''

/** Where the script-tag build's own file is (set by entries/devtools-iife.ts): validate.js is beside it. */
export const beside = { url: '' }

/**
 * `definitionErrors`, once loaded; until then undefined, and `done()` is called when it is
 * (or failed: `validatorFailed()` says why).
 */
export function validator(done: () => void): Check | undefined {
  loading ||= (__DEVTOOLS_IIFE__ ? import(/* a URL known at run time */ beside.url.replace(/[^/?#]*([?#].*)?$/, 'validate.js')) : import('../journey/validate.js')).then(
    (m: { definitionErrors: Check }) => void (check = m.definitionErrors),
    (e) => void (failed = 'The validator did not load: ' + e),
  )
  void loading.then(done)
  return check
}

export const validatorFailed = () => failed
