import fs from 'node:fs';
import path from 'node:path';
import { readHead, type FlowRepo } from './flow-repo.js';
import { runGit } from './git-command.js';

export interface GitIdentity {
  name: string;
  email: string;
}

const LOCK_RETRIES = 5;
const LOCK_RETRY_DELAY_MS = 100;

/**
 * Commits the current state of one flow file (its content, or its deletion) and nothing
 * else: changes the user has staged for other paths stay staged and out of the commit.
 * Returns the new commit's sha, or null when the file already equals HEAD. While another git
 * command holds `index.lock` it retries a few times, then rejects.
 */
export async function commitFlowPath(repo: FlowRepo, file: string, author: GitIdentity, message: string): Promise<string | null> {
  const name = path.basename(file);
  const env = {
    GIT_AUTHOR_NAME: author.name, GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: author.name, GIT_COMMITTER_EMAIL: author.email,
  };

  for (let attempt = 1; ; attempt++) {
    try {
      // A deleted file is unstaged with `rm --cached`, which, unlike `add`, accepts a path git never tracked.
      if (fs.existsSync(file)) await runGit(repo.flowsDir, ['add', '--', name]);
      else await runGit(repo.flowsDir, ['rm', '-q', '--cached', '--ignore-unmatch', '--', name]);
      if (await readHead(repo)) {
        const diff = await runGit(repo.flowsDir, ['diff', '--cached', '--quiet', 'HEAD', '--', name], { okExitCodes: [1] });
        if (diff.exitCode === 0) return null;
      }

      await runGit(repo.flowsDir, ['-c', 'commit.gpgsign=false', 'commit', '-q', '--no-verify', '--only', '-m', message, '--', name], { env });
      const { stdout } = await runGit(repo.flowsDir, ['rev-parse', 'HEAD']);
      return stdout.trim();
    } catch (err) {
      if (!/index\.lock/.test((err as Error).message) || attempt >= LOCK_RETRIES) throw err;
      await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_DELAY_MS * attempt));
    }
  }
}
