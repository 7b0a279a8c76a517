import { createTwoFilesPatch } from 'diff';
import type { Flow } from '../flow/model.js';
import { statement, type Db } from '../store/db.js';

export interface HandEditRow {
  flowId: string;
  action: 'hand_edit' | 'hand_delete';
  operator: string;
  at: string;
  before: Flow | null;
  after: Flow | null;
  commit: string | null;
}

/**
 * Inserts the `flow_audit` row of one hand edit or hand deletion, with the unified diff
 * between the flow's pretty JSON before and after (an absent side diffs as empty).
 */
export function insertHandEditRow(db: Db, row: HandEditRow): number {
  const beforeText = row.before ? `${JSON.stringify(row.before, null, 2)}\n` : '';
  const afterText = row.after ? `${JSON.stringify(row.after, null, 2)}\n` : '';
  const file = `${row.flowId}.json`;
  const diff = createTwoFilesPatch(row.before ? `a/${file}` : '/dev/null', row.after ? `b/${file}` : '/dev/null', beforeText, afterText);
  const result = statement(db,
    `INSERT INTO flow_audit (flow_id, action, operator, at, before, after, diff, "commit")
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    row.flowId, row.action, row.operator, row.at,
    row.before ? JSON.stringify(row.before) : null, row.after ? JSON.stringify(row.after) : null,
    diff, row.commit,
  );
  return Number(result.lastInsertRowid);
}
