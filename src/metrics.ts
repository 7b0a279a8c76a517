import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The service's Prometheus metrics, on a registry of their own so several services can share a process. */
export interface Metrics {
  registry: Registry;
  eventsReceived: Counter<'source' | 'key'>;
  runs: Counter<'flow' | 'status'>;
  runDuration: Histogram<'flow'>;
  budgetRefusals: Counter<'flow'>;
  flowsLoaded: Gauge<'state'>;
  selectSeconds: Histogram<string>;
  mutationSeconds: Histogram<'step'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  // The default metrics already start with process_ or nodejs_, so the prefix is the service name alone.
  collectDefaultMetrics({ register: registry, prefix: 'hookflow_' });

  return {
    registry,
    eventsReceived: new Counter({
      name: 'hookflow_events_received_total',
      help: 'Webhook events accepted, by source and event key.',
      labelNames: ['source', 'key'],
      registers: [registry],
    }),
    runs: new Counter({
      name: 'hookflow_runs_total',
      help: 'Finished flow runs, by flow and final status.',
      labelNames: ['flow', 'status'],
      registers: [registry],
    }),
    runDuration: new Histogram({
      name: 'hookflow_run_duration_seconds',
      help: 'Wall time of a flow run, from start to finish.',
      labelNames: ['flow'],
      buckets: [0.001, 0.005, 0.02, 0.1, 0.5, 2, 10, 60],
      registers: [registry],
    }),
    budgetRefusals: new Counter({
      name: 'hookflow_budget_refusals_total',
      help: 'Mutating calls refused because the flow spent its budget.',
      labelNames: ['flow'],
      registers: [registry],
    }),
    flowsLoaded: new Gauge({
      name: 'hookflow_flows',
      help: 'Flows known to the service, by state (active, disabled, stale, invalid).',
      labelNames: ['state'],
      registers: [registry],
    }),
    selectSeconds: new Histogram({
      name: 'hookflow_dispatch_select_seconds',
      help: 'Time to select the flows for one event.',
      buckets: [0.000005, 0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.01],
      registers: [registry],
    }),
    mutationSeconds: new Histogram({
      name: 'hookflow_mutation_step_seconds',
      help: 'Time of each step of a flow mutation (validate, write, commit, audit, apply).',
      labelNames: ['step'],
      buckets: [0.0005, 0.002, 0.01, 0.05, 0.2, 1, 5],
      registers: [registry],
    }),
  };
}
