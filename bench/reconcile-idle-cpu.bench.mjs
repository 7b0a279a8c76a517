/**
 * CPU the service uses while nothing changes, with 10,000 flow files watched.
 *
 * Writes the flows into a temporary git repository, starts `node bin/hookflow serve` as a child
 * process with the default reconcile settings (resync every 60 s), waits for its "watching
 * flows_dir for changes" log line and `--settle` more seconds, then reads the CPU time of the
 * serve process and of its children, which include the chokidar watcher process (utime + stime
 * from /proc/<pid>/stat, Linux only), over `--seconds` seconds. A window of 60 s
 * or more contains at least one periodic resync, whose scans are timed from the child's debug
 * log lines. The child is stopped with SIGTERM, by its pid.
 *
 * The default settle time is two minutes because V8 keeps collecting the start-up garbage of
 * 10,000 compiled flows for a while after start (its GC threads showed about 1 % of a core in
 * the first minute); the window should show the service's steady state.
 *
 * Usage: node bench/reconcile-idle-cpu.bench.mjs [--json] [--flows N] [--seconds N] [--settle N]
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
import { flowFiles, makeTempRepo, removeDir } from './lib/temp-repo.mjs';

const { values: options } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    flows: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '65' },
    settle: { type: 'string', default: '120' },
  },
});
const FLOW_COUNT = Number(options.flows);
const WINDOW_SECONDS = Number(options.seconds);
const SETTLE_SECONDS = Number(options.settle);
const START_TIMEOUT_MS = 120_000;
const BIN = fileURLToPath(new URL('../bin/hookflow', import.meta.url));
// Kernel clock ticks per second for /proc/<pid>/stat; 100 on every mainstream Linux build (USER_HZ).
const CLOCK_TICKS = 100;

const payload = examplePayload('issues', 'opened');
const flows = generateFlows({ count: FLOW_COUNT, matching: 3, target: { key: 'issues.opened', repository: payload.repository.full_name } });
const dir = makeTempRepo(flowFiles(flows));
const configFile = path.join(dir, 'webhook-config.yaml');
// Debug level for the "flows_dir scanned" lines; nothing else logs while the service is idle.
fs.writeFileSync(configFile, 'server:\n  host: 127.0.0.1\n  port: 0\nflows_dir: flows.d\ndata_dir: data\nlog:\n  level: debug\n');

const child = spawn(process.execPath, [BIN, 'serve', '--config', configFile], {
  cwd: dir, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, HOOKFLOW_OPERATOR_TOKEN: 'bench-token' },
});
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

try {
  const scans = [];
  let watchingAt = null;
  const started = performance.now();
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    let entry;
    try {
      entry = JSON.parse(line);
    } catch {
      return;
    }
    if (entry.msg === 'watching flows_dir for changes') watchingAt = performance.now();
    if (entry.msg === 'flows_dir scanned') scans.push({ at: performance.now(), duration_ms: entry.duration_ms, changed: entry.changed });
  });

  while (watchingAt === null) {
    if (child.exitCode !== null) throw new Error(`hookflow serve exited with ${child.exitCode} before it watched flows_dir`);
    if (performance.now() - started > START_TIMEOUT_MS) throw new Error(`hookflow serve did not watch flows_dir within ${START_TIMEOUT_MS} ms`);
    await sleep(50);
  }
  await sleep(SETTLE_SECONDS * 1000);

  const processes = [child.pid, ...childrenOf(child.pid)];
  const before = sum(processes.map(cpuTicks));
  const windowStart = performance.now();
  await sleep(WINDOW_SECONDS * 1000);
  const after = sum(processes.map(cpuTicks));
  const windowEnd = performance.now();
  const rssMb = sum(processes.map(residentMb));

  const cpuSeconds = (after - before) / CLOCK_TICKS;
  const scansInWindow = scans.filter((scan) => scan.at >= windowStart && scan.at <= windowEnd);
  report({
    bench: 'reconcile-idle-cpu',
    title: `Idle service watching ${FLOW_COUNT} flow files for ${WINDOW_SECONDS} s (node bin/hookflow serve, resync every 60 s)`,
    metrics: [
      { name: 'CPU', value: (100 * cpuSeconds) / WINDOW_SECONDS, unit: '% of one core', digits: 3 },
      { name: 'CPU time in window', value: cpuSeconds, unit: 's' },
      { name: 'resync scans in window', value: scansInWindow.length, unit: '', digits: 0 },
      { name: 'resync scan time (max)', value: Math.max(0, ...scansInWindow.map((scan) => scan.duration_ms)), unit: 'ms', digits: 0 },
      { name: 'watcher start after spawn', value: (watchingAt - started) / 1000, unit: 's' },
      { name: 'RSS', value: rssMb, unit: 'MB', digits: 0 },
    ],
    notes: [`CPU time and RSS are summed over the serve process and its ${processes.length - 1} child process(es), from /proc`],
    details: { flows: FLOW_COUNT, window_seconds: WINDOW_SECONDS, scans: scansInWindow },
  });
} finally {
  child.kill('SIGTERM');
  await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
  removeDir(dir);
}

function sum(values) {
  return values.reduce((total, value) => total + value, 0);
}

/** Pids whose parent is `pid`, from the fourth field of every /proc/<pid>/stat. */
function childrenOf(pid) {
  const children = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === pid) children.push(Number(name));
    } catch {
      // The process ended between readdir and the read.
    }
  }
  return children;
}

function cpuTicks(pid) {
  // Fields after the command name, which is in parentheses and may contain spaces: utime and stime are fields 14 and 15.
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function residentMb(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}
