import { randomUUID } from 'node:crypto';
import type { Transaction } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { Config } from '../config/model.js';
import { BudgetKeeper } from '../engine/budget.js';
import type { CompiledFlow } from '../engine/compile.js';
import { executeFlow, type RunOutcome } from '../engine/run.js';
import { HookflowError } from '../errors.js';
import type { HookEvent } from '../flow/model.js';
import type { Metrics } from '../metrics.js';
import type { NodeRegistry } from '../nodes/registry.js';
import type { Db } from '../store/db.js';
import { claimDelivery, findDelivery, type DeliveryRecord, type RunRef } from '../store/deliveries.js';
import { insertQueuedRun, markRunFinished, markRunStarted } from '../store/runs.js';
import { RunQueue } from './run-queue.js';
import { FlowTable, type Suppression } from './selection.js';

export interface DeliveryResult {
  duplicate: boolean;
  delivery: string;
  event: string;
  runs: RunRef[];
  suppressed: Suppression[];
}

interface RunJob {
  runId: string;
  compiled: CompiledFlow;
  event: HookEvent;
}

export interface DispatcherOptions {
  db: Db;
  config: Config;
  registry: NodeRegistry;
  metrics: Metrics;
  log: Logger;
}

/** Accepts events: selects flows, records the delivery and its runs, and runs them through the queue. */
export class Dispatcher {
  readonly flows = new FlowTable();
  readonly budget: BudgetKeeper;
  private readonly queue: RunQueue<RunJob>;
  /** Claims the delivery id and inserts its queued runs in one transaction; false when the id was claimed before. */
  private readonly recordDelivery: Transaction<(event: HookEvent, jobs: RunJob[], runs: RunRef[], now: string) => boolean>;

  constructor(private readonly options: DispatcherOptions) {
    this.budget = new BudgetKeeper(options.db);
    const { max_concurrent_runs, queue_size } = options.config.dispatch;
    this.queue = new RunQueue(max_concurrent_runs, queue_size, (job) => this.runJob(job));

    const { db } = options;
    // Built once: better-sqlite3 wraps the function anew on every db.transaction() call.
    this.recordDelivery = db.transaction((event: HookEvent, jobs: RunJob[], runs: RunRef[], now: string) => {
      if (!claimDelivery(db, { source: event.source, id: event.id, event_key: event.key, received_at: event.received_at, runs })) return false;
      for (const job of jobs) {
        insertQueuedRun(db, {
          id: job.runId, flow_id: job.compiled.flow.id, flow_version: job.compiled.version,
          event_id: event.id, source: event.source, event_key: event.key, queued_at: now,
        });
      }
      return true;
    });
  }

  /**
   * Accepts one event. A delivery id seen before runs nothing and returns the first runs.
   * When the queue cannot take every selected run, nothing is recorded and QUEUE_FULL is
   * thrown, so that the forge redelivers later.
   */
  accept(event: HookEvent): DeliveryResult {
    const { db, metrics } = this.options;

    const started = performance.now();
    const selection = this.flows.select(event);
    metrics.selectSeconds.observe((performance.now() - started) / 1000);

    if (selection.selected.length > this.queue.freeSlots) {
      // A repeated delivery still gets its first answer, because it needs no queue slot.
      const previous = findDelivery(db, event.source, event.id);
      if (previous) return duplicateResult(previous);
      throw new HookflowError('QUEUE_FULL', `the run queue is full (${this.options.config.dispatch.queue_size} waiting runs); retry later`, {
        headers: { 'retry-after': '30' },
      });
    }

    const now = new Date().toISOString();
    const jobs: RunJob[] = selection.selected.map((compiled) => ({ runId: randomUUID(), compiled, event }));
    const runs: RunRef[] = jobs.map((job) => ({ flow: job.compiled.flow.id, run: job.runId }));

    // The claim is the duplicate check: a new delivery costs no extra lookup, and the primary
    // key keeps the claim atomic even across processes sharing the file.
    if (!this.recordDelivery.immediate(event, jobs, runs, now)) {
      const previous = findDelivery(db, event.source, event.id);
      if (previous) return duplicateResult(previous);
      return this.accept(event);
    }

    metrics.eventsReceived.inc({ source: event.source, key: event.key });
    for (const job of jobs) this.queue.push(job);
    return { duplicate: false, delivery: event.id, event: event.key, runs, suppressed: selection.suppressed };
  }

  /** Runs a flow without effects or budget spending, for the dry-run API. */
  dryRun(compiled: CompiledFlow, event: HookEvent): Promise<RunOutcome> {
    return executeFlow(compiled, event, this.executeOptions(this.options.log, true));
  }

  remainingBudget(compiled: CompiledFlow): number {
    return this.budget.remaining(compiled.flow);
  }

  /** Resolves when every queued run has finished. */
  drain(): Promise<void> {
    return this.queue.onIdle();
  }

  get queueDepth(): number {
    return this.queue.depth;
  }

  private async runJob(job: RunJob): Promise<void> {
    const { db, metrics } = this.options;
    const log = this.options.log.child({ delivery: job.event.id, flow: job.compiled.flow.id, run: job.runId });
    const started = performance.now();
    try {
      markRunStarted(db, job.runId, new Date().toISOString());
      log.debug({ version: job.compiled.version }, 'run started');

      const outcome = await executeFlow(job.compiled, job.event, this.executeOptions(log, false));
      const durationMs = performance.now() - started;
      markRunFinished(db, job.runId, {
        status: outcome.status, trace: outcome.trace, error: outcome.error,
        finished_at: new Date().toISOString(), duration_ms: Math.round(durationMs * 1000) / 1000,
      });
      metrics.runs.inc({ flow: job.compiled.flow.id, status: outcome.status });
      metrics.runDuration.observe({ flow: job.compiled.flow.id }, durationMs / 1000);

      if (outcome.status === 'failed') log.warn({ status: outcome.status, err: outcome.error }, 'run failed');
      else if (outcome.status === 'budget_exhausted') log.warn({ status: outcome.status }, 'run stopped: flow budget spent');
      else log.info({ status: outcome.status, duration_ms: Math.round(durationMs) }, 'run finished');
    } catch (err) {
      log.error({ err }, 'run could not be recorded');
    }
  }

  private executeOptions(log: Logger, dryRun: boolean) {
    const { registry, config, metrics } = this.options;
    return {
      registry, config, log, dryRun, budget: this.budget,
      onBudgetRefused: (flow: string) => metrics.budgetRefusals.inc({ flow }),
    };
  }
}

function duplicateResult(previous: DeliveryRecord): DeliveryResult {
  return { duplicate: true, delivery: previous.id, event: previous.event_key, runs: previous.runs, suppressed: [] };
}
