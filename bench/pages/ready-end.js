;(() => {
  const t1 = performance.now()
  const dp = desirePath.createTracker({ endpoint: '/v1/batch', storageKey: 'bench-ready', flushInterval: 3_600_000 })
  const t2 = performance.now()
  dp.track('First Event', { plan: 'pro' })
  const t3 = performance.now()
  window.__ready = { loadMs: t1 - window.__t0, createMs: t2 - t1, readyMs: t2 - window.__t0, firstTrackMs: t3 - t2, temporal: typeof Temporal != 'undefined' }
})()
