import fs from 'node:fs';
import path from 'node:path';
import type { AuditRow } from '../../src/store/audit.js';
import { listAuditRows } from '../../src/store/audit.js';
import type { TestService } from './service.js';
import { git } from './git-repo.js';

/** Everything a flow change can write: the folder's files, git's HEAD, index and status, and the audit table. */
export interface WrittenState {
  files: Record<string, string>;
  head: string;
  status: string;
  auditRows: number;
}

export function readWrittenState(test: TestService): WrittenState {
  const files: Record<string, string> = {};
  for (const name of fs.readdirSync(test.flowsDir).sort()) files[name] = fs.readFileSync(path.join(test.flowsDir, name), 'utf8');
  const { n } = test.service.context.db.prepare('SELECT count(*) AS n FROM flow_audit').get() as { n: number };
  return { files, head: git(test.dir, 'rev-parse', 'HEAD'), status: git(test.dir, 'status', '--porcelain'), auditRows: n };
}

/** The audit rows of one flow, newest first. */
export function auditRowsOf(test: TestService, flowId: string): AuditRow[] {
  return listAuditRows(test.service.context.db, flowId);
}

/** Author, committer, subject, body and changed paths of a commit. */
export function describeCommit(dir: string, sha: string) {
  const [author, committer, subject] = git(dir, 'show', '-s', '--format=%an <%ae>%x00%cn <%ce>%x00%s', sha).split('\0');
  const body = git(dir, 'show', '-s', '--format=%b', sha);
  const files = git(dir, 'show', '--name-only', '--format=', sha).split('\n').filter(Boolean);
  return { author, committer, subject, body, files };
}

/** A minimal valid operator flow: one trigger on `events` and a log node. */
export function simpleFlow(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    name: `Flow ${id}`,
    nodes: {
      start: { type: 'trigger.webhook', args: { events: ['issues.opened'] } },
      note: { type: 'log.emit', inputs: { value: 'start.event' }, args: { level: 'info', message: `flow ${id} ran` } },
    },
    ...extra,
  };
}
