import path from 'node:path';
import type { Logger } from 'pino';
import type { Db } from './db.js';
import { seedDefaultFlows } from './default-flows.js';
import { FlowCommitIndex } from './flow-commits.js';
import { ensureRepository, type FlowsGit, type GitIdentity } from './git.js';
import { recoverInterruptedWrite } from './recovery.js';

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
 * Prepares the flows folder before flows load: runs `git init` when it is in no git work tree,
 * completes or drops a write a crash interrupted, copies the default flows into an empty new
 * folder, and reads the newest commit of every flow file.
 */
export async function openFlowsRepository(options: OpenFlowsRepositoryOptions): Promise<FlowsRepository> {
  const { flowsDir, db, operator, log } = options;
  const { repo, created } = await ensureRepository(flowsDir, operator);
  if (created) log.info({ flows_dir: flowsDir }, 'the flows folder was in no git repository; ran git init there');

  const journalFile = path.join(options.dataDir, 'flow-write-journal.json');
  await recoverInterruptedWrite({ repo, db, journalFile, log });
  await seedDefaultFlows({ repo, db, shippedDir: options.shippedFlowsDir, operator, log });

  const commits = new FlowCommitIndex(repo);
  await commits.sync();
  return { repo, commits, journalFile };
}
