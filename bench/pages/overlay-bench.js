// The overlay benchmark's page: frame callbacks are timed (requestAnimationFrame wrapped
// before the overlay exists), then 20 events a second for 5 s with the overlay open, and
// again collapsed; and the cost of track() with and without it.
const raf = window.requestAnimationFrame.bind(window)
let times = []
window.requestAnimationFrame = (cb) =>
  raf((t) => {
    const s = performance.now()
    cb(t)
    times.push(performance.now() - s)
  })
const dp = window.desirePath.createTracker({ endpoint: '/v1/batch', storageKey: 'bench-overlay', journey: { id: 'b', version: '1', stages: [{ id: 'visitor', entry: { all: [] } }, { id: 'active', entry: { event: { name: 'Tick 10' } } }] } })
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const perCall = (n) => {
  const t0 = performance.now()
  for (let i = 0; i < n; i++) dp.track('Bare', { i })
  return ((performance.now() - t0) * 1000) / n
}
const phase = async () => {
  times = []
  for (let i = 0; i < 100; i++) {
    dp.track('Tick ' + i)
    await sleep(50)
  }
  const s = [...times].sort((a, b) => a - b)
  return { frames: s.length, medianMs: s[s.length >> 1] ?? 0, maxMs: s[s.length - 1] ?? 0, totalMs: s.reduce((a, b) => a + b, 0) }
}
;(async () => {
  await dp.settled()
  perCall(2000) // warm
  const trackBareUs = perCall(2000)
  const s = document.createElement('script')
  s.src = '/dist/desire-path-devtools.iife.js'
  await new Promise((r) => ((s.onload = r), document.head.append(s)))
  const detach = window.desirePath.attachDevtools(dp, { storage: null })
  await sleep(500)
  const open = await phase()
  const trackOpenUs = perCall(2000)
  document.querySelector('desire-path-devtools').shadowRoot.querySelector('[data-dp="collapse"]').click()
  await sleep(500)
  const collapsed = await phase()
  detach()
  window.__overlayBench = { open, collapsed, trackOpenUs, trackBareUs }
})()
