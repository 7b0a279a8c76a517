import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Returns the content of `file` at the repository's HEAD, or null when git has none. */
export async function readFileAtHead(file: string): Promise<string | null> {
  const dir = path.dirname(file);
  try {
    const { stdout } = await run('git', ['show', `HEAD:./${path.basename(file)}`], {
      cwd: dir, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' },
    });
    return stdout;
  } catch {
    // Not a repository, no commit yet, or the file was never committed: there is no HEAD version.
    return null;
  }
}
