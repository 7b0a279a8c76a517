/**
 * Flow mutation latency against bare git (target: p50 and p99 of a PATCH at most 1.5 times the
 * p50 and p99 of a bare `git add` + `git commit` of the same bytes, measured in the same run).
 *
 * Starts `node bin/hookflow serve` as a child process over a temporary git repository with
 * `--flows` flows. Each of `--samples` rounds first takes a bare sample: it writes the bytes of
 * the changed flow to a file outside the flows folder of the same repository, then runs
 * `git add` and `git commit -q` through child_process.execFile. Then it sends a PATCH /flows/:id
 * that changes that flow's priority, timed over the HTTP round trip (validate, atomic write with
 * fsync, commit, audit row, swap into the dispatcher). Alternating keeps both samples exposed to
 * the same disk and CPU load.
 *
 * A third sample repeats the PATCH, which then changes nothing and writes nothing: it shows the
 * part of the latency that is HTTP, reading and validation. Then, on a second repository and in
 * this process, it times the write path alone (writeFlowChange: atomic write, commit, audit row),
 * without HTTP and without the reconcile loop's file watcher, alternating with bare git again.
 *
 * It also times, in this process, simple-git 3 running the same add + commit two ways, because
 * simple-git waits 50 ms after every git command that prints nothing (its completion-detection
 * plugin): a plain `add` pays that wait, while `add --verbose`, which hookflow uses, does not.
 * The per-step means come from the service's hookflow_mutation_step_seconds histogram.
 *
 * Usage: node bench/mutation-latency.bench.mjs [--json] [--samples N] [--flows N]
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import pino from 'pino';
import { simpleGit } from 'simple-git';
import { openDatabase } from '../dist/store/db.js';
import { FlowCommitIndex } from '../dist/store/flow-commits.js';
import { writeFlowChange } from '../dist/store/flow-writer.js';
import { ensureRepository } from '../dist/store/git.js';
import { generateFlows } from './lib/flow-generator.mjs';
import { report } from './lib/report.mjs';
import { percentile } from './lib/stats.mjs';
import { flowFiles, makeTempRepo, removeDir } from './lib/temp-repo.mjs';

const { values: options } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    samples: { type: 'string', default: '200' },
    flows: { type: 'string', default: '100' },
  },
});
const SAMPLES = Number(options.samples);
const FLOW_COUNT = Number(options.flows);
const WARMUP = 10;
const SIMPLE_GIT_SAMPLES = Math.min(40, SAMPLES);
const TARGET_RATIO = 1.5;
const TOKEN = 'bench-operator-token';
const BIN = fileURLToPath(new URL('../bin/hookflow', import.meta.url));
const GIT_ENV = {
  PATH: process.env.PATH,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@hookflow.invalid',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@hookflow.invalid',
};
const execGit = promisify(execFile);

const flows = generateFlows({ count: FLOW_COUNT, matching: 1, target: { key: 'issues.opened', repository: 'acme/widgets' } });
const dir = makeTempRepo(flowFiles(flows));
const baselineDir = path.join(dir, 'baseline');
fs.mkdirSync(baselineDir);
const simpleGitClient = simpleGit({ baseDir: baselineDir, unsafe: { allowUnsafeConfigPaths: true }, config: ['core.abbrev=no'] }).env(GIT_ENV);
const configFile = path.join(dir, 'webhook-config.yaml');
fs.writeFileSync(configFile, 'server:\n  host: 127.0.0.1\n  port: 0\nflows_dir: flows.d\ndata_dir: data\nlog:\n  level: info\n');

const child = spawn(process.execPath, [BIN, 'serve', '--config', configFile], {
  cwd: dir, env: { ...process.env, HOOKFLOW_OPERATOR_TOKEN: TOKEN }, stdio: ['ignore', 'pipe', 'pipe'],
});
const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
const stderr = [];
child.stderr.on('data', (chunk) => stderr.push(chunk));

try {
  const url = await Promise.race([
    readListeningUrl(child.stdout),
    exited.then(({ code, signal }) => {
      throw new Error(`hookflow exited (code ${code}, signal ${signal}) before listening: ${Buffer.concat(stderr).toString().slice(0, 2000)}`);
    }),
  ]);

  await waitUntilReady(url);

  const patch = [];
  const bare = [];
  const unchanged = [];
  for (let index = 0; index < WARMUP + SAMPLES; index++) {
    const flow = flows[index % flows.length];
    const priority = index + 1;
    const bytes = `${JSON.stringify({ ...flow, priority }, null, 2)}\n`;

    const bareMs = await timeBareCommit(`${flow.id}.json`, bytes);
    const patchMs = await timePatch(url, flow.id, priority);
    // The same PATCH again changes nothing and writes nothing: HTTP, reading and validation alone.
    const unchangedMs = await timePatch(url, flow.id, priority);
    if (index >= WARMUP) {
      bare.push(bareMs);
      patch.push(patchMs);
      unchanged.push(unchangedMs);
    }
  }

  const { core, coreBare } = await timeCoreWritePath();

  const plainAdd = [];
  const verboseAdd = [];
  const execAdd = [];
  for (let index = 0; index < SIMPLE_GIT_SAMPLES; index++) {
    plainAdd.push(await timeSimpleGit(['add', '--', 'sg-plain.json'], 'sg-plain.json', index));
    verboseAdd.push(await timeSimpleGit(['add', '--verbose', '--', 'sg-verbose.json'], 'sg-verbose.json', index));
    execAdd.push(await timeBareCommit('exec.json', `${index}\n`));
  }
  const steps = await readStepMeans(url);

  const p50Ratio = percentile(patch, 50) / percentile(bare, 50);
  const p99Ratio = percentile(patch, 99) / percentile(bare, 99);
  report({
    bench: 'mutation-latency',
    title: `Flow mutation latency: PATCH /flows/:id vs bare git add + commit (${SAMPLES} samples each, ${FLOW_COUNT} flows)`,
    metrics: [
      { name: 'PATCH p50', value: percentile(patch, 50), unit: 'ms' },
      { name: 'PATCH p99', value: percentile(patch, 99), unit: 'ms' },
      { name: 'bare git p50', value: percentile(bare, 50), unit: 'ms' },
      { name: 'bare git p99', value: percentile(bare, 99), unit: 'ms' },
      { name: 'PATCH that changes nothing p50', value: percentile(unchanged, 50), unit: 'ms' },
      { name: 'write path alone p50 (no HTTP, no watcher)', value: percentile(core, 50), unit: 'ms' },
      { name: 'bare git p50 (same loop)', value: percentile(coreBare, 50), unit: 'ms' },
      { name: 'ratio p50', value: p50Ratio, unit: '', target: { max: TARGET_RATIO } },
      { name: 'ratio p99', value: p99Ratio, unit: '', target: { max: TARGET_RATIO } },
      { name: 'simple-git add + commit p50 (plain add)', value: percentile(plainAdd, 50), unit: 'ms' },
      { name: 'simple-git add + commit p50 (add --verbose)', value: percentile(verboseAdd, 50), unit: 'ms' },
      { name: 'execFile add + commit p50 (same loop)', value: percentile(execAdd, 50), unit: 'ms' },
    ],
    notes: [
      `mean per step of a mutation (ms): ${Object.entries(steps).map(([step, ms]) => `${step} ${ms.toFixed(2)}`).join(', ')}`,
      `simple-git and execFile samples: ${SIMPLE_GIT_SAMPLES} each, alternating, in the benchmark process; a plain add waits for simple-git's 50 ms completion delay`,
    ],
    details: { samples: SAMPLES, flows: FLOW_COUNT, steps },
  });
} finally {
  await stopChild();
  removeDir(dir);
}

async function timePatch(url, id, priority) {
  const started = performance.now();
  const response = await fetch(`${url}/flows/${id}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/merge-patch+json' },
    body: JSON.stringify({ priority }),
  });
  const text = await response.text();
  const elapsed = performance.now() - started;
  if (response.status !== 200) throw new Error(`PATCH /flows/${id} failed with status ${response.status}: ${text}`);
  return elapsed;
}

async function timeBareCommit(name, bytes) {
  const started = performance.now();
  fs.writeFileSync(path.join(baselineDir, name), bytes);
  await execGit('git', ['add', '--', name], { cwd: baselineDir, env: GIT_ENV });
  await execGit('git', ['commit', '-q', '-m', `baseline ${name}`, '--', name], { cwd: baselineDir, env: GIT_ENV });
  return performance.now() - started;
}

/** Times `addArgs` then `git commit` of `name` through simple-git, with the options hookflow passes. */
async function timeSimpleGit(addArgs, name, index) {
  fs.writeFileSync(path.join(baselineDir, name), `${index}\n`);
  const started = performance.now();
  await simpleGitClient.raw(addArgs);
  await simpleGitClient.raw(['commit', '-m', `simple-git ${name}`, '--', name]);
  return performance.now() - started;
}

/**
 * Times writeFlowChange (atomic write, commit, audit row) in this process, on a second
 * repository with the same flows and no service around it, alternating with bare git samples.
 */
async function timeCoreWritePath() {
  const coreDir = makeTempRepo(flowFiles(flows));
  const baseDir = path.join(coreDir, 'baseline');
  fs.mkdirSync(baseDir);
  const operator = { name: 'bench', email: 'bench@hookflow.invalid' };
  const db = openDatabase(path.join(coreDir, 'data', 'hookflow.db'));
  try {
    const { repo } = await ensureRepository(path.join(coreDir, 'flows.d'), operator);
    const commits = new FlowCommitIndex(repo);
    await commits.sync();
    const deps = { repo, db, commits, journalFile: path.join(coreDir, 'data', 'journal.json'), log: pino({ level: 'silent' }) };

    const core = [];
    const coreBare = [];
    for (let index = 0; index < SIMPLE_GIT_SAMPLES * 2; index++) {
      const flow = flows[index % flows.length];
      const file = path.join(repo.dir, `${flow.id}.json`);
      const text = `${JSON.stringify({ ...flow, priority: -index - 1 }, null, 2)}\n`;

      let started = performance.now();
      fs.writeFileSync(path.join(baseDir, `${flow.id}.json`), text);
      await execGit('git', ['add', '--', `${flow.id}.json`], { cwd: baseDir, env: GIT_ENV });
      await execGit('git', ['commit', '-q', '-m', 'baseline', '--', `${flow.id}.json`], { cwd: baseDir, env: GIT_ENV });
      coreBare.push(performance.now() - started);

      const before = fs.readFileSync(file);
      started = performance.now();
      await writeFlowChange(deps, { id: flow.id, action: 'update', text, before, operator, apply() {} });
      core.push(performance.now() - started);
    }
    return { core, coreBare };
  } finally {
    db.close();
    removeDir(coreDir);
  }
}

/** Mean milliseconds per step from the service's Prometheus histogram. */
async function readStepMeans(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const sums = {};
  const counts = {};
  for (const line of text.split('\n')) {
    const match = /^hookflow_mutation_step_seconds_(sum|count)\{step="(\w+)"\} ([\d.e+-]+)$/.exec(line);
    if (!match) continue;
    (match[1] === 'sum' ? sums : counts)[match[2]] = Number(match[3]);
  }
  return Object.fromEntries(Object.keys(sums).map((step) => [step, (sums[step] / counts[step]) * 1000]));
}

/** Polls GET /healthz until the initial load of flows has finished. */
async function waitUntilReady(url) {
  for (let attempt = 0; attempt < 3000; attempt++) {
    if ((await fetch(`${url}/healthz`)).status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('/healthz did not return 200 within 30 s');
}

function readListeningUrl(stdout) {
  return new Promise((resolve) => {
    const lines = readline.createInterface({ input: stdout });
    lines.on('line', (line) => {
      if (!line.includes('hookflow listening')) return;
      try {
        resolve(JSON.parse(line).url);
      } catch {
        // A line that merely mentions the phrase is not the log record; keep reading.
      }
    });
  });
}

/** Sends SIGTERM to the child by its pid, and SIGKILL if it has not exited after 5 s. */
async function stopChild() {
  if (child.exitCode !== null || child.signalCode !== null) return;
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
  }, 5000);
  await exited;
  clearTimeout(timer);
}
