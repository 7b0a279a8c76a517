import type { Db } from './db.js';

interface Pending<Item, Result> {
  item: Item;
  resolve: (result: Result) => void;
  reject: (err: unknown) => void;
}

/**
 * Collects the writes requested during one turn of the event loop and commits them in one
 * SQLite transaction on the next turn. Each caller's promise settles after the commit, so a
 * caller that awaits it can rely on its write being stored. Many concurrent webhooks then
 * share one commit instead of paying for one each.
 */
export class GroupCommit<Item, Result> {
  private pending: Pending<Item, Result>[] = [];
  private scheduled = false;

  constructor(
    private readonly db: Db,
    private readonly write: (item: Item) => Result,
  ) {}

  submit(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits everything pending now; a later `submit` starts a new batch. */
  flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;

    let results: Result[];
    try {
      results = this.db.transaction(() => batch.map((entry) => this.write(entry.item))).immediate();
    } catch (err) {
      for (const entry of batch) entry.reject(err);
      return;
    }
    batch.forEach((entry, i) => entry.resolve(results[i]));
  }
}
