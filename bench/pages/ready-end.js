// Figure 6: from the moment the SDK's script arrived (its resource timing responseEnd: the
// download is the network's, not the SDK's) to a ready tracker, then the first track().
;(() => {
  const t1 = performance.now()
  const dp = desirePath.createTracker({ endpoint: '/v1/batch', storageKey: 'bench-ready', flushInterval: 3_600_000 })
  const t2 = performance.now()
  dp.track('First Event', { plan: 'pro' })
  const t3 = performance.now()
  const sdk = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/dist/desire-path.iife.js'))
  const t0 = sdk ? sdk.responseEnd : window.__t0
  window.__ready = { loadMs: t1 - t0, createMs: t2 - t1, readyMs: t2 - t0, firstTrackMs: t3 - t2, temporal: typeof Temporal != 'undefined' }
})()
