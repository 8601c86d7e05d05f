// The product app's build: a real bundler, the way a React app on the npm package is built.
// `desire-path/...` imports resolve through the package's own "exports" map to this
// repository's build (dist/, `npm run build` first), as an installed copy would.
//   npx rollup -c examples/product-app/rollup.config.mjs   (npm run demo does it)
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import commonjs from '@rollup/plugin-commonjs'
import resolve from '@rollup/plugin-node-resolve'
import replace from '@rollup/plugin-replace'
import terser from '@rollup/plugin-terser'
import typescript from '@rollup/plugin-typescript'

const root = new URL('../../', import.meta.url)
const here = new URL('./', import.meta.url)
const { exports } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'))

/** `desire-path` and `desire-path/x` → the file the package's exports map names. */
const desirePath = {
  name: 'desire-path-exports',
  resolveId(id) {
    if (id != 'desire-path' && !id.startsWith('desire-path/')) return null
    const entry = exports['.' + id.slice('desire-path'.length)]
    if (!entry) return this.error(`desire-path has no export "${id}"`)
    return fileURLToPath(new URL(entry.import || entry.default, root))
  },
}

export default {
  input: fileURLToPath(new URL('src/main.tsx', here)),
  output: { dir: fileURLToPath(new URL('dist', here)), format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js', sourcemap: true },
  plugins: [
    desirePath,
    replace({ preventAssignment: true, values: { 'process.env.NODE_ENV': JSON.stringify('production') } }),
    resolve({ browser: true }),
    commonjs(),
    typescript({ tsconfig: fileURLToPath(new URL('tsconfig.json', here)), include: ['**/*.ts', '**/*.tsx'], filterRoot: fileURLToPath(root), noEmit: false, outDir: fileURLToPath(new URL('dist', here)), rootDir: fileURLToPath(root), sourceMap: true }),
    terser({ format: { comments: false } }),
  ],
  onwarn(w, warn) {
    // React's CommonJS build says "use client" at the top: meaningless in a bundle
    if (w.code != 'MODULE_LEVEL_DIRECTIVE') warn(w)
  },
}
