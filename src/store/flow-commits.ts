import { runGit, readHead, type FlowsGit } from './git.js';
import { lastCommitByFile, logFlowsDir, type CommitEntry, type FileCommit } from './git-log.js';

interface Entry extends FileCommit {
  /** Value of `generation` when the entry was recorded by `record`; 0 when read from git. */
  generation: number;
}

/**
 * The newest commit of each file in the flows folder, kept in memory so that listing 10,000
 * flows runs no git command per flow. `sync` reads only the commits made since the last sync
 * when HEAD moved forward, and the whole history otherwise (a checkout of another branch, a reset).
 */
export class FlowCommitIndex {
  private readonly entries = new Map<string, Entry>();
  private head: string | null | undefined;
  private generation = 0;
  private syncing: Promise<void> | null = null;

  constructor(private readonly repo: FlowsGit) {}

  /** Newest commit that touched `file` (relative to the flows folder), as of the last sync or record. */
  get(file: string): FileCommit | undefined {
    return this.entries.get(file);
  }

  /** True when git's HEAD contains `file`, according to the last sync or record. */
  isTracked(file: string): boolean {
    const entry = this.entries.get(file);
    return entry !== undefined && !entry.deleted;
  }

  /** Records a commit hookflow just made, so that responses show it before the next sync. */
  record(file: string, commit: string, deleted: boolean): void {
    this.entries.set(file, { commit, deleted, generation: ++this.generation });
  }

  /** Brings the index up to HEAD. Concurrent callers share one run. */
  sync(): Promise<void> {
    this.syncing ??= this.readChanges().finally(() => {
      this.syncing = null;
    });
    return this.syncing;
  }

  private async readChanges(): Promise<void> {
    const startGeneration = this.generation;
    const head = await readHead(this.repo);
    if (head === this.head) return;

    let full = true;
    let entries: CommitEntry[];
    if (head === null) {
      entries = [];
    } else if (this.head && (await this.isAncestor(this.head, head))) {
      entries = await logFlowsDir(this.repo, { range: `${this.head}..${head}` });
      full = false;
    } else {
      entries = await logFlowsDir(this.repo);
    }

    const latest = lastCommitByFile(entries);
    if (full) {
      for (const [file, entry] of this.entries) {
        if (entry.generation <= startGeneration && !latest.has(file)) this.entries.delete(file);
      }
    }
    for (const [file, commit] of latest) {
      // An entry recorded while this sync ran is newer than what the log showed.
      if ((this.entries.get(file)?.generation ?? 0) > startGeneration) continue;
      this.entries.set(file, { ...commit, generation: 0 });
    }
    this.head = head;
  }

  /** `git merge-base` prints the common ancestor, which equals `older` when HEAD only moved forward. */
  private async isAncestor(older: string, newer: string): Promise<boolean> {
    try {
      return (await runGit(this.repo.dir, ['merge-base', older, newer], this.repo.identity)).trim() === older;
    } catch {
      // No common ancestor, or `older` no longer exists: read the whole history.
      return false;
    }
  }
}
