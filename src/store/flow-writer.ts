import path from 'node:path';
import type { Logger } from 'pino';
import { fileFingerprint } from '../flow/fingerprint.js';
import { deleteAuditRow, describeFileChange, insertAuditRow, type AuditAction } from './audit.js';
import type { Db } from './db.js';
import { removeFileDurable, writeFileAtomic } from './files.js';
import type { FlowCommitIndex } from './flow-commits.js';
import {
  commitFlowFiles, findIndexLock, GitCommandError, gitFailureToHookflowError, indexLockedError, undoCommit, unstageFiles,
  type FlowsGit, type GitIdentity,
} from './git.js';
import { clearJournal, writeJournal } from './write-journal.js';

export type WriteStep = 'write' | 'commit' | 'audit' | 'apply';

export interface FlowWriterDeps {
  repo: FlowsGit;
  db: Db;
  commits: FlowCommitIndex;
  /** Path of the pending-write journal (see write-journal.ts). */
  journalFile: string;
  log: Logger;
  /** Receives the duration of each step, in seconds. */
  observeStep?: (step: WriteStep, seconds: number) => void;
}

export interface FlowChange {
  id: string;
  action: AuditAction;
  /** The new file content; null deletes the file. */
  text: string | null;
  /** The file's bytes before the change, null when there was no file; the undo restores them. */
  before: Buffer | null;
  /** Author and committer of the commit, and the audit row's operator. */
  operator: GitIdentity;
  /**
   * Swaps the change into the running service, after the audit row is stored. It must not throw
   * for a validated flow; if it throws, the whole change is undone, audit row included.
   */
  apply(result: { commit: string | null }): void;
}

export interface FlowChangeResult {
  commit: string | null;
  auditId: number;
  at: string;
}

const SUBJECT_VERBS: Record<AuditAction, string> = {
  create: 'Create flow',
  update: 'Update flow',
  delete: 'Delete flow',
  enable: 'Enable flow',
  disable: 'Disable flow',
  hand_edit: 'Record a hand edit of flow',
  hand_delete: 'Record the hand deletion of flow',
};

/**
 * Returns the commit message of a flow change. The trailers let start-up recovery and
 * `check` find hookflow's own commits.
 */
export function flowCommitMessage(action: AuditAction, ids: string[]): string {
  const subject = ids.length === 1 ? `${SUBJECT_VERBS[action]} ${ids[0]}` : `${SUBJECT_VERBS[action]}s ${ids.join(', ')}`;
  const trailers = [`Hookflow-Action: ${action}`, ...ids.map((id) => `Hookflow-Flow: ${id}`)];
  return `${subject}\n\n${trailers.join('\n')}\n`;
}

/**
 * Writes one flow change through every step, in order: atomic file write, a commit of that
 * file only, the audit row, and `apply`. A failure at any step undoes the steps before it
 * (the audit row, the commit, the file's old bytes) and the error is thrown, so a failed
 * change leaves no file, commit or audit row behind. Callers serialise changes (one at a time).
 * Throws GIT_LOCKED before touching anything when git's index lock exists.
 */
export async function writeFlowChange(deps: FlowWriterDeps, change: FlowChange): Promise<FlowChangeResult> {
  const { repo, db, commits, journalFile } = deps;
  if (findIndexLock(repo)) throw indexLockedError(repo);

  const name = `${change.id}.json`;
  const file = path.join(repo.dir, name);
  const at = new Date().toISOString();
  const message = flowCommitMessage(change.action, [change.id]);
  const beforeText = change.before?.toString('utf8') ?? null;
  const auditChange = describeFileChange(change.id, beforeText, change.text);
  const timer = stepTimer(deps.observeStep);

  writeJournal(journalFile, {
    flow_id: change.id, action: change.action, operator: change.operator, message, at,
    before: change.before?.toString('base64') ?? null,
    after_fingerprint: change.text === null ? null : fileFingerprint(change.text),
  });
  try {
    if (change.text === null) await removeFileDurable(file);
    else await writeFileAtomic(file, change.text);
    timer('write');

    let commit: string | null;
    try {
      commit = await commitFlowFiles(repo, { files: [name], message, author: change.operator, add: !commits.isTracked(name) });
    } catch (err) {
      // With the index locked, git staged nothing, and an unstage would fail on the same lock.
      const locked = err instanceof GitCommandError && err.indexLocked;
      await undoSteps(deps, change, name, null, !locked);
      throw gitFailureToHookflowError(repo, err);
    }
    timer('commit');

    let auditId: number;
    try {
      auditId = insertAuditRow(db, {
        flow_id: change.id, action: change.action, operator: change.operator.name, at, ...auditChange, commit,
      });
    } catch (err) {
      await undoSteps(deps, change, name, commit);
      throw err;
    }
    timer('audit');

    // After the audit row is stored: a failed SQLite commit must not leave the new flow serving.
    try {
      change.apply({ commit });
    } catch (err) {
      deleteAuditRow(db, auditId);
      await undoSteps(deps, change, name, commit);
      throw err;
    }
    timer('apply');

    if (commit) commits.record(name, commit, change.text === null);
    return { commit, auditId, at };
  } finally {
    clearJournal(journalFile);
  }
}

/**
 * Restores the file's old bytes, then takes back the commit when there is one, or else the
 * index entry `git add` may have staged. The file comes first because the git steps fail
 * while another process holds the index lock.
 */
async function undoSteps(deps: FlowWriterDeps, change: FlowChange, name: string, commit: string | null, undoGit = true): Promise<void> {
  const { repo, log } = deps;
  const file = path.join(repo.dir, name);
  const steps: [string, () => Promise<unknown>][] = [
    ['restore the file', () => (change.before === null ? removeFileDurable(file) : writeFileAtomic(file, change.before))],
  ];
  if (commit) steps.push(['take back the commit', () => undoCommit(repo, commit, [name])]);
  else if (undoGit) steps.push(['unstage the file', () => unstageFiles(repo, [name])]);
  for (const [step, run] of steps) {
    try {
      await run();
    } catch (err) {
      // The caller sees the original failure; this one needs an operator, and `check` reports what is left.
      log.error({ err, flow: change.id, commit, step }, 'could not undo part of a failed flow change; run a consistency check');
    }
  }
}

function stepTimer(observe: FlowWriterDeps['observeStep']): (step: WriteStep) => void {
  let last = performance.now();
  return (step) => {
    const now = performance.now();
    observe?.(step, (now - last) / 1000);
    last = now;
  };
}
