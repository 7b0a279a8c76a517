import fs from 'node:fs';
import path from 'node:path';
import { canonicalJson, flowVersion } from '../flow/fingerprint.js';
import { validateFlow } from '../flow/validate.js';
import type { NodeRegistry } from '../nodes/registry.js';
import { listAuditedCommits, listLatestAuditRows, type AuditRow } from './audit.js';
import type { Db } from './db.js';
import { listTempFiles } from './files.js';
import { commitExists, type FlowsGit } from './git.js';
import { listChangedFiles, logFlowsDir } from './git-log.js';
import { readJournal } from './write-journal.js';

export type ConsistencyKind =
  | 'temp_file' | 'pending_write' | 'uncommitted' | 'commit_not_audited' | 'audit_commit_missing' | 'audit_mismatch';

export interface ConsistencyProblem {
  kind: ConsistencyKind;
  flow?: string;
  file?: string;
  commit?: string;
  message: string;
}

export interface ConsistencyReport {
  ok: boolean;
  checked: { flow_files: number; commits: number; audited_flows: number };
  problems: ConsistencyProblem[];
}

/**
 * Compares the flow files, git and the `flow_audit` table, and lists every disagreement:
 * - `temp_file`: a temporary file an interrupted write left behind;
 * - `pending_write`: the journal of an interrupted write, which the next start completes or drops;
 * - `uncommitted`: a flow file that differs from HEAD (untracked, modified or deleted);
 * - `commit_not_audited`: a commit hookflow made (it carries a `Hookflow-Action` trailer) with no audit row;
 * - `audit_commit_missing`: an audit row naming a commit the repository does not have on any branch;
 * - `audit_mismatch`: a flow whose newest audit row does not describe its file (content, or existence).
 * Flows without any audit row, such as files committed before hookflow ran, are not compared.
 * Run it while no flow write is in progress; the service runs it in its mutation queue.
 */
export async function checkFlowsConsistency(repo: FlowsGit, db: Db, journalFile: string, registry: NodeRegistry): Promise<ConsistencyReport> {
  const problems: ConsistencyProblem[] = [];

  for (const temp of await listTempFiles(repo.dir)) {
    problems.push({ kind: 'temp_file', file: path.basename(temp), message: `${temp} is left from an interrupted write; the next start deletes it` });
  }
  const pending = readJournal(journalFile);
  if (pending) {
    problems.push({
      kind: 'pending_write', flow: pending.flow_id,
      message: `a ${pending.action} of flow ${pending.flow_id} was interrupted (${journalFile}); the next start completes it if its file was written`,
    });
  }

  for (const changed of await listChangedFiles(repo)) {
    if (!isFlowFile(changed.file)) continue;
    problems.push({
      kind: 'uncommitted', file: changed.file, flow: path.basename(changed.file, '.json'),
      message: `${changed.file} differs from HEAD (git status "${changed.status}")`,
    });
  }

  const commits = await logFlowsDir(repo);
  const inHistory = new Set(commits.map((entry) => entry.commit));
  const audited = listAuditedCommits(db);
  for (const entry of commits) {
    if (entry.action === null || audited.has(entry.commit)) continue;
    problems.push({ kind: 'commit_not_audited', commit: entry.commit, message: `hookflow's commit ${entry.commit} (${entry.subject}) has no audit row` });
  }
  for (const sha of audited) {
    // A commit of another branch is fine: the rows were written while that branch was checked out.
    if (inHistory.has(sha) || (await commitExists(repo, sha))) continue;
    problems.push({ kind: 'audit_commit_missing', commit: sha, message: `audit rows name commit ${sha}, which the repository does not have (rewritten or garbage-collected history)` });
  }

  const latestRows = listLatestAuditRows(db);
  for (const row of latestRows) {
    const mismatch = compareWithFile(row, path.join(repo.dir, `${row.flow_id}.json`), registry);
    if (mismatch) problems.push({ kind: 'audit_mismatch', flow: row.flow_id, message: mismatch });
  }

  const flowFiles = fs.readdirSync(repo.dir).filter(isFlowFile).length;
  return { ok: problems.length === 0, checked: { flow_files: flowFiles, commits: commits.length, audited_flows: latestRows.length }, problems };
}

function isFlowFile(name: string): boolean {
  return name.endsWith('.json') && !name.includes('/') && !name.startsWith('.');
}

/** Describes how the newest audit row disagrees with the file, or returns null when it agrees. */
function compareWithFile(row: AuditRow, file: string, registry: NodeRegistry): string | null {
  const exists = fs.existsSync(file);
  if (row.after === null) {
    return exists ? `the newest audit row (${row.action}, id ${row.id}) says the flow was deleted, but ${file} exists` : null;
  }
  if (!exists) return `the newest audit row (${row.action}, id ${row.id}) describes a flow, but ${file} does not exist`;

  const text = fs.readFileSync(file, 'utf8');
  let current: unknown = text;
  try {
    current = JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
  } catch {
    // An unparseable file is recorded as its text, so the text is compared.
  }
  if (comparableForm(current, registry) === comparableForm(row.after, registry)) return null;
  return `${file} differs from the newest audit row (${row.action}, id ${row.id} at ${row.at})`;
}

/**
 * Returns the flow version of a valid flow document, so that a document and the same flow with
 * its defaults written out compare equal. Any other value compares as canonical JSON.
 */
function comparableForm(value: unknown, registry: NodeRegistry): string {
  const result = validateFlow(value, { registry });
  return result.ok ? `version:${flowVersion(result.flow)}` : `json:${canonicalJson(value)}`;
}
