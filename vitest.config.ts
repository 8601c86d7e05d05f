import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'))
// DIST=1 reruns the suite against the minified build (mangled `_` members and all).
const dist = !!process.env.DIST

export default defineConfig({
  // the snippet's build URL and SRI hash: in tests, a build that never loads (jsdom loads no scripts)
  define: { __VERSION__: JSON.stringify(version), __BUILD_URL__: JSON.stringify('https://cdn.test/desire-path.iife.js'), __BUILD_SRI__: JSON.stringify('sha384-test'), __DEVTOOLS_IIFE__: 'false' },
  resolve: {
    alias: dist
      ? [
          { find: /^(\.\.\/)+src\/entries\/index\.js$/, replacement: fileURLToPath(new URL('./dist/index.js', import.meta.url)) },
          { find: /^(\.\.\/)+src\/entries\/journey\.js$/, replacement: fileURLToPath(new URL('./dist/journey.js', import.meta.url)) },
        ]
      : [],
  },
  test: {
    environment: 'jsdom',
    // test/build/ inspects the built files: only with DIST=1, after the build
    include: dist ? ['test/*.test.ts', 'test/build/*.test.ts'] : ['test/**/*.test.ts'],
    exclude: ['test/browser/**', 'node_modules/**', ...(dist ? [] : ['test/build/**'])],
    setupFiles: ['test/setup.ts'],
    testTimeout: 15_000,
  },
})
