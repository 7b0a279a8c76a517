import { statement, type Db } from './db.js';

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'halted' | 'failed' | 'budget_exhausted';

export interface RunRecord {
  id: string;
  flow_id: string;
  flow_version: string;
  event_id: string;
  source: string;
  event_key: string;
  status: RunStatus;
  trace: unknown[] | null;
  error: string | null;
  queued_at: string;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
}

export interface NewRun {
  id: string;
  flow_id: string;
  flow_version: string;
  event_id: string;
  source: string;
  event_key: string;
  queued_at: string;
}

export function insertQueuedRun(db: Db, run: NewRun): void {
  statement(db, 
    `INSERT INTO runs (id, flow_id, flow_version, event_id, source, event_key, status, queued_at)
     VALUES (@id, @flow_id, @flow_version, @event_id, @source, @event_key, 'queued', @queued_at)`,
  ).run(run);
}

export function markRunStarted(db: Db, id: string, startedAt: string): void {
  statement(db, `UPDATE runs SET status = 'running', started_at = ? WHERE id = ?`).run(startedAt, id);
}

export interface FinishedRun {
  status: RunStatus;
  trace: unknown[];
  error?: string;
  /** Set when the start was not stored separately. */
  started_at?: string;
  finished_at: string;
  duration_ms: number;
}

export function markRunFinished(db: Db, id: string, result: FinishedRun): void {
  statement(db,
    `UPDATE runs SET status = ?, trace = ?, error = ?, started_at = coalesce(?, started_at), finished_at = ?, duration_ms = ? WHERE id = ?`,
  ).run(result.status, JSON.stringify(result.trace), result.error ?? null, result.started_at ?? null, result.finished_at, result.duration_ms, id);
}

export function findRun(db: Db, id: string): RunRecord | undefined {
  const row = statement(db, `SELECT * FROM runs WHERE id = ?`).get(id) as (Omit<RunRecord, 'trace'> & { trace: string | null }) | undefined;
  if (!row) return undefined;
  return { ...row, trace: row.trace ? JSON.parse(row.trace) : null };
}

/** Runs left `queued` or `running` by a previous process that stopped before finishing them. */
export function failInterruptedRuns(db: Db, finishedAt: string): number {
  return statement(db, 
    `UPDATE runs SET status = 'failed', error = 'interrupted: the service stopped before the run finished', finished_at = ?
     WHERE status IN ('queued', 'running')`,
  ).run(finishedAt).changes;
}
