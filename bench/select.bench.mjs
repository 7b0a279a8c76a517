/**
 * Flow selection time for one event with 10,000 flows loaded (target: <= 50 µs per call, held
 * to the mean and to the 99th percentile).
 *
 * Builds a FlowTable from generated flows that pass the validator and are compiled as the
 * service compiles them, then times `select()` for a real `issues.opened` event from
 * @octokit/webhooks-examples, one call at a time.
 *
 * Usage: node bench/select.bench.mjs [--json] [--flows N] [--calls N]
 */
import { parseArgs } from 'node:util';
import { FlowTable } from '../dist/dispatch/selection.js';
import { compileFlow } from '../dist/engine/compile.js';
import { normalizeEvent } from '../dist/flow/event.js';
import { validateFlow } from '../dist/flow/validate.js';
import { buildRegistry } from '../dist/nodes/registry.js';
import { examplePayload } from './lib/example-payload.mjs';
import { generateFlows } from './lib/flow-generator.mjs';
import { report } from './lib/report.mjs';
import { mean, percentile } from './lib/stats.mjs';

const { values: options } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    flows: { type: 'string', default: '10000' },
    calls: { type: 'string', default: '50000' },
  },
});
const FLOW_COUNT = Number(options.flows);
const CALLS = Number(options.calls);
const WARMUP_CALLS = 5000;
const TARGET_US = 50;

const payload = examplePayload('issues', 'opened');
const event = normalizeEvent({ id: 'bench-select', source: 'github', type: 'issues', payload });
const registry = buildRegistry();

// Load: validate and compile every flow, as the service does for each flow file.
const table = new FlowTable();
for (const doc of generateFlows({ count: FLOW_COUNT, matching: 3, target: { key: event.key, repository: event.repository } })) {
  const result = validateFlow(doc, { registry, fileName: `${doc.id}.json` });
  if (!result.ok) throw new Error(`generated flow ${doc.id} is invalid: ${JSON.stringify(result.problems)}`);
  table.upsert(compileFlow(result.flow, registry));
}

// Measure: one timer pair per call, after a warm-up that lets the JIT settle.
let selection;
for (let i = 0; i < WARMUP_CALLS; i++) selection = table.select(event);
const samplesUs = new Float64Array(CALLS);
for (let i = 0; i < CALLS; i++) {
  const started = performance.now();
  selection = table.select(event);
  samplesUs[i] = (performance.now() - started) * 1000;
}

report({
  bench: 'select',
  title: `Flow selection for one ${event.key} event (${table.size} flows loaded)`,
  metrics: [
    { name: 'mean', value: mean(samplesUs), unit: 'µs', target: { max: TARGET_US } },
    { name: 'p50', value: percentile(samplesUs, 50), unit: 'µs' },
    { name: 'p99', value: percentile(samplesUs, 99), unit: 'µs', target: { max: TARGET_US } },
    { name: 'max', value: percentile(samplesUs, 100), unit: 'µs' },
  ],
  notes: [
    `${CALLS} calls after ${WARMUP_CALLS} warm-up calls; each call selects ${selection.selected.length} flows and suppresses ${selection.suppressed.length}`,
    `${candidateCount(table, event.key)} flows are candidates for ${event.key} in the trigger index`,
  ],
  details: { flows: table.size, calls: CALLS, selected: selection.selected.map((c) => c.flow.id), suppressed: selection.suppressed },
});

/** Flows the trigger index hands to the matcher for `key`, read from the table's private index when it has one. */
function candidateCount(flowTable, key) {
  return flowTable.index?.candidates?.(key)?.size ?? 'unknown';
}
