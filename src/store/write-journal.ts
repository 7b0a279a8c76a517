import fs from 'node:fs';
import type { AuditAction } from './audit.js';
import type { GitIdentity } from './git.js';

/**
 * The flow write in progress, recorded before the flow file changes and removed once its audit
 * row is stored. After a crash, start-up recovery reads it to tell hookflow's interrupted write
 * from a hand edit made while the service was down.
 */
export interface PendingWrite {
  flow_id: string;
  action: AuditAction;
  operator: GitIdentity;
  message: string;
  /** ISO 8601 UTC time of the mutation. */
  at: string;
  /** The file's content before the write, base64; null when there was no file. */
  before: string | null;
  /** fileFingerprint of the content being written; null for a deletion. */
  after_fingerprint: string | null;
}

/**
 * Records the pending write. It is not fsynced: it must survive a crash of the process, which
 * the page cache already ensures, and an operating-system crash leaves at worst a file that
 * start-up treats as a hand edit.
 */
export function writeJournal(file: string, pending: PendingWrite): void {
  fs.writeFileSync(file, JSON.stringify(pending));
}

export function clearJournal(file: string): void {
  fs.rmSync(file, { force: true });
}

/** Returns the pending write, or null when there is none or the journal is unreadable. */
export function readJournal(file: string): PendingWrite | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    return JSON.parse(text) as PendingWrite;
  } catch {
    // A crash while the journal itself was being written: the flow file was not touched yet.
    return null;
  }
}
