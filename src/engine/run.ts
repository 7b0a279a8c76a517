import type { Logger } from 'pino';
import type { Config } from '../config/model.js';
import type { HookEvent } from '../flow/model.js';
import type { NodeRegistry } from '../nodes/registry.js';
import type { Effect, NodeContext } from '../nodes/types.js';
import type { RunStatus } from '../store/runs.js';
import type { BudgetKeeper } from './budget.js';
import type { CompiledFlow } from './compile.js';
import { traceValues, type NodeStatus, type TraceEntry } from './trace.js';

export interface ExecuteOptions {
  registry: NodeRegistry;
  config: Config;
  budget: BudgetKeeper;
  log: Logger;
  /** In a dry run no effect is performed and no budget is spent. */
  dryRun?: boolean;
  /** Called when a mutating call is refused for lack of budget. */
  onBudgetRefused?: (flowId: string) => void;
}

export type FinalRunStatus = Exclude<RunStatus, 'queued' | 'running'>;

export interface RunOutcome {
  status: FinalRunStatus;
  trace: TraceEntry[];
  /** Every effect of the run in order, performed or (in a dry run) simulated. */
  effects: Effect[];
  /** Mutating calls the run made, or in a dry run would have made. */
  mutating_calls: number;
  error?: string;
}

class BudgetExhausted extends Error {}

/**
 * Runs one flow for one event in topological order. A node runs when every connected input
 * has a value, so a node downstream of a halted or skipped node is skipped. The first failure
 * stops the run, and the remaining nodes are skipped.
 */
export async function executeFlow(compiled: CompiledFlow, event: HookEvent, options: ExecuteOptions): Promise<RunOutcome> {
  const { flow } = compiled;
  const outputs = new Map<string, Record<string, unknown>>();
  const trace: TraceEntry[] = [];
  const effects: Effect[] = [];
  let mutatingCalls = 0;
  // A dry run simulates the budget so that it stops where a real run would.
  let dryRunRemaining = options.dryRun ? options.budget.remaining(flow) : 0;
  let stop: { status: FinalRunStatus; error: string } | null = null;

  for (const nodeId of compiled.order) {
    const spec = flow.nodes[nodeId];
    const nodeType = options.registry.get(spec.type)!;
    const entry: TraceEntry = {
      node: nodeId, type: spec.type, status: 'skipped', inputs: {}, outputs: {}, effect: null, duration_ms: 0, error: null,
    };
    trace.push(entry);

    if (stop) {
      entry.reason = 'an earlier node stopped the run';
      continue;
    }
    const inputs = collectInputs(spec.inputs ?? {}, outputs);
    if (inputs.missing) {
      entry.reason = `input ${inputs.missing} has no value because its node did not produce one`;
      continue;
    }
    entry.inputs = traceValues(inputs.values);

    const nodeEffects: Effect[] = [];
    let simulated = false;
    let nodeLog: Logger | undefined;
    const context: NodeContext = {
      nodeId,
      args: spec.args ?? {},
      inputs: inputs.values,
      event,
      flow,
      config: options.config,
      // Most nodes never log, and a child logger per node is a measurable cost per run.
      get log() {
        nodeLog ??= options.log.child({ node: nodeId });
        return nodeLog;
      },
      effect: async <T>(effect: Effect, perform: () => Promise<T>, simulatedResult: T): Promise<T> => {
        if (effect.mutating) {
          if (options.dryRun) {
            if (dryRunRemaining <= 0) throw new BudgetExhausted();
            dryRunRemaining--;
          } else if (!options.budget.trySpend(flow)) {
            options.onBudgetRefused?.(flow.id);
            throw new BudgetExhausted();
          }
          mutatingCalls++;
        }
        nodeEffects.push(effect);
        effects.push(effect);
        if (options.dryRun) {
          simulated = true;
          return simulatedResult;
        }
        return perform();
      },
    };

    const started = performance.now();
    try {
      const result = await nodeType.run(context);
      if ('halt' in result) {
        entry.status = 'halted';
        entry.reason = result.reason;
      } else {
        entry.status = simulated ? 'simulated' : 'ok';
        entry.outputs = traceValues(result.outputs);
        outputs.set(nodeId, result.outputs);
      }
    } catch (err) {
      if (err instanceof BudgetExhausted) {
        entry.status = 'budget_exhausted';
        entry.error = `budget of ${flow.budget.mutating_calls} mutating calls per ${flow.budget.window_seconds} s is spent`;
        stop = { status: 'budget_exhausted', error: `node ${nodeId}: ${entry.error}` };
      } else {
        entry.status = 'failed';
        entry.error = err instanceof Error ? err.message : String(err);
        stop = { status: 'failed', error: `node ${nodeId}: ${entry.error}` };
      }
    }
    entry.duration_ms = round(performance.now() - started);
    if (nodeEffects.length > 0) entry.effect = nodeEffects;
  }

  const status: FinalRunStatus = stop ? stop.status : finalStatus(compiled, trace);
  return { status, trace, effects, mutating_calls: mutatingCalls, error: stop?.error };
}

function collectInputs(
  refs: Record<string, string>,
  outputs: Map<string, Record<string, unknown>>,
): { values: Record<string, unknown>; missing?: string } {
  const values: Record<string, unknown> = {};
  for (const [port, ref] of Object.entries(refs)) {
    const dot = ref.indexOf('.');
    const produced = outputs.get(ref.slice(0, dot));
    const outputPort = ref.slice(dot + 1);
    if (!produced || !(outputPort in produced)) return { values, missing: port };
    values[port] = produced[outputPort];
  }
  return { values };
}

/** `halted` when no leaf node (one whose outputs no node reads) completed: a filter stopped every branch. */
function finalStatus(compiled: CompiledFlow, trace: TraceEntry[]): FinalRunStatus {
  const done: NodeStatus[] = ['ok', 'simulated'];
  const leafCompleted = trace.some((entry) => !compiled.downstream.has(entry.node) && done.includes(entry.status));
  return leafCompleted ? 'succeeded' : 'halted';
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
