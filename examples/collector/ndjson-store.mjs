// The collector's other store (`--store ndjson`): one NDJSON file, appended a batch at a
// time and synced before the answer; the messageIds already in the file are known at
// start, so resends are still dropped at the door.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs'

export function ndjsonStore(file) {
  const seen = new Set()
  const counters = { duplicates: 0, rejected: 0 }
  const byType = {}
  const byStage = {}
  let last = null
  const note = (m) => {
    byType[m.type] = (byType[m.type] || 0) + 1
    const s = m.context?.journey?.stage ?? '(none)'
    byStage[s] = (byStage[s] || 0) + 1
  }
  if (existsSync(file))
    for (const line of readFileSync(file, 'utf8').split('\n'))
      if (line) {
        let m
        try {
          m = JSON.parse(line)
        } catch {
          continue // the tail of a write a crash cut short: never acknowledged
        }
        seen.add(m.messageId)
        note(m)
      }
  const fd = openSync(file, 'a')
  return {
    file,
    write(messages, now = Date.now()) {
      const fresh = messages.filter((m) => !seen.has(m.messageId) && seen.add(m.messageId))
      if (fresh.length) {
        writeSync(fd, fresh.map((m) => JSON.stringify(m) + '\n').join(''))
        fsyncSync(fd)
        fresh.forEach(note)
        last = now
      }
      counters.duplicates += messages.length - fresh.length
      return { stored: fresh.length, duplicates: messages.length - fresh.length }
    },
    count: (name, n = 1) => (counters[name] = (counters[name] || 0) + n),
    stats: () => ({ events: seen.size, byType, byStage, ...counters, lastSeen: last ? new Date(last).toISOString() : null }),
    *messages() {
      for (const line of readFileSync(file, 'utf8').split('\n')) if (line) yield line
    },
    close: () => closeSync(fd),
  }
}
