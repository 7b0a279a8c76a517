import type { Db } from './db.js';
import { markRunFinished, markRunStarted, type FinishedRun } from './runs.js';

type Update =
  | { kind: 'started'; id: string; at: string }
  | { kind: 'finished'; id: string; result: FinishedRun };

/** Maximum time a status change waits in memory before it is written. */
export const RUN_STATUS_FLUSH_MS = 20;

/**
 * Writes run status changes behind the runs, at most every RUN_STATUS_FLUSH_MS in one
 * transaction: a run's outcome is not worth a commit of its own when webhooks arrive by the
 * thousand. Readers call `flush()` first, so a read never sees an older status than the run
 * has reached. A crash loses at most that window of status changes; the runs concerned are
 * then marked failed as interrupted at the next start.
 */
export class RunStatusWriter {
  /** Latest update per run: a run that starts and finishes within one turn is written once. */
  private pending = new Map<string, Update>();
  private scheduled = false;

  constructor(
    private readonly db: Db,
    /** Called when a batch cannot be written; the batch is dropped, the service goes on. */
    private readonly onError: (err: unknown, updates: number) => void,
  ) {}

  started(id: string, at: string): void {
    this.push({ kind: 'started', id, at });
  }

  finished(id: string, result: Extract<Update, { kind: 'finished' }>['result']): void {
    this.push({ kind: 'finished', id, result });
  }

  flush(): void {
    this.scheduled = false;
    const batch = [...this.pending.values()];
    this.pending.clear();
    if (batch.length === 0) return;
    try {
      this.db.transaction(() => {
        for (const update of batch) {
          if (update.kind === 'started') markRunStarted(this.db, update.id, update.at);
          else markRunFinished(this.db, update.id, update.result);
        }
      }).immediate();
    } catch (err) {
      this.onError(err, batch.length);
    }
  }

  private push(update: Update): void {
    const previous = this.pending.get(update.id);
    // A finished run whose start was never written gets its start time with the outcome.
    if (previous?.kind === 'started' && update.kind === 'finished') update.result.started_at ??= previous.at;
    this.pending.set(update.id, update);
    if (!this.scheduled) {
      this.scheduled = true;
      setTimeout(() => this.flush(), RUN_STATUS_FLUSH_MS).unref();
    }
  }
}
