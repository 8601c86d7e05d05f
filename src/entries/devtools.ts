// desire-path/devtools: the devtools overlay. Never part of the tracker's bundles: import
// it on demand (`await import('desire-path/devtools')`) where you want it.
export { attachDevtools } from '../devtools/attach.js'
export type { DevtoolsOptions, DetachDevtools } from '../devtools/attach.js'
