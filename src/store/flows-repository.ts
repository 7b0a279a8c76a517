import path from 'node:path';
import type { Logger } from 'pino';
import type { Db } from './db.js';
import { seedDefaultFlows } from './default-flows.js';
import { FlowCommitIndex } from './flow-commits.js';
import { ensureRepository, findIndexLock, type FlowsGit, type GitIdentity } from './git.js';
import { recoverInterruptedWrite } from './recovery.js';

/** Maximum time in ms that start-up waits for git's index lock to go away before recovery. */
const LOCK_WAIT_MS = 2000;

/** The git side of the flows folder, shared by the API's writes, its reads and `check`. */
export interface FlowsRepository {
  repo: FlowsGit;
  commits: FlowCommitIndex;
  /** Path of the pending-write journal, in the data folder. */
  journalFile: string;
}

export interface OpenFlowsRepositoryOptions {
  flowsDir: string;
  dataDir: string;
  db: Db;
  /** Identity of hookflow's own commits: the configured operator. */
  operator: GitIdentity;
  shippedFlowsDir: string;
  log: Logger;
}

/**
 * Prepares the flows folder before flows load. It runs `git init` when the folder is in no git
 * work tree, completes or drops a write that a crash interrupted, copies the default flows into
 * an empty new folder, and reads the newest commit of every flow file.
 */
export async function openFlowsRepository(options: OpenFlowsRepositoryOptions): Promise<FlowsRepository> {
  const { flowsDir, db, operator, log } = options;
  const { repo, created } = await ensureRepository(flowsDir, operator);
  if (created) log.info({ flows_dir: flowsDir }, 'the flows folder was in no git repository; ran git init there');

  const journalFile = path.join(options.dataDir, 'flow-write-journal.json');
  // A git command the previous process started can outlive it by a moment and hold the index lock.
  await waitForIndexLock(repo, LOCK_WAIT_MS);
  try {
    await recoverInterruptedWrite({ repo, db, journalFile, log });
  } catch (err) {
    // The service can run without it. The journal stays, so GET /check reports the write and the
    // next start retries. Once the next flow write replaces the journal, check reports the uncommitted file.
    log.error({ err, journal: journalFile }, 'could not complete the flow write a crash interrupted; fix the cause (a stale index.lock?) and restart');
  }
  await seedDefaultFlows({ repo, db, shippedDir: options.shippedFlowsDir, operator, log });

  const commits = new FlowCommitIndex(repo);
  await commits.sync();
  return { repo, commits, journalFile };
}

async function waitForIndexLock(repo: FlowsGit, maxMs: number): Promise<void> {
  const deadline = Date.now() + maxMs;
  while (findIndexLock(repo) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}
