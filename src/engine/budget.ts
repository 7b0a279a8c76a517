import type { Flow } from '../flow/model.js';
import type { Db } from '../store/db.js';
import { countSpendSince, pruneSpendBefore, recordSpend } from '../store/budget-ledger.js';

/**
 * The per-flow rate limit on mutating calls: at most `budget.mutating_calls` within any
 * `budget.window_seconds`. Spending is stored in SQLite, so it survives a restart.
 */
export class BudgetKeeper {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  remaining(flow: Flow): number {
    const spent = countSpendSince(this.db, flow.id, this.windowStart(flow));
    return Math.max(0, flow.budget.mutating_calls - spent);
  }

  /** Spends one call when the window allows it; check and record happen in one transaction. */
  trySpend(flow: Flow): boolean {
    return this.db.transaction(() => {
      if (this.remaining(flow) <= 0) return false;
      recordSpend(this.db, flow.id, this.now());
      // Keeps the ledger at about one window of rows per flow instead of growing forever.
      // A window widened later therefore counts only the calls made since this prune.
      pruneSpendBefore(this.db, flow.id, this.windowStart(flow));
      return true;
    }).immediate();
  }

  private windowStart(flow: Flow): number {
    return this.now() - flow.budget.window_seconds * 1000;
  }
}
