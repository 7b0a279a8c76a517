import { execFile } from 'node:child_process';

export interface GitResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface GitOptions {
  /** Added to the environment, e.g. the author and committer identity. */
  env?: Record<string, string>;
  /** Exit codes that are answers rather than failures (`git diff --quiet` exits 1 on a difference). */
  okExitCodes?: number[];
}

/**
 * Runs one git command in `cwd` and returns its output; any other exit code than 0 or
 * `okExitCodes` rejects with git's own message. Reads take no optional locks, so that a
 * status-like command of hookflow never makes a user's git command fail on index.lock.
 */
export function runGit(cwd: string, args: string[], options: GitOptions = {}): Promise<GitResult> {
  const env = { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', ...options.env };
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, env, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      const exitCode = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      if (exitCode === 0 || options.okExitCodes?.includes(exitCode)) {
        resolve({ stdout, stderr, exitCode });
        return;
      }
      const detail = stderr.trim() || stdout.trim() || (error as Error).message;
      reject(new Error(`git ${args[0]} failed in ${cwd}: ${detail}`));
    });
  });
}
