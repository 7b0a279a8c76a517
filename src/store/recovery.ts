import path from 'node:path';
import type { Logger } from 'pino';
import { fileFingerprint } from '../flow/fingerprint.js';
import { describeFileChange, insertAuditRow, listAuditRows } from './audit.js';
import type { Db } from './db.js';
import { listTempFiles, readFileIfExists, removeFileDurable } from './files.js';
import { commitFlowFiles, readFileAtCommit, readHead, type FlowsGit } from './git.js';
import { logFile } from './git-log.js';
import { clearJournal, readJournal } from './write-journal.js';

export interface RecoveryDeps {
  repo: FlowsGit;
  db: Db;
  journalFile: string;
  log: Logger;
}

export type RecoveryOutcome = 'nothing_pending' | 'already_recorded' | 'discarded' | 'completed';

/**
 * Finishes or drops the flow write a crash interrupted, at start-up before flows load.
 *
 * A write whose file reached the disk is completed: committed if it was not, and given its
 * audit row, with the operator and action of the original request. The file is then the truth,
 * and the reconcile loop would serve it anyway, so completing it keeps git and the audit table
 * equal to what serves. A write whose file did not change yet is dropped, which leaves nothing.
 * Temporary files of interrupted atomic writes are deleted.
 */
export async function recoverInterruptedWrite(deps: RecoveryDeps): Promise<RecoveryOutcome> {
  const { repo, db, journalFile, log } = deps;
  for (const temp of await listTempFiles(repo.dir)) {
    await removeFileDurable(temp);
    log.warn({ file: temp }, 'deleted a temporary file left by an interrupted flow write');
  }

  const pending = readJournal(journalFile);
  if (!pending) {
    clearJournal(journalFile);
    return 'nothing_pending';
  }
  const context = { flow: pending.flow_id, action: pending.action };

  // The audit row is the last step: when it exists, the crash came after it.
  const [latest] = listAuditRows(db, pending.flow_id, { limit: 1 });
  if (latest && latest.at === pending.at && latest.action === pending.action) {
    clearJournal(journalFile);
    return 'already_recorded';
  }

  const name = `${pending.flow_id}.json`;
  const bytes = await readFileIfExists(path.join(repo.dir, name));
  const fingerprint = bytes === null ? null : fileFingerprint(bytes);
  if (fingerprint !== pending.after_fingerprint) {
    log.warn(context, 'a flow write was interrupted before the file changed; nothing was written');
    clearJournal(journalFile);
    return 'discarded';
  }

  const commit = await commitPendingFile(repo, name, fingerprint, pending.message, pending.operator);
  const before = pending.before === null ? null : Buffer.from(pending.before, 'base64').toString('utf8');
  insertAuditRow(db, {
    flow_id: pending.flow_id, action: pending.action, operator: pending.operator.name, at: pending.at,
    ...describeFileChange(pending.flow_id, before, bytes?.toString('utf8') ?? null), commit,
  });
  clearJournal(journalFile);
  log.warn({ ...context, commit }, 'completed a flow write that a crash interrupted after the file was written');
  return 'completed';
}

/** Commits the file unless HEAD contains it already, and returns the commit that contains it. */
async function commitPendingFile(
  repo: FlowsGit, name: string, fingerprint: string | null, message: string, operator: { name: string; email: string },
): Promise<string | null> {
  const head = await readHead(repo);
  const committed = head === null ? null : await readFileAtCommit(repo, head, name);
  const committedFingerprint = committed === null ? null : fileFingerprint(committed);
  if (committedFingerprint !== fingerprint) {
    return commitFlowFiles(repo, { files: [name], message, author: operator, add: fingerprint !== null });
  }

  const [last] = await logFile(repo, name, { limit: 1 });
  return last?.commit ?? null;
}
