import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { describeFileChange, insertAuditRow } from './audit.js';
import type { Db } from './db.js';
import { writeFileAtomic } from './files.js';
import { flowCommitMessage } from './flow-writer.js';
import { commitFlowFiles, type FlowsGit, type GitIdentity } from './git.js';
import { logFlowsDir } from './git-log.js';

export interface SeedOptions {
  repo: FlowsGit;
  db: Db;
  /** The folder of default flows shipped with hookflow. */
  shippedDir: string;
  operator: GitIdentity;
  log: Logger;
}

/**
 * Copies the shipped default flows into a flows folder that is not the shipped one, contains
 * no flow file, and has no git history, which marks the first start on that folder. One commit adds them all,
 * with one `create` audit row per flow. A folder whose flows were deleted later keeps its
 * history, so it is not seeded again. Returns the ids copied.
 */
export async function seedDefaultFlows(options: SeedOptions): Promise<string[]> {
  const { repo, db, shippedDir, operator, log } = options;
  if (!fs.existsSync(shippedDir) || fs.realpathSync(repo.dir) === fs.realpathSync(shippedDir)) return [];
  if (listJsonFiles(repo.dir).length > 0) return [];
  if ((await logFlowsDir(repo, { limit: 1 })).length > 0) return [];

  const names = listJsonFiles(shippedDir);
  if (names.length === 0) return [];
  const texts = names.map((name) => fs.readFileSync(path.join(shippedDir, name), 'utf8'));
  for (const [index, name] of names.entries()) await writeFileAtomic(path.join(repo.dir, name), texts[index]);

  const ids = names.map((name) => path.basename(name, '.json'));
  const commit = await commitFlowFiles(repo, { files: names, message: flowCommitMessage('create', ids), author: operator, add: true });
  const at = new Date().toISOString();
  db.transaction(() => {
    for (const [index, id] of ids.entries()) {
      insertAuditRow(db, { flow_id: id, action: 'create', operator: operator.name, at, ...describeFileChange(id, null, texts[index]), commit });
    }
  })();
  log.info({ flows: ids, commit, flows_dir: repo.dir }, 'copied the default flows into the empty flows folder');
  return ids;
}

function listJsonFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((name) => name.endsWith('.json') && !name.startsWith('.')).sort();
}
