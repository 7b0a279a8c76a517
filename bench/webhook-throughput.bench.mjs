/**
 * Webhook acceptance throughput with 1,000 flows loaded, as a ratio to a bare Fastify route
 * that reads the same body and checks the same HMAC (target: ratio >= 0.7).
 *
 * The real service runs in this process; the load comes from a child process over keep-alive
 * connections. Every request is a signed `issues.opened` delivery from @octokit/webhooks-examples
 * with a unique delivery id. By default three of the flows match it (two runs, one suppressed
 * by a mutex group), and they only write a debug log line, so the number measures acceptance:
 * signature check, parsing, selection, the SQLite records of the delivery and its runs, and the
 * reply. The runs execute in the same process while the load goes on, so their CPU time counts
 * too; every hookflow round waits for its runs to finish before the next round starts.
 *
 * Usage: node bench/webhook-throughput.bench.mjs [--json] [--flows N] [--matching N]
 *          [--requests N] [--concurrency N] [--rounds N]
 */
import { createHmac, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { configFromObject } from '../dist/config/load.js';
import { startService } from '../dist/service.js';
import { startBaselineServer } from './lib/baseline-server.mjs';
import { examplePayload } from './lib/example-payload.mjs';
import { generateFlows } from './lib/flow-generator.mjs';
import { runLoadInChild } from './lib/http-load.mjs';
import { report } from './lib/report.mjs';
import { median } from './lib/stats.mjs';
import { flowFiles, makeTempRepo, removeDir } from './lib/temp-repo.mjs';

const { values: options } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    flows: { type: 'string', default: '1000' },
    requests: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '3' },
    matching: { type: 'string', default: '3' },
  },
});
const FLOW_COUNT = Number(options.flows);
const REQUESTS = Number(options.requests);
const CONCURRENCY = Number(options.concurrency);
const ROUNDS = Number(options.rounds);
const MATCHING = Number(options.matching);
const WARMUP_REQUESTS = 1000;
const ROUND_TIME_LIMIT_MS = 60_000;
const TARGET_RATIO = 0.7;

const SECRET = `bench-secret-${randomUUID()}`;
const SECRET_ENV = 'HOOKFLOW_BENCH_GITHUB_SECRET';
const payload = examplePayload('issues', 'opened');
const target = { key: 'issues.opened', repository: payload.repository.full_name };
const body = JSON.stringify(payload);
const headers = {
  'content-type': 'application/json',
  'user-agent': 'GitHub-Hookshot/bench',
  'x-github-event': 'issues',
  'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
};

// Set up: flows in a committed git repository, the service, and the baseline.
const flows = generateFlows({ count: FLOW_COUNT, matching: MATCHING, target });
const dir = makeTempRepo(flowFiles(flows));
const config = configFromObject({
  server: { host: '127.0.0.1', port: 0 },
  flows_dir: 'flows.d',
  data_dir: 'data',
  log: { level: 'silent' },
  webhooks: { github: { secret_env: SECRET_ENV } },
  // Room for every run of a round even if none had started, so no delivery is answered 503.
  dispatch: { queue_size: (WARMUP_REQUESTS + REQUESTS) * 3 },
}, dir);
const service = await startService(config, {
  env: { ...process.env, [SECRET_ENV]: SECRET, HOOKFLOW_OPERATOR_TOKEN: `bench-${randomUUID()}` },
});
const baseline = await startBaselineServer({ secret: SECRET });

try {
  const loaded = service.context.board.countByState();
  if (loaded.active !== FLOW_COUNT) throw new Error(`expected ${FLOW_COUNT} active flows, got ${JSON.stringify(loaded)}`);
  const sample = await checkOneDelivery(service.url);

  const sides = {
    hookflow: { url: `${service.url}/webhooks/github`, rates: [], drainMs: [], serverCpuUs: [], loaderCpuShare: [], other: {} },
    baseline: { url: `${baseline.url}/webhooks/github`, rates: [], drainMs: [], serverCpuUs: [], loaderCpuShare: [], other: {} },
  };
  const runRound = async (name, requests, record) => {
    const side = sides[name];
    const cpuStart = process.cpuUsage();
    const result = await runLoadInChild({
      url: side.url, body, headers, idHeader: 'x-github-delivery', idPrefix: `${name}-${randomUUID()}-`,
      requests, concurrency: CONCURRENCY, timeLimitMs: ROUND_TIME_LIMIT_MS,
    });
    // Runs still queued would compete with the next round, so every round starts idle.
    const drainStarted = performance.now();
    if (name === 'hookflow') await service.context.dispatcher.drain();
    const cpu = process.cpuUsage(cpuStart);
    if (!record) return;
    side.rates.push(result.rates['202'] ?? 0);
    side.serverCpuUs.push((cpu.user + cpu.system) / result.sent);
    side.loaderCpuShare.push(result.loaderCpuMs / result.elapsedMs);
    if (name === 'hookflow') side.drainMs.push(performance.now() - drainStarted);
    for (const [status, count] of Object.entries(result.statuses)) {
      if (status !== '202') side.other[status] = (side.other[status] ?? 0) + count;
    }
    if (result.timedOut) side.other.unsent = (side.other.unsent ?? 0) + (requests - result.sent);
  };

  await runRound('hookflow', WARMUP_REQUESTS, false);
  await runRound('baseline', WARMUP_REQUESTS, false);
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? ['hookflow', 'baseline'] : ['baseline', 'hookflow'];
    for (const name of order) await runRound(name, REQUESTS, true);
  }

  const hookflowRate = median(sides.hookflow.rates);
  const baselineRate = median(sides.baseline.rates);
  const notes = [
    `${FLOW_COUNT} flows loaded; each delivery starts ${sample.runs} runs and suppresses ${sample.suppressed}`,
    `${ROUNDS} rounds of ${REQUESTS} requests per side, ${CONCURRENCY} keep-alive connections, medians; rounds alternate`,
    `hookflow rounds per s: ${sides.hookflow.rates.map((r) => r.toFixed(0)).join(', ')}; baseline: ${sides.baseline.rates.map((r) => r.toFixed(0)).join(', ')}`,
    `queued runs finished a median ${median(sides.hookflow.drainMs).toFixed(0)} ms after each hookflow round`,
    `server CPU per delivery (runs included): hookflow ${median(sides.hookflow.serverCpuUs).toFixed(0)} µs, baseline ${median(sides.baseline.serverCpuUs).toFixed(0)} µs`,
    `load generator CPU share of one core: hookflow rounds ${median(sides.hookflow.loaderCpuShare).toFixed(2)}, baseline rounds ${median(sides.baseline.loaderCpuShare).toFixed(2)}`,
  ];
  for (const [name, side] of Object.entries(sides)) {
    if (Object.keys(side.other).length > 0) notes.push(`${name} answers other than 202: ${JSON.stringify(side.other)}`);
  }

  report({
    bench: 'webhook-throughput',
    title: `Webhook acceptance throughput (${FLOW_COUNT} flows loaded)`,
    metrics: [
      { name: 'hookflow', value: hookflowRate, unit: 'deliveries/s', digits: 0 },
      { name: 'bare Fastify + HMAC', value: baselineRate, unit: 'deliveries/s', digits: 0 },
      { name: 'ratio', value: hookflowRate / baselineRate, unit: '', target: { min: TARGET_RATIO } },
    ],
    notes,
    details: {
      flows: FLOW_COUNT, requests: REQUESTS, concurrency: CONCURRENCY, rounds: ROUNDS, body_bytes: Buffer.byteLength(body),
      runs_per_delivery: sample.runs, hookflow_rates: sides.hookflow.rates, baseline_rates: sides.baseline.rates,
      drain_ms: sides.hookflow.drainMs,
      server_cpu_us_per_delivery: { hookflow: sides.hookflow.serverCpuUs, baseline: sides.baseline.serverCpuUs },
      loader_cpu_share: { hookflow: sides.hookflow.loaderCpuShare, baseline: sides.baseline.loaderCpuShare },
      other_answers: { hookflow: sides.hookflow.other, baseline: sides.baseline.other },
    },
  });
} finally {
  await baseline.close();
  await service.close();
  removeDir(dir);
}

/** Posts one delivery and checks that hookflow accepts it and starts the expected runs. */
async function checkOneDelivery(baseUrl) {
  const response = await fetch(`${baseUrl}/webhooks/github`, {
    method: 'POST', body, headers: { ...headers, 'x-github-delivery': `check-${randomUUID()}` },
  });
  const answer = await response.json();
  if (response.status !== 202) throw new Error(`the check delivery was answered ${response.status}: ${JSON.stringify(answer)}`);
  // The first matching flow runs alone; the others share one mutex group, so one of them runs.
  const expectedRuns = Math.min(MATCHING, 1) + Math.min(Math.max(MATCHING - 1, 0), 1);
  if (answer.runs.length !== expectedRuns) throw new Error(`the check delivery started ${answer.runs.length} runs, expected ${expectedRuns}`);
  return { runs: answer.runs.length, suppressed: answer.suppressed.length };
}
