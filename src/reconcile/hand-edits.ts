import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/model.js';
import { deriveOperatorEmail } from '../config/derive.js';
import type { Flow } from '../flow/model.js';
import { describeFileChange, insertAuditRow } from '../store/audit.js';
import type { Db } from '../store/db.js';
import type { FlowCommitIndex } from '../store/flow-commits.js';
import { flowCommitMessage } from '../store/flow-writer.js';
import { commitFlowFiles, GitCommandError, readHead, type FlowsGit, type GitIdentity } from '../store/git.js';
import {
  blobIdOf, blobIdsAt, commitsInRange, lastCommitTouching, readObjectFormat, type CommitInfo, type ObjectFormat,
} from './flow-repo.js';

/** A change to a served flow that came from the files rather than from hookflow's API. */
export interface HandChange {
  id: string;
  file: string;
  /** The version served before, null for a new flow. */
  before: Flow | null;
  /** The version served now, null when the file was deleted. */
  after: Flow | null;
  /** The file's bytes that were applied, null when it was deleted. */
  bytes: Buffer | null;
}

export interface HandEditRecorderOptions {
  config: Config;
  db: Db;
  log: Logger;
  /** The store's index of each file's newest commit, updated with the commits made here. */
  commits?: FlowCommitIndex;
}

/** A repository the recorder reads, with its object id hash. */
interface Repo {
  git: FlowsGit;
  format: ObjectFormat;
}

/** Attempts at a hand-edit commit while another git command holds the index lock, and the first wait (it grows linearly). */
const LOCK_RETRIES = 5;
const LOCK_RETRY_DELAY_MS = 100;

/** Blob ids of the flow files in one commit, by absolute path; a file the commit lacks is absent. */
type Tree = Map<string, string>;

/**
 * Records hand changes: one `flow_audit` row per changed file. A change that arrived as a
 * git commit (a pull, a checkout, a commit made by hand) names the commit that last touched
 * the file and its author, and no commit is made. Any other change is recorded under
 * `reconcile.hand_edit_operator` and, unless `reconcile.commit_hand_edits` is false,
 * committed on its own.
 *
 * A change arrived as a commit when two things hold. The file on disk (its bytes, or its
 * absence) equals its version at HEAD. And HEAD's version of the file is not the one HEAD had
 * when hookflow last recorded that file, or started. The comparison is per file, so a pull
 * whose files are taken in two passes is still recognised in the second.
 */
export class HandEditRecorder {
  private repo: Repo | null = null;
  /** Per file, its blob at HEAD when hookflow last recorded it; a file HEAD lacked then is absent. */
  private baseline: Tree = new Map();
  /** HEAD at the last record, the start of the commit range a pull or checkout brought. */
  private recordedHead: string | null = null;
  /** The tree of the HEAD read last, kept while HEAD stays there. */
  private headTree: { head: string | null; tree: Tree } = { head: null, tree: new Map() };

  constructor(private readonly options: HandEditRecorderOptions) {}

  /** Points the recorder at the repository (again, after the flows folder came back) and notes HEAD's files. */
  async useRepo(git: FlowsGit | null): Promise<void> {
    const repo = git ? { git, format: await readObjectFormat(git) } : null;
    this.repo = repo;
    this.recordedHead = repo ? await readHead(repo.git) : null;
    this.baseline = new Map(repo && this.recordedHead ? await this.treeAt(repo, this.recordedHead) : []);
  }

  async record(changes: HandChange[]): Promise<void> {
    if (changes.length === 0) return;
    const repo = this.repo;
    const at = new Date().toISOString();
    const head = repo ? await readHead(repo.git) : null;
    const headFiles = repo && head ? await this.treeAt(repo, head) : new Map<string, string>();
    const arrived = repo && head ? await this.findArrivals(repo, head, changes) : new Map<string, CommitInfo>();
    let lastHead = head;

    for (const change of [...changes].sort(byFlowId)) {
      let commit = arrived.get(change.file);
      let sha = commit?.sha ?? null;
      let committedHere = false;

      if (!commit && repo && this.options.config.reconcile.commit_hand_edits) {
        const result = await this.commitChange(repo, change);
        committedHere = result !== 'unchanged' && result !== 'failed';
        sha = committedHere ? result : null;
        if (result === 'unchanged') {
          // Nothing to commit: the file equals HEAD, which a git command may have moved since `head` was read.
          // NOTE: a trial saw a checkout back to an older branch end here with no commit found, so
          // the row got the hand-edit operator and a null commit; the cause is not known yet.
          const lateHead = await readHead(repo.git);
          commit = lateHead ? (await this.findArrivals(repo, lateHead, [change])).get(change.file) : undefined;
          sha = commit?.sha ?? null;
        }
      }

      const operator = commit?.authorName ?? this.handEditOperator();
      const action = change.after ? 'hand_edit' : 'hand_delete';
      // Both sides are the flows as served, defaults applied, so the diff shows what changed in effect.
      const described = describeFileChange(change.id, change.before && JSON.stringify(change.before), change.after && JSON.stringify(change.after));
      insertAuditRow(this.options.db, { flow_id: change.id, action, operator, at, ...described, commit: sha });
      this.options.log.debug({ flow: change.id, action, operator, commit: sha }, 'hand change recorded');

      // The baseline becomes HEAD's version of the file now, so that this commit is not taken for a later arrival.
      let headBlob = headFiles.get(change.file);
      if (committedHere) headBlob = change.bytes && repo ? blobIdOf(repo.format, change.bytes) : undefined;
      if (headBlob === undefined) this.baseline.delete(change.file);
      else this.baseline.set(change.file, headBlob);
      if (committedHere) lastHead = sha;
    }

    this.recordedHead = lastHead;
  }

  /** Finds the changes whose file equals HEAD's new version of it, with the commit that brought it. */
  private async findArrivals(repo: Repo, head: string, changes: HandChange[]): Promise<Map<string, CommitInfo>> {
    const tree = await this.treeAt(repo, head);
    const arrivedFiles = new Set(changes
      .filter((change) => tree.get(change.file) !== this.baseline.get(change.file))
      .filter((change) => (change.bytes === null ? !tree.has(change.file) : tree.get(change.file) === blobIdOf(repo.format, change.bytes)))
      .map((change) => change.file));
    if (arrivedFiles.size === 0) return new Map();

    // One `git log` over the commits since the last record finds most; a file changed before that range costs one more.
    const commits = this.recordedHead && this.recordedHead !== head
      ? await commitsInRange(repo.git, this.recordedHead, head, arrivedFiles)
      : new Map<string, CommitInfo>();
    for (const file of arrivedFiles) {
      if (commits.has(file)) continue;
      const commit = await lastCommitTouching(repo.git, head, file);
      if (commit) commits.set(file, commit);
    }
    return commits;
  }

  private async treeAt(repo: Repo, head: string): Promise<Tree> {
    if (this.headTree.head !== head) this.headTree = { head, tree: await blobIdsAt(repo.git, head) };
    return this.headTree.tree;
  }

  /** Returns the new commit's sha, `unchanged` when the file already equals HEAD, or `failed`. */
  private async commitChange(repo: Repo, change: HandChange): Promise<string | 'unchanged' | 'failed'> {
    const name = path.basename(change.file);
    const action = change.after ? 'hand_edit' : 'hand_delete';
    const commits = this.options.commits;
    for (let attempt = 1; ; attempt++) {
      try {
        const sha = await commitFlowFiles(repo.git, {
          files: [name], message: flowCommitMessage(action, [change.id]), author: this.handEditIdentity(),
          add: change.after !== null && !(commits?.isTracked(name) ?? false),
        });
        if (sha === null) return 'unchanged';
        commits?.record(name, sha, change.after === null);
        // HEAD moved to this commit: the cached tree of the old HEAD no longer applies.
        this.headTree = { head: null, tree: new Map() };
        return sha;
      } catch (err) {
        // Another git command holds the index lock for a moment (a user's commit, a pull): wait and retry.
        if (err instanceof GitCommandError && err.indexLocked && attempt < LOCK_RETRIES) {
          await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_DELAY_MS * attempt));
          continue;
        }
        // The flow already serves the file's content. Only the git record is missing, and the audit row shows it (commit null).
        this.options.log.error({ flow: change.id, file: change.file, err }, 'could not commit a hand edit; its audit row has no commit');
        return 'failed';
      }
    }
  }

  private handEditOperator(): string {
    return this.options.config.reconcile.hand_edit_operator ?? this.options.config.auth.operator_user;
  }

  private handEditIdentity(): GitIdentity {
    const { auth } = this.options.config;
    const name = this.handEditOperator();
    const email = name === auth.operator_user && auth.operator_email ? auth.operator_email : deriveOperatorEmail(name);
    return { name, email };
  }
}

function byFlowId(a: HandChange, b: HandChange): number {
  if (a.id === b.id) return 0;
  return a.id < b.id ? -1 : 1;
}
