/**
 * Runs the real CLI (`node bin/hookflow ...`) as a child process. The CLI runs from dist/, so
 * `buildCli()` compiles the sources first, unless its last build started after every source
 * changed. A lock keeps parallel test files from compiling at the same time.
 */
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const binPath = path.join(repoRoot, 'bin', 'hookflow');
const builtMain = path.join(repoRoot, 'dist', 'cli', 'main.js');
const lockDir = path.join(repoRoot, 'dist', '.cli-test-build.lock');
/** Holds the time a build by this helper started; a build only covers sources changed before it read them. */
const stampFile = path.join(repoRoot, 'dist', '.cli-test-build-started');

function newestSourceTime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceTime(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

function isBuildCurrent(): boolean {
  if (!fs.existsSync(builtMain) || !fs.existsSync(stampFile)) return false;
  const started = Number(fs.readFileSync(stampFile, 'utf8'));
  return started > newestSourceTime(path.join(repoRoot, 'src'));
}

/**
 * Compiles src/ into dist/ unless this helper's last build is current. Type errors do not stop the emit, so a file
 * that another change left half-typed elsewhere in the tree does not block the CLI tests.
 */
export async function buildCli(): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    if (isBuildCurrent()) return;
    fs.mkdirSync(path.dirname(lockDir), { recursive: true });
    try {
      fs.mkdirSync(lockDir);
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    try {
      if (!isBuildCurrent()) {
        const started = Date.now();
        spawnSync(process.execPath, [path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: repoRoot });
        fs.writeFileSync(stampFile, String(started));
      }
    } finally {
      fs.rmdirSync(lockDir);
    }
    return;
  }
  throw new Error(`waited 60 s for another test file to build the CLI; remove ${lockDir} if no build runs`);
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `hookflow ...args` in `cwd` with `env` added to a copy of this process's environment, minus HOOKFLOW_* and NO_COLOR. */
export function runCli(args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('HOOKFLOW_') && key !== 'NO_COLOR') env[key] = value;
  }
  Object.assign(env, options.env);

  return new Promise((resolve) => {
    execFile(process.execPath, [binPath, ...args], { cwd: options.cwd, env, timeout: 30_000 }, (error, stdout, stderr) => {
      let code = 0;
      if (error) code = typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}
