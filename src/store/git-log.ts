import { GitCommandError, runGit, type FlowsGit } from './git.js';

/** One commit that touched the flows folder. */
export interface CommitEntry {
  commit: string;
  author: { name: string; email: string };
  /** Author date, ISO 8601. */
  at: string;
  subject: string;
  /** The `Hookflow-Action` trailer of commits hookflow made, else null. */
  action: string | null;
  /** Files of the flows folder the commit changed, relative to it, with git's status letter (A, M, D). */
  files: { status: string; file: string }[];
}

/** Newest commit that touched one file, and whether that commit deleted it. */
export interface FileCommit {
  commit: string;
  deleted: boolean;
}

const RECORD = '\x1e';
const FIELD = '\x1f';
const FORMAT = `--format=${RECORD}%H${FIELD}%an${FIELD}%ae${FIELD}%aI${FIELD}%s${FIELD}%(trailers:key=Hookflow-Action,valueonly,separator=%x2C)`;

/**
 * Lists the commits that touched the flows folder, newest first, with the files each changed.
 * `range` limits the walk (`<old>..HEAD`); without it the whole history of HEAD is read.
 * `limit` keeps the newest commits only.
 */
export async function logFlowsDir(repo: FlowsGit, options: { range?: string; limit?: number } = {}): Promise<CommitEntry[]> {
  const args = ['log', FORMAT, '--name-status', '--no-renames', '--relative'];
  if (options.limit) args.push(`--max-count=${options.limit}`);
  if (options.range) args.push(options.range);
  args.push('--', '.');
  return runLog(repo, args);
}

/** Lists the commits that touched `file` (relative to the flows folder), newest first. */
export async function logFile(repo: FlowsGit, file: string, options: { limit?: number } = {}): Promise<CommitEntry[]> {
  const args = ['log', FORMAT, '--name-status', '--no-renames', '--relative'];
  if (options.limit) args.push(`--max-count=${options.limit}`);
  args.push('--', file);
  return runLog(repo, args);
}

/**
 * Maps each file directly in the flows folder to the newest commit that touched it, from a log
 * that is ordered newest first.
 */
export function lastCommitByFile(entries: CommitEntry[]): Map<string, FileCommit> {
  const last = new Map<string, FileCommit>();
  for (const entry of entries) {
    for (const { status, file } of entry.files) {
      if (file.includes('/') || last.has(file)) continue;
      last.set(file, { commit: entry.commit, deleted: status === 'D' });
    }
  }
  return last;
}

async function runLog(repo: FlowsGit, args: string[]): Promise<CommitEntry[]> {
  try {
    return parseLog(await runGit(repo.dir, args, repo.identity));
  } catch (err) {
    if (err instanceof GitCommandError && /does not have any commits yet/.test(err.output)) return [];
    throw err;
  }
}

function parseLog(output: string): CommitEntry[] {
  const entries: CommitEntry[] = [];
  for (const record of output.split(RECORD)) {
    if (record.trim() === '') continue;
    const [header, ...lines] = record.split('\n');
    const [commit, name, email, at, subject, action] = header.split(FIELD);
    const files = lines
      .filter((line) => line.includes('\t'))
      .map((line) => {
        const [status, file] = line.split('\t');
        return { status: status.trim(), file };
      });
    entries.push({ commit, author: { name, email }, at, subject, action: action?.trim() || null, files });
  }
  return entries;
}

/** A file of the flows folder whose working-tree content differs from HEAD. */
export interface ChangedFile {
  file: string;
  /** The two-letter status of `git status --porcelain` (`??` untracked, ` M` modified, ` D` deleted…). */
  status: string;
}

/** Lists the files of the flows folder that differ from HEAD, staged or not, including untracked ones. */
export async function listChangedFiles(repo: FlowsGit): Promise<ChangedFile[]> {
  // --branch makes git print a header line even when nothing changed (see runGit about silent commands).
  const output = await runGit(repo.dir, ['status', '--porcelain=v1', '--branch', '--untracked-files=all', '--no-renames', '--', '.'], repo.identity);
  const prefix = await readPrefix(repo);
  const changed: ChangedFile[] = [];
  for (const line of output.split('\n')) {
    if (line.length < 4 || line.startsWith('##')) continue;
    // Porcelain paths are relative to the top of the work tree, whatever the current folder.
    const fromTop = line.slice(3);
    if (!fromTop.startsWith(prefix)) continue;
    changed.push({ status: line.slice(0, 2), file: fromTop.slice(prefix.length) });
  }
  return changed;
}

/** Returns the flows folder's path from the top of the work tree, with a trailing slash (empty at the top). */
async function readPrefix(repo: FlowsGit): Promise<string> {
  return (await runGit(repo.dir, ['rev-parse', '--show-prefix'], repo.identity)).trim();
}
