import { createTwoFilesPatch } from 'diff';
import { statement, type Db } from './db.js';

export type AuditAction = 'create' | 'update' | 'delete' | 'enable' | 'disable' | 'hand_edit' | 'hand_delete';

export const AUDIT_ACTIONS: readonly AuditAction[] = ['create', 'update', 'delete', 'enable', 'disable', 'hand_edit', 'hand_delete'];

/** One row of `flow_audit`, with `before` and `after` parsed back from JSON. */
export interface AuditRow {
  id: number;
  flow_id: string;
  action: AuditAction;
  operator: string;
  /** ISO 8601 UTC. */
  at: string;
  before: unknown;
  after: unknown;
  diff: string;
  commit: string | null;
}

export type NewAuditRow = Omit<AuditRow, 'id'>;

/** Inserts one audit row and returns its id. */
export function insertAuditRow(db: Db, row: NewAuditRow): number {
  const result = statement(db,
    `INSERT INTO flow_audit (flow_id, action, operator, at, before, after, diff, "commit")
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    row.flow_id, row.action, row.operator, row.at,
    row.before === null ? null : JSON.stringify(row.before),
    row.after === null ? null : JSON.stringify(row.after),
    row.diff, row.commit,
  );
  return Number(result.lastInsertRowid);
}

/** Deletes one audit row: the undo of a flow change whose last step failed. */
export function deleteAuditRow(db: Db, id: number): void {
  statement(db, `DELETE FROM flow_audit WHERE id = ?`).run(id);
}

/** Lists a flow's audit rows, newest first; `beforeId` pages to older rows. */
export function listAuditRows(db: Db, flowId: string, options: { limit?: number; beforeId?: number } = {}): AuditRow[] {
  const rows = statement(db,
    `SELECT * FROM flow_audit WHERE flow_id = ? AND id < ? ORDER BY id DESC LIMIT ?`,
  ).all(flowId, options.beforeId ?? Number.MAX_SAFE_INTEGER, options.limit ?? 100) as StoredRow[];
  return rows.map(parseRow);
}

/** Returns the audit rows that name `commit`. */
export function findAuditRowsByCommit(db: Db, commit: string): AuditRow[] {
  return (statement(db, `SELECT * FROM flow_audit WHERE "commit" = ? ORDER BY id`).all(commit) as StoredRow[]).map(parseRow);
}

/** Returns every flow's newest audit row. */
export function listLatestAuditRows(db: Db): AuditRow[] {
  const rows = statement(db,
    `SELECT * FROM flow_audit WHERE id IN (SELECT max(id) FROM flow_audit GROUP BY flow_id) ORDER BY flow_id`,
  ).all() as StoredRow[];
  return rows.map(parseRow);
}

/** Returns the set of commit shas that audit rows name. */
export function listAuditedCommits(db: Db): Set<string> {
  const rows = statement(db, `SELECT DISTINCT "commit" AS sha FROM flow_audit WHERE "commit" IS NOT NULL`).all() as { sha: string }[];
  return new Set(rows.map((row) => row.sha));
}

type StoredRow = Omit<AuditRow, 'before' | 'after'> & { before: string | null; after: string | null };

function parseRow(row: StoredRow): AuditRow {
  return {
    ...row,
    before: row.before === null ? null : JSON.parse(row.before),
    after: row.after === null ? null : JSON.parse(row.after),
  };
}

/** The `before`, `after` and `diff` columns for a change of one flow file. */
export interface AuditChange {
  before: unknown;
  after: unknown;
  diff: string;
}

/**
 * Describes the change of `<flowId>.json` from `beforeText` to `afterText` (null: no file).
 * A file that parses as JSON is stored as that document and diffed as its pretty JSON (two
 * spaces), so the diff shows content changes and not a reformatting. A file that does not
 * parse is stored as a JSON string of its text and diffed as it is.
 */
export function describeFileChange(flowId: string, beforeText: string | null, afterText: string | null): AuditChange {
  const before = readDocument(beforeText);
  const after = readDocument(afterText);
  const name = `${flowId}.json`;
  const diff = createTwoFilesPatch(
    beforeText === null ? '/dev/null' : `a/${name}`,
    afterText === null ? '/dev/null' : `b/${name}`,
    before.pretty,
    after.pretty,
    undefined,
    undefined,
    { context: 3 },
  );
  return { before: before.value, after: after.value, diff };
}

function readDocument(text: string | null): { value: unknown; pretty: string } {
  if (text === null) return { value: null, pretty: '' };
  try {
    const value: unknown = JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
    return { value, pretty: `${JSON.stringify(value, null, 2)}\n` };
  } catch {
    return { value: text, pretty: text };
  }
}
