import { readFileSync } from 'node:fs'
import typescript from '@rollup/plugin-typescript'
import resolve from '@rollup/plugin-node-resolve'
import replace from '@rollup/plugin-replace'
import terser from '@rollup/plugin-terser'

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'))
// OUT=dir builds elsewhere (a second build beside dist/, to compare)
const out = process.env.OUT || 'dist'
/** where the build's SRI hash goes in the snippet, until scripts/integrity.mjs puts it there */
export const SRI = 'sha384-(filled in by scripts/integrity.mjs)'
const define = (iife = false) => replace({ preventAssignment: true, values: { __VERSION__: JSON.stringify(version), __DEVTOOLS_IIFE__: String(iife) } })
/**
 * `$` members of the core's plugin interface (core/types.ts, Core and Plugin) cross chunks
 * of the ESM build, so there they keep their names; a script-tag file is one bundle, where
 * they are mangled too (`$q`, `$dp`, `$lost`: the snippet's, never).
 */
const PLUGIN = /^(_[a-z]|\$(derive|emit|report|context|key|idb|now|doc|win|BC|loc|has|event|journey|settled|stage|stop|listen|plugin|session)$)/i
const minify = (props = /^_[a-z]/i) =>
  terser({
    ecma: 2020,
    module: true,
    compress: { passes: 3, unsafe_arrows: true, unsafe_methods: true, pure_getters: true, booleans_as_integers: false, reduce_funcs: false },
    // `_x` members are internal (tagged @internal): mangled to one or two letters
    mangle: { properties: { regex: props } },
    format: { comments: false, beautify: !!process.env.PRETTY },
  })

export default [
  // ESM for bundlers: idb stays external (deduped with the host's copy), types emitted beside.
  {
    input: { index: 'src/entries/index.ts', journey: 'src/entries/journey.ts', nudges: 'src/entries/nudges.ts', validate: 'src/entries/validate.ts', devtools: 'src/entries/devtools.ts', vitals: 'src/entries/vitals.ts', consent: 'src/entries/consent.ts', react: 'src/entries/react.ts' },
    output: { dir: out, format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js', sourcemap: true },
    external: ['idb', 'web-vitals', 'react'],
    plugins: [define(), typescript({ tsconfig: './tsconfig.json', outDir: out, declaration: true, declarationDir: out, sourceMap: true, inlineSources: true }), minify()],
  },
  // Script tag: one self-contained file defining window.desirePath, idb bundled.
  {
    input: 'src/entries/iife.ts',
    output: { file: out + '/desire-path.iife.js', format: 'iife', sourcemap: true },
    plugins: [define(), resolve(), typescript({ tsconfig: './tsconfig.json', outDir: out, declaration: false, sourceMap: true, inlineSources: true }), minify(PLUGIN)],
  },
  // Script tag, optional: the default nudge renderer, adding window.desirePath.renderNudges.
  {
    input: 'src/entries/nudges-iife.ts',
    output: { file: out + '/desire-path-nudges.iife.js', format: 'iife', sourcemap: true },
    plugins: [typescript({ tsconfig: './tsconfig.json', outDir: out, declaration: false, sourceMap: true, inlineSources: true }), minify()],
  },
  // Script tag, on demand: the devtools overlay, loaded by desire-path.iife.js (URL flag
  // ?desire-path-devtools, Ctrl/⌘+Shift+Y, desirePath.devtools()); never part of it.
  {
    input: 'src/entries/devtools-iife.ts',
    output: { file: out + '/desire-path-devtools.iife.js', format: 'iife', sourcemap: true },
    plugins: [define(true), typescript({ tsconfig: './tsconfig.json', outDir: out, declaration: false, sourceMap: true, inlineSources: true }), minify()],
  },
  // The snippet pasted into <head> (README): a stub that loads desire-path.iife.js async. Its
  // SRI hash of that build is filled in after it is built (scripts/integrity.mjs).
  {
    input: 'src/entries/snippet.ts',
    output: { file: out + '/snippet.min.js', format: 'es' },
    plugins: [
      replace({ preventAssignment: true, values: { __BUILD_URL__: JSON.stringify(`https://cdn.jsdelivr.net/npm/desire-path@${version}/dist/desire-path.iife.js`), __BUILD_SRI__: JSON.stringify(SRI) } }),
      typescript({ tsconfig: './tsconfig.json', outDir: out, declaration: false }),
      terser({ ecma: 2020, toplevel: true, compress: { passes: 3, unsafe_arrows: true }, format: { comments: false } }),
    ],
  },
  // Node only, never in a browser bundle: the CLI (run by bin/desire-path.mjs), the learner
  // (desire-path/learn) and its worker thread. Not minified, so their stack traces read.
  {
    input: { cli: 'src/entries/cli.ts', learn: 'src/entries/learn.ts', 'learn-worker': 'src/entries/learn-worker.ts' },
    output: { dir: out, format: 'es', entryFileNames: '[name].js', chunkFileNames: 'node-[name]-[hash].js' },
    external: [/^node:/],
    plugins: [define(), typescript({ tsconfig: './tsconfig.node.json', outDir: out, declaration: true, declarationDir: out })],
  },
]
