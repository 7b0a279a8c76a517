import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fixed identity and no user or system git configuration, so commits work on any machine. */
const GIT_ENV = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'hookflow bench',
  GIT_AUTHOR_EMAIL: 'bench@hookflow.invalid',
  GIT_COMMITTER_NAME: 'hookflow bench',
  GIT_COMMITTER_EMAIL: 'bench@hookflow.invalid',
};

export function git(cwd, ...args) {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...GIT_ENV }, maxBuffer: 64 * 1024 * 1024 }).trim();
}

/**
 * Creates a temporary git repository holding `files` (relative path to text) in one commit.
 * The caller removes it with `removeDir`.
 */
export function makeTempRepo(files) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookflow-bench-'));
  git(dir, 'init', '-q', '-b', 'main');
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--allow-empty', '-m', 'benchmark flows');
  return dir;
}

export function removeDir(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Flow files as `flows.d/<id>.json` entries for `makeTempRepo`. */
export function flowFiles(flows) {
  return Object.fromEntries(flows.map((flow) => [`flows.d/${flow.id}.json`, `${JSON.stringify(flow, null, 2)}\n`]));
}
