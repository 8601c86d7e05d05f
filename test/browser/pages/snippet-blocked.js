// The build never arrives (blocked, 404): the stub must go on accepting calls without
// throwing, and keep at most 1000 of them. Runs at load and again after the build failed.
const dp = window.desirePath
window.__stub = []
const burst = (n) => {
  for (let i = 0; i < n; i++) dp.track('Blocked ' + i)
  const off = dp.on('sent', () => {})
  off()
  void dp.flush()
  window.__stub.push({ queued: dp.$q.length, lost: dp.$lost, built: typeof dp.createTracker == 'function' })
}
dp.init({ endpoint: new URL('/v1/batch', location.href).href })
burst(10)
addEventListener('load', () => setTimeout(() => burst(1200), 100))
