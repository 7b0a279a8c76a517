import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';

export type Db = Database.Database;

/** Each entry moves the schema one version up; entries are never edited once shipped. */
const MIGRATIONS: string[] = [
  `
  CREATE TABLE deliveries (
    source      TEXT NOT NULL,
    id          TEXT NOT NULL,
    event_key   TEXT NOT NULL,
    received_at TEXT NOT NULL,
    runs        TEXT NOT NULL,
    PRIMARY KEY (source, id)
  );
  CREATE TABLE runs (
    id            TEXT PRIMARY KEY,
    flow_id       TEXT NOT NULL,
    flow_version  TEXT NOT NULL,
    event_id      TEXT NOT NULL,
    source        TEXT NOT NULL,
    event_key     TEXT NOT NULL,
    status        TEXT NOT NULL,
    trace         TEXT,
    error         TEXT,
    queued_at     TEXT NOT NULL,
    started_at    TEXT,
    finished_at   TEXT,
    duration_ms   REAL
  );
  CREATE TABLE budget_spend (
    flow_id TEXT NOT NULL,
    at_ms   INTEGER NOT NULL
  );
  CREATE INDEX budget_spend_by_flow ON budget_spend (flow_id, at_ms);
  CREATE TABLE flow_audit (
    id       INTEGER PRIMARY KEY,
    flow_id  TEXT NOT NULL,
    action   TEXT NOT NULL CHECK (action IN ('create','update','delete','enable','disable','hand_edit','hand_delete')),
    operator TEXT NOT NULL,
    at       TEXT NOT NULL,
    before   TEXT,
    after    TEXT,
    diff     TEXT NOT NULL,
    "commit" TEXT
  );
  CREATE INDEX flow_audit_by_flow ON flow_audit (flow_id, id);
  `,
];

/** Opens (and creates or migrates) the SQLite database in WAL mode. */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // NORMAL keeps WAL durable across a process crash; only an OS crash can lose the last commits.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

const statementCache = new WeakMap<Db, Map<string, Database.Statement>>();

/** Returns a prepared statement for `sql`, prepared once per database handle. */
export function statement(db: Db, sql: string): Database.Statement {
  let cache = statementCache.get(db);
  if (!cache) {
    cache = new Map();
    statementCache.set(db, cache);
  }
  let prepared = cache.get(sql);
  if (!prepared) {
    prepared = db.prepare(sql);
    cache.set(sql, prepared);
  }
  return prepared;
}

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
