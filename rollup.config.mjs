import { readFileSync } from 'node:fs'
import typescript from '@rollup/plugin-typescript'
import resolve from '@rollup/plugin-node-resolve'
import replace from '@rollup/plugin-replace'
import terser from '@rollup/plugin-terser'

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'))
// OUT=dir builds elsewhere (a second build beside dist/, to compare)
const out = process.env.OUT || 'dist'
const define = () => replace({ preventAssignment: true, values: { __VERSION__: JSON.stringify(version) } })
const minify = () =>
  terser({
    ecma: 2020,
    module: true,
    compress: { passes: 3, unsafe_arrows: true, unsafe_methods: true, pure_getters: true, booleans_as_integers: false, reduce_funcs: false },
    // `_x` members are internal (tagged @internal): mangled to one or two letters
    mangle: { properties: { regex: /^_[a-z]/i } },
    format: { comments: false, beautify: !!process.env.PRETTY },
  })

export default [
  // ESM for bundlers: idb stays external (deduped with the host's copy), types emitted beside.
  {
    input: { index: 'src/entries/index.ts', journey: 'src/entries/journey.ts', nudges: 'src/entries/nudges.ts', validate: 'src/entries/validate.ts' },
    output: { dir: out, format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js', sourcemap: true },
    external: ['idb'],
    plugins: [define(), typescript({ tsconfig: './tsconfig.json', outDir: out, declaration: true, declarationDir: out, sourceMap: true, inlineSources: true }), minify()],
  },
  // Script tag: one self-contained file defining window.desirePath, idb bundled.
  {
    input: 'src/entries/iife.ts',
    output: { file: out + '/desire-path.iife.js', format: 'iife', sourcemap: true },
    plugins: [define(), resolve(), typescript({ tsconfig: './tsconfig.json', outDir: out, declaration: false, sourceMap: true, inlineSources: true }), minify()],
  },
  // Script tag, optional: the default nudge renderer, adding window.desirePath.renderNudges.
  {
    input: 'src/entries/nudges-iife.ts',
    output: { file: out + '/desire-path-nudges.iife.js', format: 'iife', sourcemap: true },
    plugins: [typescript({ tsconfig: './tsconfig.json', outDir: out, declaration: false, sourceMap: true, inlineSources: true }), minify()],
  },
  // The CLI (Node only), run by bin/desire-path.mjs: not minified, so its stack traces read.
  {
    input: 'src/entries/cli.ts',
    output: { file: out + '/cli.js', format: 'es' },
    external: [/^node:/],
    plugins: [typescript({ tsconfig: './tsconfig.node.json', outDir: out, declaration: false })],
  },
]
