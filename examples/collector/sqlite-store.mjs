// The collector's default store: one SQLite file (better-sqlite3 12; the 13 line needs
// Node 22). WAL mode, one transaction per batch, `messageId` the primary key (a resend is
// ignored at the door and counted), indexed by subject and time. A batch is stored whole
// or not at all; the HTTP answer comes after the transaction commits.
import Database from 'better-sqlite3'

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    message_id   TEXT PRIMARY KEY,
    subject      TEXT NOT NULL,
    anonymous_id TEXT,
    user_id      TEXT,
    type         TEXT NOT NULL,
    name         TEXT,
    stage        TEXT,
    ts           INTEGER NOT NULL,
    received_at  INTEGER NOT NULL,
    body         TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS events_subject_ts ON events (subject, ts);
  CREATE INDEX IF NOT EXISTS events_ts ON events (ts);
  CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
`

/** Opens (or creates) the store at `file`. */
export function sqliteStore(file) {
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  // a commit is on disk before the collector answers 2xx (WAL + FULL: durable at each commit)
  db.pragma('synchronous = FULL')
  db.exec(SCHEMA)
  const insert = db.prepare('INSERT OR IGNORE INTO events VALUES (@message_id, @subject, @anonymous_id, @user_id, @type, @name, @stage, @ts, @received_at, @body)')
  const bump = db.prepare('INSERT INTO counters VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET n = n + excluded.n')
  const write = db.transaction((rows) => {
    let stored = 0
    for (const r of rows) stored += insert.run(r).changes
    if (rows.length > stored) bump.run('duplicates', rows.length - stored)
    return { stored, duplicates: rows.length - stored }
  })
  return {
    file,
    /** Stores the batch's messages (validated) in one transaction: `{ stored, duplicates }`. */
    write(messages, now = Date.now()) {
      return write(messages.map((m) => row(m, now)))
    },
    count: (name, n = 1) => bump.run(name, n),
    stats() {
      const c = Object.fromEntries(db.prepare('SELECT name, n FROM counters').all().map((r) => [r.name, r.n]))
      const by = (col) => Object.fromEntries(db.prepare(`SELECT ${col} AS k, count(*) AS n FROM events GROUP BY ${col} ORDER BY n DESC`).all().map((r) => [r.k ?? '(none)', r.n]))
      const last = db.prepare('SELECT max(received_at) AS t FROM events').get().t
      return { events: db.prepare('SELECT count(*) AS n FROM events').get().n, byType: by('type'), byStage: by('stage'), duplicates: c.duplicates || 0, rejected: c.rejected || 0, lastSeen: last ? new Date(last).toISOString() : null }
    },
    /** Every stored message, in time order, one JSON text each: what `desire-path learn` reads. */
    *messages() {
      for (const r of db.prepare('SELECT body FROM events ORDER BY ts, message_id').iterate()) yield r.body
    },
    close: () => db.close(),
  }
}

/** A validated message as a row. */
function row(m, now) {
  return {
    message_id: m.messageId,
    subject: m.userId ?? m.anonymousId,
    anonymous_id: m.anonymousId ?? null,
    user_id: m.userId ?? null,
    type: m.type,
    name: m.type == 'track' ? m.event : (m.name ?? null),
    stage: m.context?.journey?.stage ?? null,
    ts: Date.parse(m.timestamp),
    received_at: now,
    body: JSON.stringify(m),
  }
}
