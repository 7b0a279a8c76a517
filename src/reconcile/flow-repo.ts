import { createHash } from 'node:crypto';
import path from 'node:path';
import { runGit, type FlowsGit } from '../store/git.js';
import { logFlowsDir } from '../store/git-log.js';
import { isFlowFileName } from './read-flow-file.js';

/** Git reads the reconcile loop needs to tell a pulled or checked-out change from a hand edit. */

export type ObjectFormat = 'sha1' | 'sha256';

export interface CommitInfo {
  sha: string;
  authorName: string;
  authorEmail: string;
}

/** The hash function of the repository's object ids: sha1, or sha256 for repositories created with `--object-format=sha256`. */
export async function readObjectFormat(repo: FlowsGit): Promise<ObjectFormat> {
  const output = await runGit(repo.dir, ['rev-parse', '--show-object-format'], repo.identity);
  return output.trim() === 'sha256' ? 'sha256' : 'sha1';
}

/** Blob ids of the folder's flow files in `commit`, by absolute path. */
export async function blobIdsAt(repo: FlowsGit, commit: string): Promise<Map<string, string>> {
  const output = await runGit(repo.dir, ['ls-tree', '-z', commit, '--', '.'], repo.identity);
  const blobs = new Map<string, string>();
  for (const entry of output.split('\0')) {
    // Each entry is `<mode> <type> <id>\t<name>`, the name relative to the flows folder.
    const tab = entry.indexOf('\t');
    if (tab === -1) continue;
    const [, type, id] = entry.slice(0, tab).split(' ');
    const name = entry.slice(tab + 1);
    if (type === 'blob' && isFlowFileName(name) && !name.includes('/')) blobs.set(path.join(repo.dir, name), id);
  }
  return blobs;
}

/**
 * Computes the id git gives a blob with these bytes. It equals the id at HEAD exactly when the
 * file is unchanged from HEAD, unless a clean filter or line-ending conversion applies to flow
 * files: then an unchanged file can differ here, and its change counts as a hand edit.
 */
export function blobIdOf(format: ObjectFormat, bytes: Buffer): string {
  return createHash(format).update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/**
 * Finds, for each of `files`, the newest commit in `from..to` that touched it. One `git log`
 * serves every file, however many changed; a file no commit of the range touched is absent.
 */
export async function commitsInRange(repo: FlowsGit, from: string, to: string, files: Set<string>): Promise<Map<string, CommitInfo>> {
  const found = new Map<string, CommitInfo>();
  // logFlowsDir lists the newest commit first, so the first commit seen for a file is its last change.
  for (const entry of await logFlowsDir(repo, { range: `${from}..${to}` })) {
    for (const { file: name } of entry.files) {
      const file = path.join(repo.dir, name);
      if (!files.has(file) || found.has(file)) continue;
      found.set(file, { sha: entry.commit, authorName: entry.author.name, authorEmail: entry.author.email });
    }
  }
  return found;
}

/** Finds the newest commit in `commit`'s history that touched `file`; null when none did. */
export async function lastCommitTouching(repo: FlowsGit, commit: string, file: string): Promise<CommitInfo | null> {
  const output = await runGit(repo.dir, ['log', '-1', '--no-renames', '--format=%H%x1f%an%x1f%ae', commit, '--', path.basename(file)], repo.identity);
  if (output.trim() === '') return null;
  const [sha, authorName, authorEmail] = output.trim().split('\x1f');
  return { sha, authorName, authorEmail };
}
