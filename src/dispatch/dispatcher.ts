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
import { GroupCommit } from '../store/group-commit.js';
import { newRunId } from '../store/run-id.js';
import { RunStatusWriter } from '../store/run-status-writer.js';
import { insertQueuedRun } from '../store/runs.js';
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
  private readonly claims: GroupCommit<Claim, DeliveryRecord | null>;
  private readonly runStatus: RunStatusWriter;
  private reservedSlots = 0;

  constructor(private readonly options: DispatcherOptions) {
    const { db, config, log } = options;
    this.budget = new BudgetKeeper(db);
    this.queue = new RunQueue(config.dispatch.max_concurrent_runs, config.dispatch.queue_size, (job) => this.runJob(job));
    this.claims = new GroupCommit(db, (claim: Claim) => recordClaim(db, claim));
    this.runStatus = new RunStatusWriter(db, (err, updates) => log.error({ err, updates }, 'run status updates could not be stored'));
  }

  /**
   * Accepts one event. A delivery id seen before runs nothing and returns the first runs.
   * When the queue cannot take every selected run, nothing is recorded and QUEUE_FULL is
   * thrown, so that the forge redelivers later. The promise settles once the delivery and
   * its queued runs are committed to SQLite.
   */
  async accept(event: HookEvent): Promise<DeliveryResult> {
    const { metrics } = this.options;

    const started = performance.now();
    const selection = this.flows.select(event);
    metrics.selectSeconds.observe((performance.now() - started) / 1000);

    // Slots are reserved before the commit, so that concurrent deliveries cannot overfill the queue.
    const needed = selection.selected.length;
    if (needed > this.queue.freeSlots - this.reservedSlots) {
      // A repeated delivery still gets the runs of its first delivery, because it needs no queue slot.
      const previous = findDelivery(this.options.db, event.source, event.id);
      if (previous) return duplicateResult(previous);
      throw new HookflowError('QUEUE_FULL', `the run queue is full (${this.options.config.dispatch.queue_size} waiting runs); retry later`, {
        headers: { 'retry-after': '30' },
      });
    }

    const now = new Date().toISOString();
    const jobs: RunJob[] = selection.selected.map((compiled) => ({ runId: newRunId(), compiled, event }));
    const runs: RunRef[] = jobs.map((job) => ({ flow: job.compiled.flow.id, run: job.runId }));

    this.reservedSlots += needed;
    let previous: DeliveryRecord | null;
    try {
      previous = await this.claims.submit({ event, jobs, runs, now });
    } finally {
      this.reservedSlots -= needed;
    }
    if (previous) return duplicateResult(previous);

    metrics.eventsReceived.inc({ source: event.source, key: event.key });
    for (const job of jobs) this.queue.push(job);
    return { duplicate: false, delivery: event.id, event: event.key, runs, suppressed: selection.suppressed };
  }

  /** Stores pending run status changes, so that a read of the runs table is current. */
  flushRunStatus(): void {
    this.runStatus.flush();
  }

  /** Runs a flow without effects or budget spending, for the dry-run API. */
  dryRun(compiled: CompiledFlow, event: HookEvent): Promise<RunOutcome> {
    return executeFlow(compiled, event, this.executeOptions(this.options.log, true));
  }

  remainingBudget(compiled: CompiledFlow): number {
    return this.budget.remaining(compiled.flow);
  }

  /** Resolves when every queued run has finished. */
  async drain(): Promise<void> {
    await this.queue.onIdle();
    this.runStatus.flush();
  }

  get queueDepth(): number {
    return this.queue.depth;
  }

  private async runJob(job: RunJob): Promise<void> {
    const { metrics } = this.options;
    const log = this.options.log.child({ delivery: job.event.id, flow: job.compiled.flow.id, run: job.runId });
    const started = performance.now();
    try {
      this.runStatus.started(job.runId, new Date().toISOString());
      log.debug({ version: job.compiled.version }, 'run started');

      const outcome = await executeFlow(job.compiled, job.event, this.executeOptions(log, false));
      const durationMs = performance.now() - started;
      this.runStatus.finished(job.runId, {
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

interface Claim {
  event: HookEvent;
  jobs: RunJob[];
  runs: RunRef[];
  now: string;
}

/**
 * Claims the delivery id and inserts its queued runs; returns the earlier delivery when the
 * id was claimed before. The primary key is the duplicate check, so a new delivery costs no
 * extra lookup and the claim stays atomic even across processes sharing the file.
 */
function recordClaim(db: Db, { event, jobs, runs, now }: Claim): DeliveryRecord | null {
  const claimed = claimDelivery(db, { source: event.source, id: event.id, event_key: event.key, received_at: event.received_at, runs });
  if (!claimed) return findDelivery(db, event.source, event.id) ?? null;
  for (const job of jobs) {
    insertQueuedRun(db, {
      id: job.runId, flow_id: job.compiled.flow.id, flow_version: job.compiled.version,
      event_id: event.id, source: event.source, event_key: event.key, queued_at: now,
    });
  }
  return null;
}

function duplicateResult(previous: DeliveryRecord): DeliveryResult {
  return { duplicate: true, delivery: previous.id, event: previous.event_key, runs: previous.runs, suppressed: [] };
}
