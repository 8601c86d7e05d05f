// Calls on the snippet's stub before the build arrives (the test's server holds the build
// back): init, then ten that each make an event. Each call's time window is kept, so the
// test can check the replayed events carry the time of the call, not of the replay.
const dp = window.desirePath
const q = new URLSearchParams(location.search)
window.__calls = []
window.__builtBefore = typeof dp.createTracker == 'function'
const call = (name, fn) => {
  const before = Date.now()
  fn()
  window.__calls.push({ name, before, after: Date.now() })
}
call('init', () => dp.init({ endpoint: new URL('/v1/batch', location.href).href, flushAt: 1, storageKey: q.get('key') || 'dp-snippet' }))
call('page', () => dp.page({ name: 'Landing' }))
call('identify', () => dp.identify('visitor-1', { plan: 'free' }))
for (let i = 1; i <= 8; i++) call('Step ' + i, () => dp.track('Step ' + i, { i }))
window.__settled = dp.settled().then(() => 'settled')
