import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { runGit } from './git-command.js';
import { isFlowFileName } from './read-flow-file.js';

/** The git repository around the flows folder, as the reconcile loop needs it. */
export interface FlowRepo {
  /** The flows folder; every git command runs there, so path arguments and outputs are relative to it. */
  flowsDir: string;
  /** Absolute git directory of this work tree: it holds `index.lock` while git changes the index. */
  gitDir: string;
  objectFormat: 'sha1' | 'sha256';
}

export interface CommitInfo {
  sha: string;
  authorName: string;
  authorEmail: string;
}

/** Finds the repository that contains `flowsDir`; null when the folder is not in a git work tree. */
export async function openFlowRepo(flowsDir: string): Promise<FlowRepo | null> {
  try {
    const { stdout } = await runGit(flowsDir, ['rev-parse', '--absolute-git-dir', '--show-object-format']);
    const [gitDir, objectFormat] = stdout.trim().split('\n');
    return { flowsDir, gitDir, objectFormat: objectFormat === 'sha256' ? 'sha256' : 'sha1' };
  } catch {
    // Not a work tree (or the folder is gone): the loop then serves files without any git record.
    return null;
  }
}

/**
 * Whether a git command is changing the index and the work tree right now: checkout, merge,
 * pull, reset and commit hold `index.lock` while they write files.
 */
export function isIndexLocked(repo: FlowRepo): boolean {
  return fs.existsSync(path.join(repo.gitDir, 'index.lock'));
}

/** The commit HEAD points at, or null before the first commit. */
export async function readHead(repo: FlowRepo): Promise<string | null> {
  const { stdout, exitCode } = await runGit(repo.flowsDir, ['rev-parse', '-q', '--verify', 'HEAD^{commit}'], { okExitCodes: [1] });
  return exitCode === 0 ? stdout.trim() : null;
}

/** Blob ids of the folder's flow files in `commit`, by absolute path. */
export async function blobIdsAt(repo: FlowRepo, commit: string): Promise<Map<string, string>> {
  const { stdout } = await runGit(repo.flowsDir, ['ls-tree', '-z', commit, '--', '.']);
  const blobs = new Map<string, string>();
  for (const entry of stdout.split('\0')) {
    // `<mode> blob <id>\t<name>`
    const tab = entry.indexOf('\t');
    if (tab === -1) continue;
    const [, type, id] = entry.slice(0, tab).split(' ');
    const name = entry.slice(tab + 1);
    if (type === 'blob' && isFlowFileName(name) && !name.includes('/')) blobs.set(path.join(repo.flowsDir, name), id);
  }
  return blobs;
}

/**
 * The id git gives a blob with these bytes. It equals the id at HEAD exactly when the file
 * is unchanged from HEAD, unless a clean filter or line-ending conversion is configured for
 * flow files: then equal files can differ here, and are treated as hand edits.
 */
export function blobIdOf(repo: FlowRepo, bytes: Buffer): string {
  return createHash(repo.objectFormat).update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/**
 * For each file, the newest commit in `from..to` that touched it (`from` null: in all of
 * `to`'s history). One `git log` serves every file, however many changed.
 */
export async function commitsTouching(repo: FlowRepo, from: string | null, to: string, files: Set<string>): Promise<Map<string, CommitInfo>> {
  const range = from === null ? to : `${from}..${to}`;
  const { stdout } = await runGit(repo.flowsDir, [
    'log', '-z', '--no-renames', '--relative', '--name-only', '--format=%x1e%H%x1f%an%x1f%ae', range, '--', '.',
  ]);

  const found = new Map<string, CommitInfo>();
  for (const record of stdout.split('\x1e')) {
    const headerEnd = record.indexOf('\0');
    if (headerEnd === -1) continue;
    const [sha, authorName, authorEmail] = record.slice(0, headerEnd).split('\x1f');
    for (const file of flowFilesOf(repo, record.slice(headerEnd + 1).split('\0'))) {
      // git log lists the newest commit first, so the first commit seen for a file is its last change.
      if (files.has(file) && !found.has(file)) found.set(file, { sha, authorName, authorEmail });
    }
    if (found.size === files.size) break;
  }
  return found;
}

/** The newest commit in `commit`'s history that touched `file`, or null when none did. */
export async function lastCommitTouching(repo: FlowRepo, commit: string, file: string): Promise<CommitInfo | null> {
  const { stdout } = await runGit(repo.flowsDir, ['log', '-1', '--no-renames', '--format=%H%x1f%an%x1f%ae', commit, '--', path.basename(file)]);
  if (stdout.trim() === '') return null;
  const [sha, authorName, authorEmail] = stdout.trim().split('\x1f');
  return { sha, authorName, authorEmail };
}

/** Absolute paths of the flow files directly in the folder, out of names git printed relative to it. */
function flowFilesOf(repo: FlowRepo, names: string[]): string[] {
  return names
    .map((name) => name.replace(/^\n/, ''))
    .filter((name) => name !== '' && !name.includes('/') && isFlowFileName(name))
    .map((name) => path.join(repo.flowsDir, name));
}
