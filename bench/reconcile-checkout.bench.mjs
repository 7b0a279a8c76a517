/**
 * Time for a `git checkout` that changes 1,000 flow files to converge.
 *
 * Builds a temporary repository with 1,000 flows on `main` and a branch `next` that edits every
 * one of them, starts the service in this process, and switches branches `--checkouts` times
 * (next, main, next, ...). For each switch it times, from the start of `git checkout`:
 * - serving: until the flow table serves every flow of the target branch (the table is
 *   polled every millisecond);
 * - recorded: until the 1,000 audit rows of the switch are written (each names the branch
 *   commit; no commit is made).
 * The git command's own duration is reported too.
 *
 * Usage: node bench/reconcile-checkout.bench.mjs [--json] [--flows N] [--checkouts N]
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { promisify } from 'node:util';
import pino from 'pino';
import { configFromObject } from '../dist/config/load.js';
import { startService } from '../dist/service.js';
import { examplePayload } from './lib/example-payload.mjs';
import { generateFlows } from './lib/flow-generator.mjs';
import { report } from './lib/report.mjs';
import { median } from './lib/stats.mjs';
import { flowFiles, git, makeTempRepo, removeDir } from './lib/temp-repo.mjs';

const { values: options } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    flows: { type: 'string', default: '1000' },
    checkouts: { type: 'string', default: '5' },
  },
});
const FLOW_COUNT = Number(options.flows);
const CHECKOUTS = Number(options.checkouts);
const WAIT_LIMIT_MS = 120_000;
const execFileAsync = promisify(execFile);

const payload = examplePayload('issues', 'opened');
const flows = generateFlows({ count: FLOW_COUNT, matching: 3, target: { key: 'issues.opened', repository: payload.repository.full_name } });
const dir = makeTempRepo(flowFiles(flows));
git(dir, 'checkout', '-q', '-b', 'next');
for (const flow of flows) {
  fs.writeFileSync(path.join(dir, 'flows.d', `${flow.id}.json`), `${JSON.stringify({ ...flow, description: 'branch next' }, null, 2)}\n`);
}
git(dir, 'commit', '-q', '-am', 'Edit every flow');
git(dir, 'checkout', '-q', 'main');

const config = configFromObject({ server: { host: '127.0.0.1', port: 0 }, flows_dir: 'flows.d', data_dir: 'data' }, dir);
const service = await startService(config, { log: pino({ level: 'silent' }), env: { ...process.env, HOOKFLOW_OPERATOR_TOKEN: 'bench-token' } });
const { dispatcher, db } = service.context;
const countRows = db.prepare('SELECT count(*) AS n FROM flow_audit');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls every millisecond until `probe()` is true; returns the time it became true. */
async function until(probe, what) {
  const deadline = performance.now() + WAIT_LIMIT_MS;
  while (!probe()) {
    if (performance.now() > deadline) throw new Error(`${what} did not happen within ${WAIT_LIMIT_MS} ms`);
    await sleep(1);
  }
  return performance.now();
}

try {
  await sleep(500);
  const samples = [];
  for (let run = 0; run < CHECKOUTS; run++) {
    const branch = run % 2 === 0 ? 'next' : 'main';
    const rowsBefore = countRows.get().n;

    const started = performance.now();
    const checkout = execFileAsync('git', ['checkout', '-q', branch], { cwd: dir }).then(() => performance.now());
    const serving = await until(() => flows.every((flow) => dispatcher.flows.get(flow.id)?.flow.description === (branch === 'next' ? 'branch next' : flow.description)), `serving branch ${branch}`);
    const recorded = await until(() => countRows.get().n - rowsBefore >= FLOW_COUNT, `recording branch ${branch}`);
    const gitDone = await checkout;
    samples.push({ branch, git_ms: gitDone - started, serving_ms: serving - started, recorded_ms: recorded - started });
    await sleep(500);
  }

  report({
    bench: 'reconcile-checkout',
    title: `git checkout changing ${FLOW_COUNT} flow files, ${CHECKOUTS} switches (in-process service, default reconcile settings)`,
    metrics: [
      { name: 'serving (median)', value: median(samples.map((s) => s.serving_ms)), unit: 'ms', digits: 0 },
      { name: 'serving (max)', value: Math.max(...samples.map((s) => s.serving_ms)), unit: 'ms', digits: 0 },
      { name: 'serving after git finished (median)', value: median(samples.map((s) => s.serving_ms - s.git_ms)), unit: 'ms', digits: 0 },
      { name: 'recorded (median)', value: median(samples.map((s) => s.recorded_ms)), unit: 'ms', digits: 0 },
      { name: 'git checkout itself (median)', value: median(samples.map((s) => s.git_ms)), unit: 'ms', digits: 0 },
    ],
    notes: ['times run from the start of `git checkout`; serving = every flow of the branch served, recorded = every audit row written'],
    details: { flows: FLOW_COUNT, samples },
  });
} finally {
  await service.close();
  removeDir(dir);
}
