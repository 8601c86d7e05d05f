// Page side of the benchmark: every measurement is one function on window.bench,
// called by bench/run.mjs with page.evaluate. Plain script (no modules, no build step).
;(() => {
  'use strict'

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
  // A new tracker flushes min(flushInterval, 1 s) after creation (events left by earlier
  // loads); measurements start after that, so they see steady-state behaviour only.
  const STARTUP_FLUSH_MS = 1000
  const pastStartup = (createdAt) => sleep(Math.max(0, createdAt + STARTUP_FLUSH_MS + 150 - performance.now()))
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

  // IndexedDB instrumentation, to see persistence without disturbing it (polling count() on a
  // second connection would queue read transactions between the tracker's writes and slow them):
  // put() calls are counted per transaction and credited to the database when it commits.
  // Cost: a property increment per put.
  const idbLog = new Map() // database name -> { committed, txs: [{ start, end, puts }], waiters }
  const dbLog = (name) => {
    if (!idbLog.has(name)) idbLog.set(name, { committed: 0, txs: [], waiters: [] })
    return idbLog.get(name)
  }
  const nativeTransaction = IDBDatabase.prototype.transaction
  IDBDatabase.prototype.transaction = function (...a) {
    const t = nativeTransaction.apply(this, a)
    if (a[1] == 'readwrite') {
      const log = dbLog(this.name)
      const start = performance.now()
      t.__puts = 0
      t.addEventListener('complete', () => {
        const end = performance.now()
        log.committed += t.__puts
        log.txs.push({ start, end, puts: t.__puts })
        log.waiters = log.waiters.filter(([n, resolve]) => (log.committed >= n ? (resolve(end), false) : true))
      })
    }
    return t
  }
  const nativePut = IDBObjectStore.prototype.put
  IDBObjectStore.prototype.put = function (...a) {
    // rows are pages of events: count the events in each
    if (this.name == 'events') this.transaction.__puts += a[0]?.r?.length ?? 1
    return nativePut.apply(this, a)
  }
  /** Resolves with the commit time of the transaction that brought `name`'s puts to n. */
  const committed = (name, n, timeout) =>
    new Promise((resolve, reject) => {
      const log = dbLog(name)
      if (log.committed >= n) return resolve(performance.now())
      log.waiters.push([n, resolve])
      setTimeout(() => reject(new Error(`only ${log.committed} of ${n} events committed to ${name} after ${timeout} ms`)), timeout)
    })
  // One count() on a second connection, to check the result once it is done.
  const countEvents = (name) =>
    new Promise((resolve, reject) => {
      const req = indexedDB.open(name)
      req.onupgradeneeded = () => reject(new Error(`database ${name} did not exist`))
      req.onerror = () => reject(req.error)
      req.onsuccess = () => {
        const db = req.result
        const c = db.transaction('events', 'readonly').objectStore('events').getAll()
        c.onsuccess = () => (db.close(), resolve(c.result.reduce((n, p) => n + (p.r ? p.r.length : 1), 0)))
        c.onerror = () => (db.close(), reject(c.error))
      }
    })

  // Counts a tracker's 'sent' events (and errors, drops); until(n) resolves once n were acknowledged in all.
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

    /** Main-thread cost of createTracker(): the first call in a fresh page, then a second one. */
    createCost({ endpoint }) {
      const t0 = performance.now()
      const a = desirePath.createTracker({ endpoint, storageKey: 'create-cost-1', flushInterval: 3_600_000 })
      const t1 = performance.now()
      const b = desirePath.createTracker({ endpoint, storageKey: 'create-cost-2', flushInterval: 3_600_000 })
      const t2 = performance.now()
      void a.shutdown()
      void b.shutdown()
      return { firstMs: t1 - t0, secondMs: t2 - t1 }
    },

    /** Checks that the long-task observer works here: a 70 ms busy loop must be reported. */
    async longtaskSelfTest() {
      await sleep(0) // in a task of the page's own (not the DevTools evaluate that called us)
      const t0 = performance.now()
      while (performance.now() - t0 < 70);
      await sleep(200)
      // a long task's start is its task's start, a little before t0
      return longtasks.filter((e) => e.start + e.duration >= t0).map((e) => e.duration)
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

    /** Figures 2 and 3: one synchronous loop of n track() calls, then until all n are committed to IndexedDB. */
    async burstPersist({ endpoint, storageKey, n, warmup }) {
      const opts = { endpoint, flushAt: 1e6, flushInterval: 3_600_000 } // nothing is sent during the run
      // Warm the code paths (JIT) on a tracker with its own database, so the burst measures steady-state code.
      const warm = desirePath.createTracker({ ...opts, storageKey: storageKey + '-warmup' })
      for (let i = 0; i < warmup; i++) warm.track('Warm Up', props(i))
      await committed(storageKey + '-warmup', warmup, 20_000)
      await warm.shutdown() // sends its events (warming that path too) and stops its timers

      const createdAt = performance.now()
      const dp = desirePath.createTracker({ ...opts, storageKey })
      const w = watch(dp)
      await dp.flush() // database opened and created, first (empty) flush done
      await pastStartup(createdAt)

      const log = dbLog(storageKey)
      const before = log.txs.length
      const t0 = performance.now()
      for (let i = 0; i < n; i++) dp.track('Burst Event', props(i))
      const t1 = performance.now()
      const t2 = await committed(storageKey, n, 30_000)
      await sleep(300) // long-task entries are delivered after the task ends
      const count = await countEvents(storageKey)
      const txs = log.txs.slice(before).map((t) => ({ startMs: t.start - t0, durationMs: t.end - t.start, puts: t.puts }))
      const during = longtasks.filter((e) => e.start + e.duration >= t0 && e.start <= t2).map((e) => ({ startMs: e.start - t0, durationMs: e.duration }))
      return { loopMs: t1 - t0, persistMs: t2 - t0, count, txs, longtasks: during, sent: w.sent, errors: w.errors, dropped: w.dropped }
    },

    /**
     * Figure 7: a flood of n track() calls in chunks of `chunk` (a setTimeout(0) between
     * chunks), default options, a healthy collector; until the tracker saw all n acknowledged.
     */
    async flood({ endpoint, storageKey, n, chunk, timeout }) {
      const createdAt = performance.now()
      const dp = desirePath.createTracker({ endpoint, storageKey })
      const w = watch(dp)
      const codes = []
      dp.on('error', (e) => codes.length < 20 && codes.push(e.code + ': ' + e.message))
      await dp.flush()
      await pastStartup(createdAt)
      const epochMs = Date.now()
      const t0 = performance.now()
      let i = 0
      while (i < n) {
        for (const end = Math.min(n, i + chunk); i < end; ) dp.track('Flood Event', props(i++))
        await sleep(0)
      }
      const loopMs = performance.now() - t0
      let ackedMs = NaN
      try {
        ackedMs = (await w.until(n, timeout)) - t0
      } catch {
        /* reported as not all acknowledged */
      }
      await sleep(300) // long-task entries are delivered after the task ends
      const during = longtasks.filter((e) => e.start + e.duration >= t0).map((e) => ({ startMs: e.start - t0, durationMs: e.duration }))
      await dp.shutdown()
      const txs = dbLog(storageKey).txs.filter((t) => t.end >= t0)
      const sum = (xs) => Math.round(xs.reduce((a, t) => a + (t.end - t.start), 0))
      const writes = txs.filter((t) => t.puts)
      const idb = { writes: writes.length, writeMs: sum(writes), others: txs.length - writes.length, otherMs: sum(txs.filter((t) => !t.puts)) }
      return { epochMs, loopMs, ackedMs, idb, longtasks: during, sent: w.sent, errors: w.errors, dropped: w.dropped, messages: codes }
    },

    /** Figures 4 and 5, step 1: a tracker with default batching, warmed up with `warmup` delivered events. */
    async deliverySetup({ endpoint, storageKey, warmup, compression }) {
      const createdAt = performance.now()
      const dp = (window.__dp = desirePath.createTracker({ endpoint, storageKey, ...(compression && { compression }) }))
      const w = (window.__w = watch(dp))
      for (let i = 0; i < warmup; i++) dp.track('Warm Up', props(i))
      await w.until(warmup, 20_000)
      await pastStartup(createdAt)
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
