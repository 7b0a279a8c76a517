/**
 * Latency from a completed rename-over save of a flow file to the new version serving
 * (target: p99 <= 50 ms).
 *
 * Starts the service in this process over a temporary git repository with 1,000 flows and
 * the default reconcile settings (hand edits are committed). Each sample writes a changed
 * version of one flow to a temporary file, renames it over the flow file, and takes the time
 * from the return of `rename` to the moment the dispatcher's flow table receives that version
 * (`FlowTable.upsert` is wrapped to note it). Saves are `--gap` ms apart, as a person saves.
 * A save that comes while the previous save's commit still runs waits for it, because both go
 * through the service's one queue of flow changes; `--no-commit` sets
 * `reconcile.commit_hand_edits: false` to show the latency without that wait.
 *
 * Usage: node bench/reconcile-save-latency.bench.mjs [--json] [--flows N] [--saves N] [--gap MS] [--no-commit]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { configFromObject } from '../dist/config/load.js';
import { startService } from '../dist/service.js';
import { examplePayload } from './lib/example-payload.mjs';
import { generateFlows } from './lib/flow-generator.mjs';
import { report } from './lib/report.mjs';
import { mean, percentile } from './lib/stats.mjs';
import { flowFiles, makeTempRepo, removeDir } from './lib/temp-repo.mjs';

const { values: options } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    flows: { type: 'string', default: '1000' },
    saves: { type: 'string', default: '200' },
    gap: { type: 'string', default: '150' },
    'no-commit': { type: 'boolean', default: false },
  },
});
const FLOW_COUNT = Number(options.flows);
const SAVES = Number(options.saves);
const GAP_MS = Number(options.gap);
const WAIT_LIMIT_MS = 5000;
const TARGET_P99_MS = 50;

const payload = examplePayload('issues', 'opened');
const flows = generateFlows({ count: FLOW_COUNT, matching: 3, target: { key: 'issues.opened', repository: payload.repository.full_name } });
const dir = makeTempRepo(flowFiles(flows));
const config = configFromObject({
  server: { host: '127.0.0.1', port: 0 }, flows_dir: 'flows.d', data_dir: 'data',
  reconcile: { commit_hand_edits: !options['no-commit'] },
}, dir);
const service = await startService(config, { log: pino({ level: 'silent' }), env: { ...process.env, HOOKFLOW_OPERATOR_TOKEN: 'bench-token' } });

// Notes when the flow table receives the version a sample waits for.
const table = service.context.dispatcher.flows;
const upsert = table.upsert.bind(table);
let waiting = null;
table.upsert = (compiled) => {
  upsert(compiled);
  if (waiting && compiled.flow.id === waiting.id && compiled.flow.description === waiting.description) waiting.resolve(performance.now());
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

try {
  await sleep(500);
  const latencies = [];
  for (let sample = 0; sample < SAVES; sample++) {
    const doc = structuredClone(flows[sample % flows.length]);
    doc.description = `bench save ${sample}`;
    const file = path.join(config.flows_dir, `${doc.id}.json`);
    const temp = path.join(config.flows_dir, `.${doc.id}.json.bench-tmp`);

    const served = new Promise((resolve, reject) => {
      waiting = { id: doc.id, description: doc.description, resolve };
      setTimeout(() => reject(new Error(`save ${sample} of ${doc.id} did not serve within ${WAIT_LIMIT_MS} ms`)), WAIT_LIMIT_MS).unref();
    });
    fs.writeFileSync(temp, `${JSON.stringify(doc, null, 2)}\n`);
    fs.renameSync(temp, file);
    const saved = performance.now();
    latencies.push((await served) - saved);
    waiting = null;
    await sleep(GAP_MS);
  }

  report({
    bench: 'reconcile-save-latency',
    title: `Rename-over save to new version serving, ${SAVES} saves among ${FLOW_COUNT} flows (in-process service, commit_hand_edits ${!options['no-commit']})`,
    metrics: [
      { name: 'p50', value: percentile(latencies, 50), unit: 'ms' },
      { name: 'p99', value: percentile(latencies, 99), unit: 'ms', target: { max: TARGET_P99_MS } },
      { name: 'max', value: Math.max(...latencies), unit: 'ms' },
      { name: 'mean', value: mean(latencies), unit: 'ms' },
    ],
    notes: [`saves ${GAP_MS} ms apart; each save is audited${options['no-commit'] ? '' : ' and committed'} after it serves`],
    details: { flows: FLOW_COUNT, saves: SAVES, gap_ms: GAP_MS, commit_hand_edits: !options['no-commit'] },
  });
} finally {
  await service.close();
  removeDir(dir);
}
