// A worker thread of `desire-path learn` (dist/learn-worker.js): runs one task of the
// run (learn/run.ts) and posts back its result, or its error.
import { parentPort, workerData } from 'node:worker_threads'
import { ReadError } from '../learn/read.js'
import { work, type Task } from '../learn/run.js'

try {
  parentPort!.postMessage({ ok: await work(workerData as Task) })
} catch (e) {
  parentPort!.postMessage({ error: String((e as Error).message || e), read: e instanceof ReadError })
}
