/**
 * Start-up time and memory with 10,000 flows (targets: <= 2 s until /healthz returns 200,
 * <= 300 MB resident memory at that moment).
 *
 * Writes the flow files into a temporary git repository and commits them, then starts
 * `node bin/hookflow serve --config <file>` as a child process on an ephemeral port, reads the
 * URL from its "hookflow listening" log line, and polls GET /healthz until it returns 200.
 * The time runs from the spawn to that answer; the memory is VmRSS from /proc/<pid>/status
 * right after it (Linux only). The child is stopped with SIGTERM, by its pid.
 *
 * Usage: node bench/startup.bench.mjs [--json] [--flows N] [--runs N]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { examplePayload } from './lib/example-payload.mjs';
import { generateFlows } from './lib/flow-generator.mjs';
import { report } from './lib/report.mjs';
import { median } from './lib/stats.mjs';
import { flowFiles, makeTempRepo, removeDir } from './lib/temp-repo.mjs';

const { values: options } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    flows: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '3' },
  },
});
const FLOW_COUNT = Number(options.flows);
const RUNS = Number(options.runs);
const START_TIMEOUT_MS = 60_000;
const POLL_INTERVAL_MS = 10;
const TARGET_SECONDS = 2;
const TARGET_RSS_MB = 300;
const BIN = fileURLToPath(new URL('../bin/hookflow', import.meta.url));

const payload = examplePayload('issues', 'opened');
const flows = generateFlows({ count: FLOW_COUNT, matching: 3, target: { key: 'issues.opened', repository: payload.repository.full_name } });
const dir = makeTempRepo(flowFiles(flows));
const configFile = path.join(dir, 'webhook-config.yaml');
// Log level info, the default, so the run pays for the per-flow log lines a deployment writes.
fs.writeFileSync(configFile, 'server:\n  host: 127.0.0.1\n  port: 0\nflows_dir: flows.d\ndata_dir: data\nlog:\n  level: info\n');

try {
  const runs = [];
  for (let run = 0; run < RUNS; run++) {
    // A fresh data folder each run, so every start creates its database as a first start does.
    removeDir(path.join(dir, 'data'));
    runs.push(await measureStart());
  }

  const seconds = median(runs.map((run) => run.readyMs)) / 1000;
  const rssMb = median(runs.map((run) => run.rssKb)) / 1024;
  report({
    bench: 'startup',
    title: `Start-up with ${FLOW_COUNT} flow files (node bin/hookflow serve)`,
    metrics: [
      { name: 'time to /healthz 200', value: seconds, unit: 's', target: { max: TARGET_SECONDS } },
      { name: 'RSS at that moment', value: rssMb, unit: 'MB', digits: 0, target: { max: TARGET_RSS_MB } },
    ],
    notes: [
      `median of ${RUNS} starts; per start: ${runs.map((run) => `${(run.readyMs / 1000).toFixed(2)} s, ${(run.rssKb / 1024).toFixed(0)} MB`).join('; ')}`,
      `flows reported active: ${runs.map((run) => run.active).join(', ')}`,
    ],
    details: { flows: FLOW_COUNT, runs },
  });
} finally {
  removeDir(dir);
}

/** Starts the service once, waits for /healthz 200, reads its RSS, and stops it. */
async function measureStart() {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, 'serve', '--config', configFile], {
    cwd: dir,
    env: { ...process.env, HOOKFLOW_OPERATOR_TOKEN: 'bench-operator-token' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr = [];
  child.stderr.on('data', (chunk) => stderr.push(chunk));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  try {
    const url = await Promise.race([
      readListeningUrl(child.stdout),
      exited.then(({ code, signal }) => {
        throw new Error(`hookflow exited (code ${code}, signal ${signal}) before listening: ${Buffer.concat(stderr).toString().slice(0, 2000)}`);
      }),
    ]);

    const health = await pollHealth(url, started);
    const readyMs = performance.now() - started;
    const rssKb = readRssKb(child.pid);
    return { readyMs, rssKb, active: health.flows?.active };
  } finally {
    await stopChild(child, exited);
  }
}

/** Resolves with the URL of the "hookflow listening" line; keeps draining stdout after it. */
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

async function pollHealth(url, started) {
  for (;;) {
    if (performance.now() - started > START_TIMEOUT_MS) throw new Error(`/healthz did not return 200 within ${START_TIMEOUT_MS} ms`);
    try {
      const response = await fetch(`${url}/healthz`);
      const body = await response.json();
      if (response.status === 200) return body;
    } catch {
      // The server is not accepting connections yet; poll again.
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

function readRssKb(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS line in /proc/${pid}/status`);
  return Number(match[1]);
}

/** Sends SIGTERM to the child by its pid, and SIGKILL if it has not exited after 5 s. */
async function stopChild(child, exited) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
  }, 5000);
  await exited;
  clearTimeout(timer);
}
