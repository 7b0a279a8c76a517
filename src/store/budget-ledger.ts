import { statement, type Db } from './db.js';

/** Counts a flow's mutating calls made at or after `sinceMs` (epoch milliseconds). */
export function countSpendSince(db: Db, flowId: string, sinceMs: number): number {
  const row = statement(db, `SELECT count(*) AS n FROM budget_spend WHERE flow_id = ? AND at_ms >= ?`).get(flowId, sinceMs) as { n: number };
  return row.n;
}

export function recordSpend(db: Db, flowId: string, atMs: number): void {
  statement(db, `INSERT INTO budget_spend (flow_id, at_ms) VALUES (?, ?)`).run(flowId, atMs);
}

/** Deletes a flow's spend rows made before `beforeMs`, which its window no longer counts. */
export function pruneSpendBefore(db: Db, flowId: string, beforeMs: number): number {
  return statement(db, `DELETE FROM budget_spend WHERE flow_id = ? AND at_ms < ?`).run(flowId, beforeMs).changes;
}
