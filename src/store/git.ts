import fs from 'node:fs';
import path from 'node:path';
import { GitError, simpleGit, type SimpleGit } from 'simple-git';
import { HookflowError } from '../errors.js';

/** The name and email git records as author and committer. */
export interface GitIdentity {
  name: string;
  email: string;
}

/** The git work tree that contains the flows folder. */
export interface FlowsGit {
  /** The flows folder; every path given to the functions below is relative to it. */
  dir: string;
  /** Absolute path of the repository's git directory, where `index.lock` lives. */
  gitDir: string;
  /** Identity of commands that write without a named author (reflog entries of a reset). */
  identity: GitIdentity;
}

/** Maximum time in ms that one git command may run before it is killed. */
const GIT_TIMEOUT_MS = 60_000;

/**
 * Builds the whole environment of a git command instead of inheriting the service's. Git reads
 * no system or user configuration, so a machine without a global git config works, and a user's
 * `commit.gpgSign` or pager never applies to hookflow's commits. Messages are in English for the
 * error checks below, and git never prompts. Because nothing is inherited, `GIT_DIR`,
 * `GIT_INDEX_FILE` and similar variables of the parent process cannot redirect the commands.
 */
export function gitEnvironment(identity: GitIdentity): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: identity.name,
    GIT_AUTHOR_EMAIL: identity.email,
    GIT_COMMITTER_NAME: identity.name,
    GIT_COMMITTER_EMAIL: identity.email,
  };
}

/**
 * Runs one git command in `dir` and returns its standard output.
 *
 * simple-git 3.36 waits 50 ms after every command that wrote nothing to stdout or stderr before
 * it settles the promise (the `deferClose` step of its completion-detection plugin, which the
 * `completion` option does not turn off). Commands on the mutation path therefore ask git for
 * output: `add --verbose`, `commit` without `--quiet`, `rev-parse --verify` without `-q`.
 * bench/mutation-latency.mjs measures both forms; the workaround can go when simple-git stops
 * delaying silent commands.
 */
export async function runGit(dir: string, args: string[], identity: GitIdentity): Promise<string> {
  const client: SimpleGit = simpleGit({
    baseDir: dir,
    trimmed: false,
    timeout: { block: GIT_TIMEOUT_MS },
    // Needed to pass GIT_CONFIG_GLOBAL and GIT_CONFIG_NOSYSTEM, which simple-git blocks by default.
    unsafe: { allowUnsafeConfigPaths: true },
    config: ['core.abbrev=no', 'core.quotePath=false', 'commit.gpgSign=false'],
    // simple-git resolves a command that exits non-zero after writing only to stdout, such as
    // `git commit` with nothing to commit. Here every non-zero exit fails, with both outputs as its message.
    errors: (error, result) => {
      if (error instanceof Error || result.exitCode === 0) return error;
      return Buffer.concat([...result.stdErr, ...result.stdOut]);
    },
  }).env(gitEnvironment(identity));
  try {
    return await client.raw(args);
  } catch (err) {
    throw toGitFailure(err, dir, args);
  }
}

/** A git command that exited with an error; `output` is what git printed. */
export class GitCommandError extends Error {
  constructor(readonly args: string[], readonly output: string, options: { cause?: unknown } = {}) {
    super(`git ${args[0]} failed: ${output.trim() || 'no output'}`, options);
    this.name = 'GitCommandError';
  }

  /** True when another git process holds, or a crashed one left, the index lock. */
  get indexLocked(): boolean {
    return /index\.lock'?: File exists/.test(this.output);
  }

  /** True when a path given to the command is unknown to git (never added, or deleted and committed). */
  get pathspecUnknown(): boolean {
    return /pathspec '.*' did not match any file/.test(this.output);
  }

  get nothingToCommit(): boolean {
    return /nothing to commit|no changes added to commit/.test(this.output);
  }
}

function toGitFailure(err: unknown, dir: string, args: string[]): Error {
  if (err instanceof GitError) return new GitCommandError(args, err.message, { cause: err });
  if (err instanceof Error) return new Error(`git ${args[0]} could not run in ${dir}: ${err.message}`, { cause: err });
  return new Error(`git ${args[0]} could not run in ${dir}: ${String(err)}`);
}

/** Converts a failed command into the catalogue's GIT_LOCKED or GIT_FAILED error. */
export function gitFailureToHookflowError(repo: FlowsGit, err: unknown): HookflowError {
  if (err instanceof HookflowError) return err;
  if (err instanceof GitCommandError && err.indexLocked) return indexLockedError(repo);
  const message = err instanceof Error ? err.message : String(err);
  return new HookflowError('GIT_FAILED', `${message} (repository ${repo.dir})`, { cause: err });
}

/** Returns the path of the index lock file when it exists. */
export function findIndexLock(repo: FlowsGit): string | null {
  const lock = path.join(repo.gitDir, 'index.lock');
  return fs.existsSync(lock) ? lock : null;
}

export function indexLockedError(repo: FlowsGit): HookflowError {
  const lock = path.join(repo.gitDir, 'index.lock');
  return new HookflowError(
    'GIT_LOCKED',
    `the git repository is locked: ${lock} exists. Another git command may be running; if none is, a crashed one left the lock behind, so remove the file and retry`,
    { headers: { 'retry-after': '5' } },
  );
}

/** Opens the git repository that contains `dir`, or returns null when `dir` is in no work tree. */
export async function findRepository(dir: string, identity: GitIdentity): Promise<FlowsGit | null> {
  try {
    const output = await runGit(dir, ['rev-parse', '--absolute-git-dir', '--is-inside-work-tree'], identity);
    const [gitDir, insideWorkTree] = output.trim().split('\n');
    if (insideWorkTree !== 'true') return null;
    return { dir, gitDir, identity };
  } catch (err) {
    if (err instanceof GitCommandError && /not a git repository/.test(err.output)) return null;
    throw err;
  }
}

/**
 * Opens the repository that contains `dir`, creating `dir` and running `git init` in it when it
 * is in no git work tree. `created` is true when a repository was initialised.
 */
export async function ensureRepository(dir: string, identity: GitIdentity): Promise<{ repo: FlowsGit; created: boolean }> {
  fs.mkdirSync(dir, { recursive: true });
  const found = await findRepository(dir, identity);
  if (found) return { repo: found, created: false };

  await runGit(dir, ['init', '--initial-branch=main'], identity);
  const repo = await findRepository(dir, identity);
  if (!repo) throw new Error(`git init in ${dir} did not create a work tree`);
  return { repo, created: true };
}

/** Returns the sha of HEAD, or null in a repository without commits. */
export async function readHead(repo: FlowsGit): Promise<string | null> {
  try {
    return (await runGit(repo.dir, ['rev-parse', '--verify', 'HEAD^{commit}'], repo.identity)).trim();
  } catch (err) {
    if (err instanceof GitCommandError && /Needed a single revision|unknown revision/.test(err.output)) return null;
    throw err;
  }
}

export interface CommitRequest {
  /** Paths relative to the flows folder; only these enter the commit. */
  files: string[];
  message: string;
  /** Author and committer. */
  author: GitIdentity;
  /** Runs `git add` first, as files that git does not track yet need. */
  add: boolean;
}

/**
 * Commits the working-tree content of `files`, and nothing else: `git commit -- <files>`
 * commits only the named paths (git's `--only` mode), so changes to other paths, staged or
 * not, stay where they were. A path unknown to git is added and the commit is retried.
 * Returns the new commit's sha, or null when the files equal HEAD, or are deleted files git
 * never tracked, so there is nothing to commit.
 */
export async function commitFlowFiles(repo: FlowsGit, request: CommitRequest): Promise<string | null> {
  const { files, author } = request;
  if (request.add) await addFiles(repo, files, author);

  try {
    return parseCommitSha(await runGit(repo.dir, ['commit', '--no-verify', '-m', request.message, '--', ...files], author));
  } catch (err) {
    if (!(err instanceof GitCommandError)) throw err;
    if (err.nothingToCommit) return null;
    if (!err.pathspecUnknown || request.add) throw err;
  }

  // Unknown to git and not on disk either: a deleted file that was never committed.
  if ((await addFiles(repo, files, author)) === 0) return null;
  try {
    return parseCommitSha(await runGit(repo.dir, ['commit', '--no-verify', '-m', request.message, '--', ...files], author));
  } catch (err) {
    if (err instanceof GitCommandError && err.nothingToCommit) return null;
    throw err;
  }
}

/** Runs `git add` on the files that exist and returns how many there were. */
async function addFiles(repo: FlowsGit, files: string[], identity: GitIdentity): Promise<number> {
  // A deleted path needs no add (the commit records the deletion), and git rejects it when untracked.
  const existing = files.filter((file) => fs.existsSync(path.join(repo.dir, file)));
  if (existing.length > 0) await runGit(repo.dir, ['add', '--verbose', '--', ...existing], identity);
  return existing.length;
}

/** Reads the sha from git's summary line `[main (root-commit) <sha>] subject` (core.abbrev=no). */
function parseCommitSha(output: string): string {
  const match = /^\[[^\]]*?\b([0-9a-f]{40}|[0-9a-f]{64})\]/m.exec(output);
  if (!match) throw new Error(`cannot find the commit sha in git's output: ${output.slice(0, 200)}`);
  return match[1];
}

/**
 * Takes back `sha`, the commit hookflow just made, when a later step of a mutation failed.
 * HEAD moves back to its parent and the index entries of `files` return to the parent's
 * content, so neither the commit nor a staged leftover remains. Throws when HEAD has moved
 * on, because then other work sits on top of the commit.
 */
export async function undoCommit(repo: FlowsGit, sha: string, files: string[]): Promise<void> {
  const head = await readHead(repo);
  if (head !== sha) throw new Error(`cannot take back commit ${sha}: HEAD is now ${head ?? 'unborn'}`);

  const parent = await readRevision(repo, `${sha}^`);
  if (parent) {
    await runGit(repo.dir, ['reset', '--soft', parent], repo.identity);
    await unstageFiles(repo, files);
    return;
  }
  // The commit is the repository's first: HEAD goes back to unborn.
  await runGit(repo.dir, ['update-ref', '-d', 'HEAD'], repo.identity);
  await runGit(repo.dir, ['rm', '--cached', '--ignore-unmatch', '--', ...files], repo.identity);
}

/** Resets the index entries of `files` to HEAD, dropping what `git add` staged for them. */
export async function unstageFiles(repo: FlowsGit, files: string[]): Promise<void> {
  if (await readHead(repo)) await runGit(repo.dir, ['reset', '--quiet', 'HEAD', '--', ...files], repo.identity);
  else await runGit(repo.dir, ['rm', '--cached', '--ignore-unmatch', '--', ...files], repo.identity);
}

async function readRevision(repo: FlowsGit, revision: string): Promise<string | null> {
  try {
    return (await runGit(repo.dir, ['rev-parse', '--verify', `${revision}^{commit}`], repo.identity)).trim();
  } catch (err) {
    if (err instanceof GitCommandError) return null;
    throw err;
  }
}

/** Returns the content of `file` at commit `sha`, or null when the commit does not have it. */
/** Says whether the repository holds the commit, on any branch or none. */
export async function commitExists(repo: FlowsGit, sha: string): Promise<boolean> {
  try {
    await runGit(repo.dir, ['cat-file', '-e', `${sha}^{commit}`], repo.identity);
    return true;
  } catch (err) {
    if (err instanceof GitCommandError) return false;
    throw err;
  }
}

export async function readFileAtCommit(repo: FlowsGit, sha: string, file: string): Promise<string | null> {
  try {
    return await runGit(repo.dir, ['show', `${sha}:./${file}`], repo.identity);
  } catch (err) {
    if (err instanceof GitCommandError && /does not exist|exists on disk, but not in/.test(err.output)) return null;
    throw err;
  }
}
