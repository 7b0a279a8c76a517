/**
 * Kills the real service (`node bin/hookflow serve`) with SIGKILL at random moments while
 * clients change flows, restarts it, and checks what survived: no flow file is ever half
 * written, every acknowledged change is in git and in flow_audit, and GET /check finds the
 * files, git and the audit table in agreement after start-up recovery.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateFlow } from '../../src/flow/validate.js';
import { buildRegistry } from '../../src/nodes/registry.js';
import { buildCli, repoRoot } from '../cli/run-cli.js';
import { simpleFlow } from '../helpers/flow-store.js';
import { git, makeRepo } from '../helpers/git-repo.js';
import { removeDir } from '../helpers/service.js';

const TOKEN = 'crash-test-token';
const WORKERS = 3;
const MIN_ROUNDS = 8;
const MAX_ROUNDS = 30;
/** The rounds stop after this much time, so the whole test stays under a minute on a slow machine. */
const TIME_BUDGET_MS = 30_000;
const registry = buildRegistry();

interface Acknowledged {
  flow: string;
  action: string;
  /** The commit the answer named; null for a delete, whose answer has no body. */
  commit: string | null;
}

interface Running {
  child: ChildProcess;
  url: string;
  exited: Promise<unknown>;
}

let dir: string;
let flowsDir: string;
let configFile: string;

/** Root of a private copy of the build, so that a rebuild of dist/ by another test cannot change the service mid-test. */
let buildRoot: string;

/**
 * Copies dist/ into a temporary package root, under the lock that buildCli takes while it
 * compiles, and links what the compiled service reads at run time.
 */
async function copyBuild(): Promise<string> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hookflow-crash-build-'));
  const lock = path.join(repoRoot, 'dist', '.cli-test-build.lock');
  for (let attempt = 0; ; attempt++) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (err) {
      if (attempt > 600) throw new Error(`waited 60 s for ${lock}; remove it if no build runs`, { cause: err });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    fs.cpSync(path.join(repoRoot, 'dist'), path.join(root, 'dist'), { recursive: true, filter: (source) => !source.endsWith('.lock') });
  } finally {
    fs.rmdirSync(lock);
  }
  for (const name of ['node_modules', 'schemas', 'flows.d', 'package.json']) fs.symlinkSync(path.join(repoRoot, name), path.join(root, name));
  fs.mkdirSync(path.join(root, 'bin'));
  fs.copyFileSync(path.join(repoRoot, 'bin', 'hookflow'), path.join(root, 'bin', 'hookflow'));
  return root;
}

beforeAll(async () => {
  await buildCli();
  buildRoot = await copyBuild();
  const flows: Record<string, string> = {};
  for (let worker = 0; worker < WORKERS; worker++) flows[`flows.d/w${worker}.json`] = `${JSON.stringify(simpleFlow(`w${worker}`), null, 2)}\n`;
  dir = makeRepo(flows);
  flowsDir = path.join(dir, 'flows.d');
  configFile = path.join(dir, 'webhook-config.yaml');
  fs.writeFileSync(configFile, 'server:\n  host: 127.0.0.1\n  port: 0\nflows_dir: flows.d\ndata_dir: data\nlog:\n  level: info\n');
}, 120_000);

afterAll(() => {
  removeDir(dir);
  removeDir(buildRoot);
});

async function start(): Promise<Running> {
  const child = spawn(process.execPath, [path.join(buildRoot, 'bin', 'hookflow'), 'serve', '--config', configFile], {
    cwd: dir, env: { ...process.env, HOOKFLOW_OPERATOR_TOKEN: TOKEN }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stderr: Buffer[] = [];
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
  const url = await Promise.race([
    new Promise<string>((resolve) => {
      readline.createInterface({ input: child.stdout! }).on('line', (line) => {
        if (line.includes('hookflow listening')) resolve(JSON.parse(line).url);
      });
    }),
    exited.then(() => {
      throw new Error(`hookflow exited before listening: ${Buffer.concat(stderr).toString()}`);
    }),
  ]);
  for (let attempt = 0; attempt < 500; attempt++) {
    if ((await fetch(`${url}/healthz`)).status === 200) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { child, url, exited };
}

async function call(url: string, method: string, route: string, body?: unknown): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${url}${route}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** Changes flows until the service dies; returns what it acknowledged and any answer that was not a success. */
async function mutate(url: string, worker: number, round: number, acknowledged: Acknowledged[], unexpected: string[]): Promise<void> {
  const own = `w${worker}`;
  for (let step = 0; ; step++) {
    const temp = `t${worker}-${round}-${step}`;
    const plan: [string, string, unknown, string, string][] = [
      ['PATCH', `/flows/${own}`, { priority: round * 1000 + step }, own, 'update'],
      ['POST', `/flows/${own}/${step % 2 === 0 ? 'disable' : 'enable'}`, undefined, own, step % 2 === 0 ? 'disable' : 'enable'],
      ['POST', '/flows', simpleFlow(temp), temp, 'create'],
      ['DELETE', `/flows/${temp}`, undefined, temp, 'delete'],
    ];
    for (const [method, route, body, flow, action] of plan) {
      let answer;
      try {
        answer = await call(url, method, route, body);
      } catch {
        return; // The service was killed.
      }
      if (answer.status >= 200 && answer.status < 300) {
        if (answer.body?.changed !== false) acknowledged.push({ flow, action, commit: answer.body?.commit ?? null });
      } else {
        unexpected.push(`${method} ${route}: ${answer.status} ${JSON.stringify(answer.body)}`);
      }
    }
  }
}

/** Asserts that every `*.json` in the flows folder is a whole, valid flow. */
function expectWholeFlowFiles(): void {
  for (const name of fs.readdirSync(flowsDir).filter((entry) => entry.endsWith('.json'))) {
    const text = fs.readFileSync(path.join(flowsDir, name), 'utf8');
    const result = validateFlow(JSON.parse(text), { registry, fileName: name });
    expect(result.ok, `${name}: ${text}`).toBe(true);
  }
}

function expectAcknowledgedRecorded(acknowledged: Acknowledged[]): void {
  const db = new Database(path.join(dir, 'data', 'hookflow.db'), { readonly: true });
  try {
    const history = new Set(git(dir, 'rev-list', 'HEAD').split('\n'));
    const deletes = new Map<string, number>();
    for (const change of acknowledged) {
      if (change.commit === null) {
        deletes.set(change.flow, (deletes.get(change.flow) ?? 0) + 1);
        continue;
      }
      expect(history.has(change.commit), `${change.action} of ${change.flow}: commit ${change.commit} in git`).toBe(true);
      const row = db.prepare('SELECT action FROM flow_audit WHERE flow_id = ? AND "commit" = ?').get(change.flow, change.commit) as { action: string } | undefined;
      expect(row?.action, `${change.action} of ${change.flow}: audit row for ${change.commit}`).toBe(change.action);
    }
    for (const [flow, count] of deletes) {
      const rows = db.prepare(`SELECT "commit" FROM flow_audit WHERE flow_id = ? AND action = 'delete'`).all(flow) as { commit: string }[];
      expect(rows.length, `deletes of ${flow}`).toBeGreaterThanOrEqual(count);
      for (const row of rows) expect(history.has(row.commit), `delete of ${flow}: commit ${row.commit} in git`).toBe(true);
    }
  } finally {
    db.close();
  }
}

describe('kill -9 during flow changes', () => {
  it('keeps every acknowledged change whole', async () => {
    const acknowledged: Acknowledged[] = [];
    const unexpected: string[] = [];
    const started = Date.now();
    let rounds = 0;

    while (rounds < MAX_ROUNDS && (rounds < MIN_ROUNDS || Date.now() - started < TIME_BUDGET_MS)) {
      const service = await start();
      const check = await call(service.url, 'GET', '/check');
      expect(check.body.problems, `check after restart ${rounds}`).toEqual([]);
      expectAcknowledgedRecorded(acknowledged);

      const workers = Array.from({ length: WORKERS }, (_, worker) => mutate(service.url, worker, rounds, acknowledged, unexpected));
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 250));
      service.child.kill('SIGKILL');
      await service.exited;
      await Promise.all(workers);

      expectWholeFlowFiles();
      rounds++;
    }

    const last = await start();
    try {
      expect((await call(last.url, 'GET', '/check')).body).toMatchObject({ ok: true, problems: [] });
      expectAcknowledgedRecorded(acknowledged);
      expectWholeFlowFiles();
      expect(fs.readdirSync(flowsDir).filter((name) => name.endsWith('.hookflow-tmp'))).toEqual([]);
    } finally {
      last.child.kill('SIGTERM');
      await last.exited;
    }
    expect(unexpected).toEqual([]);
    expect(acknowledged.length).toBeGreaterThan(rounds);
  }, 120_000);
});
