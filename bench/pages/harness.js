// Page side of the benchmark: every measurement is one function on window.bench,
// called by bench/run.mjs with page.evaluate. Plain script (no modules, no build step).
;(() => {
  'use strict'
  const dp_ = () => window.desirePath

  // Long tasks are recorded from page load on; each measurement picks its own window.
  const longtasks = []
  let longtaskError
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) longtasks.push({ start: e.startTime, duration: e.duration })
    }).observe({ type: 'longtask', buffered: true })
  } catch (e) {
    longtaskError = String(e)
  }

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
  // Realistic small properties: 5 fields, strings and numbers, values varying per call.
  const PLANS = ['free', 'pro', 'team']
  const props = (i) => ({ plan: PLANS[i % 3], step: i, source: 'pricing-page', variant: i & 1 ? 'B' : 'A', price: 12.5 + (i % 7) })

  // Smallest observable step of performance.now(), in µs.
  const timerResolution = () => {
    let min = Infinity
    for (let k = 0; k < 50; k++) {
      const a = performance.now()
      let b
      while ((b = performance.now()) === a);
      min = Math.min(min, b - a)
    }
    return min * 1000
  }

  // A second connection to the tracker's database (opened once it exists), to count what is persisted.
  const openRaw = (name) =>
    new Promise((resolve, reject) => {
      const req = indexedDB.open(name)
      req.onupgradeneeded = () => reject(new Error(`database ${name} did not exist yet`))
      req.onsuccess = () => resolve(req.result)
      req.onerror = () => reject(req.error)
    })
  const countEvents = (db) =>
    new Promise((resolve, reject) => {
      const req = db.transaction('events', 'readonly').objectStore('events').count()
      req.onsuccess = () => resolve(req.result)
      req.onerror = () => reject(req.error)
    })

  // Counts 'sent' events per tracker; waitSent(n) resolves when n more were acknowledged.
  const watch = (dp) => {
    const w = { sent: 0, errors: {}, dropped: 0, waiters: [] }
    dp.on('sent', ({ count }) => {
      w.sent += count
      w.waiters = w.waiters.filter(([n, resolve]) => (w.sent >= n ? (resolve(performance.now()), false) : true))
    })
    dp.on('error', (e) => (w.errors[e.code] = (w.errors[e.code] || 0) + 1))
    dp.on('dropped', ({ count }) => (w.dropped += count))
    w.until = (n, timeout) =>
      new Promise((resolve, reject) => {
        if (w.sent >= n) return resolve(performance.now())
        w.waiters.push([n, resolve])
        setTimeout(() => reject(new Error(`only ${w.sent} of ${n} events acknowledged after ${timeout} ms`)), timeout)
      })
    return w
  }

  window.bench = {
    info: () => ({ crossOriginIsolated: window.crossOriginIsolated, timerResolutionUs: timerResolution(), userAgent: navigator.userAgent, longtaskError }),

    /** Checks that the long-task observer works here: a 70 ms busy loop must be reported. */
    async longtaskSelfTest() {
      const t0 = performance.now()
      while (performance.now() - t0 < 70);
      await sleep(200)
      return longtasks.filter((e) => e.start >= t0 - 1).map((e) => e.duration)
    },

    /**
     * Figure 1. Rounds of `perRound` synchronous track() calls, each round timed with
     * performance.now(); the figure is the distribution of per-call means over rounds.
     * Rounds are separate tasks (a setTimeout(0) between them), so the tracker's own
     * background work (IndexedDB writes, sends) runs between rounds as on a real page.
     */
    async trackRounds({ endpoint, storageKey, warmupRounds, rounds, perRound }) {
      const dp = desirePath.createTracker({ endpoint, storageKey })
      const w = watch(dp)
      await dp.flush()
      let i = 0
      const round = () => {
        const t0 = performance.now()
        for (let j = 0; j < perRound; j++) dp.track('Plan Selected', props(i++))
        return performance.now() - t0
      }
      for (let r = 0; r < warmupRounds; r++) {
        round()
        await sleep(0)
      }
      const meansUs = []
      for (let r = 0; r < rounds; r++) {
        meansUs.push((round() * 1000) / perRound)
        await sleep(0)
      }
      await dp.shutdown()
      return { meansUs, calls: i, sent: w.sent, errors: w.errors, dropped: w.dropped }
    },

    /** Figures 2 and 3: one synchronous loop of n track() calls, then poll until all are in IndexedDB. */
    async burstPersist({ endpoint, storageKey, n, warmup }) {
      const opts = { endpoint, flushAt: 1e6, flushInterval: 3_600_000 } // nothing is sent during the run
      // Warm the code paths (JIT) on a tracker with its own database, so the burst measures steady-state code.
      const warm = desirePath.createTracker({ ...opts, storageKey: storageKey + '-warmup' })
      await warm.flush()
      const warmDb = await openRaw(storageKey + '-warmup')
      for (let i = 0; i < warmup; i++) warm.track('Warm Up', props(i))
      while ((await countEvents(warmDb)) < warmup) await sleep(5)
      warmDb.close()

      const dp = desirePath.createTracker({ ...opts, storageKey })
      const w = watch(dp)
      await dp.flush() // database opened and created, first (empty) flush done
      const db = await openRaw(storageKey)
      await sleep(100)

      const t0 = performance.now()
      for (let i = 0; i < n; i++) dp.track('Burst Event', props(i))
      const t1 = performance.now()
      let count = 0
      let polls = 0
      while ((count = await countEvents(db)) < n && performance.now() - t0 < 30_000) {
        polls++
        await sleep(2)
      }
      const t2 = performance.now()
      db.close()
      await sleep(300) // long-task entries are delivered after the task ends
      const during = longtasks.filter((e) => e.start + e.duration >= t0 && e.start <= t2).map((e) => ({ startMs: e.start - t0, durationMs: e.duration }))
      return { loopMs: t1 - t0, persistMs: t2 - t0, count, polls, longtasks: during, sent: w.sent, errors: w.errors, dropped: w.dropped }
    },

    /** Figures 4 and 5, step 1: a tracker with default batching, warmed up with `warmup` delivered events. */
    async deliverySetup({ endpoint, storageKey, warmup }) {
      const dp = (window.__dp = desirePath.createTracker({ endpoint, storageKey }))
      const w = (window.__w = watch(dp))
      await dp.flush()
      for (let i = 0; i < warmup; i++) dp.track('Warm Up', props(i))
      await w.until(warmup, 20_000)
      await sleep(200)
      return { sent: w.sent }
    },

    /** Step 2: n track() calls in one loop; resolves when the tracker saw all n acknowledged. */
    async deliveryBurst({ n }) {
      const dp = window.__dp
      const w = window.__w
      const target = w.sent + n
      const epochMs = Date.now() // compared with the collector's Date.now() stamps
      const t0 = performance.now()
      for (let i = 0; i < n; i++) dp.track('Burst Event', props(i))
      const loopMs = performance.now() - t0
      const ackedMs = (await w.until(target, 20_000)) - t0
      await sleep(300) // let the tracker go idle (post-ack deletes, timers)
      return { epochMs, loopMs, ackedMs, sent: w.sent, errors: w.errors, dropped: w.dropped }
    },
  }
})()
