/** Replaced at build time (rollup) and in tests (vitest `define`) with package.json's version. */
declare const __VERSION__: string
/** the snippet's default build URL (same version, on jsDelivr) and its SRI hash, filled in by the build */
declare const __BUILD_URL__: string
declare const __BUILD_SRI__: string
/** true in the overlay's script-tag build (dist/desire-path-devtools.iife.js): it loads the validator from beside itself */
declare const __DEVTOOLS_IIFE__: boolean
