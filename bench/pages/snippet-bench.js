// The snippet benchmark's page script, run right after the inline snippet (the build is held
// back by the server): the snippet's own run time (between the marks around it), the cost of a
// call on the stub, and, once the build arrives, how long it takes to replay the kept calls.
const dp = window.desirePath
const N = 1000
dp.init({ endpoint: '/v1/batch', storageKey: 'bench-snippet-' + Math.random() })
const t2 = performance.now()
for (let i = 0; i < N; i++) dp.track('Kept ' + i, { i })
const t3 = performance.now()
let trackerAt = 0
const kept = dp.$q
Object.defineProperty(dp, 'tracker', {
  configurable: true,
  set(v) {
    trackerAt = performance.now()
    Object.defineProperty(dp, 'tracker', { value: v, writable: true, configurable: true })
  },
})
const build = document.querySelector('script[src*="desire-path.iife.js"]')
build.addEventListener('load', () => {
  window.__snippetBench = { snippetMs: window.__t1 - window.__t0, perCallUs: ((t3 - t2) * 1000) / N, kept: kept.length, replayMs: performance.now() - trackerAt }
})
