interface PendingChange {
  /** When the change was first queued (ms since the epoch). */
  firstAt: number;
  /** When the file last changed, as the watcher or the file system's timestamps tell. */
  lastAt: number;
  /** Bumped by every touch, so a pass can tell whether the file changed again while it ran. */
  seq: number;
  /** `seq` at the last pass that read the file. */
  processedSeq: number;
}

/** One file a pass should read now, with the `seq` to hand back to `done()`. */
export interface DueChange {
  file: string;
  seq: number;
}

/**
 * The files waiting for the reconcile loop, keyed by path, so that a burst of events for one
 * file is one entry. A file is due as soon as it changes (valid content is applied at once),
 * and once more when it has settled: when no file in the folder has changed for `quietMs`
 * (or the change has waited `maxHoldMs`). Only a settled file may be reported broken or
 * removed, because editors and git pass through empty, partial and missing states on the
 * way to the final content.
 */
export class ChangeQueue {
  private readonly pending = new Map<string, PendingChange>();
  private seq = 0;
  /** When the watcher last reported a change anywhere in the folder. */
  private lastEventAt = 0;

  constructor(
    readonly quietMs: number,
    readonly maxHoldMs: number,
  ) {}

  get size(): number {
    return this.pending.size;
  }

  /** Queues `file` for a watcher event at `now`. */
  touch(file: string, now: number): void {
    this.lastEventAt = Math.max(this.lastEventAt, now);
    this.add(file, now, now);
  }

  /**
   * Queues `file` for a change a scan found, which happened at `changedAt` (from the file
   * system's timestamps): a change older than `quietMs` counts as settled at once.
   */
  addScanned(file: string, changedAt: number, now: number): void {
    this.add(file, Math.min(changedAt, now), now);
  }

  private add(file: string, changedAt: number, now: number): void {
    const seq = ++this.seq;
    const entry = this.pending.get(file);
    if (entry) {
      entry.seq = seq;
      entry.lastAt = Math.max(entry.lastAt, changedAt);
      return;
    }
    this.pending.set(file, { firstAt: now, lastAt: changedAt, seq, processedSeq: 0 });
  }

  /** Counts as activity in the folder without queuing a file, e.g. the folder coming back. */
  noteActivity(now: number): void {
    this.lastEventAt = Math.max(this.lastEventAt, now);
  }

  /** When the folder last saw activity; the loop waits `quietMs` after it once git released its lock. */
  get lastActivityAt(): number {
    return this.lastEventAt;
  }

  isSettled(file: string, now: number): boolean {
    const entry = this.pending.get(file);
    if (!entry) return true;
    const quietSince = Math.max(entry.lastAt, this.lastEventAt);
    return now - quietSince >= this.quietMs || now - entry.firstAt >= this.maxHoldMs;
  }

  /** Files that changed since their last read, and files that settled since. */
  due(now: number): DueChange[] {
    const due: DueChange[] = [];
    for (const [file, entry] of this.pending) {
      if (entry.seq !== entry.processedSeq || this.isSettled(file, now)) due.push({ file, seq: entry.seq });
    }
    return due;
  }

  /**
   * Records that a pass read `change`. `final` means the pass saw the file settled, so nothing
   * more is expected of it and the entry goes, unless the file changed again during the pass.
   */
  done(change: DueChange, final: boolean): void {
    const entry = this.pending.get(change.file);
    if (!entry) return;
    if (final && entry.seq === change.seq) {
      this.pending.delete(change.file);
      return;
    }
    entry.processedSeq = Math.max(entry.processedSeq, change.seq);
  }

  /** Returns the next time a waiting file settles, or null when nothing waits. */
  nextSettleAt(): number | null {
    let next: number | null = null;
    for (const entry of this.pending.values()) {
      const at = Math.min(Math.max(entry.lastAt, this.lastEventAt) + this.quietMs, entry.firstAt + this.maxHoldMs);
      if (next === null || at < next) next = at;
    }
    return next;
  }

  clear(): void {
    this.pending.clear();
  }
}
