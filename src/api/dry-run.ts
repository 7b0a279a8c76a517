import { randomUUID } from 'node:crypto';
import { byDispatchOrder, FlowTable, type Explanation } from '../dispatch/selection.js';
import type { CompiledFlow } from '../engine/compile.js';
import type { FinalRunStatus } from '../engine/run.js';
import type { TraceEntry } from '../engine/trace.js';
import { HookflowError } from '../errors.js';
import { normalizeEvent } from '../flow/event.js';
import type { HookEvent } from '../flow/model.js';
import type { Effect } from '../nodes/types.js';
import type { ApiContext } from './context.js';

/** The response body of a dry run. */
export interface DryRunAnswer {
  flow: string;
  version: string;
  /** The event key, `type.action` or `type`. */
  event: string;
  /** Whether the dispatcher would run the flow for the event, with the flows it serves now. */
  selected: boolean;
  /** Why the flow would or would not run: disabled, no trigger matched, or suppressed by a named flow. */
  reason: string;
  /** Status the run would end with. */
  status: FinalRunStatus;
  trace: TraceEntry[];
  /** Every outside call the run would make, in order. */
  effects: Effect[];
  budget: { would_spend: number; remaining: number };
}

/**
 * Reads the event of a dry-run request: `{ "event": { "source", "type", "action"?, "payload" } }`,
 * or, when `query.event` names the event type, the body is the raw forge payload (`query.source`
 * defaults to github). An `action` given apart from the payload overrides the payload's.
 */
export function readDryRunEvent(body: unknown, query: { event?: string; source?: string }): HookEvent {
  const id = `dry-run-${randomUUID()}`;
  if (query.event !== undefined) {
    if (!isObject(body)) throw new HookflowError('BAD_REQUEST', 'with ?event=, the body must be the JSON object of a webhook payload');
    return normalizeEvent({ id, source: query.source ?? 'github', type: query.event, payload: body });
  }

  const event = isObject(body) ? body.event : undefined;
  if (!isObject(event)) {
    throw new HookflowError('BAD_REQUEST', 'the body must be { "event": { "source", "type", "action"?, "payload" } }, or a raw payload with ?event=<type>');
  }
  const { source = 'github', type, action, payload = {} } = event;
  const problems: string[] = [];
  if (typeof source !== 'string' || source === '') problems.push('event.source must be a non-empty string');
  if (typeof type !== 'string' || type === '') problems.push('event.type must be a non-empty string, such as "issues"');
  if (action !== undefined && typeof action !== 'string') problems.push('event.action must be a string');
  if (!isObject(payload)) problems.push('event.payload must be a JSON object');
  if (problems.length > 0) throw new HookflowError('BAD_REQUEST', `the dry-run event is invalid: ${problems.join('; ')}`);

  const withAction = action === undefined ? payload : { ...(payload as Record<string, unknown>), action };
  return normalizeEvent({ id, source: source as string, type: type as string, payload: withAction });
}

/**
 * Runs `compiled` for `event` as a dry run: no mutating node reaches the outside world and no
 * budget is spent. Disabled and default flows run too; `selected` and `reason` tell whether the
 * dispatcher would have run them.
 */
export async function dryRunFlow(context: ApiContext, compiled: CompiledFlow, event: HookEvent, options: { draft?: boolean } = {}): Promise<DryRunAnswer> {
  const { dispatcher } = context;
  const explanation = options.draft ? explainDraft(dispatcher.flows, compiled, event) : dispatcher.flows.explain(compiled, event);
  const outcome = await dispatcher.dryRun(compiled, event);
  return {
    flow: compiled.flow.id,
    version: compiled.version,
    event: event.key,
    selected: explanation.selected,
    reason: explanation.reason,
    status: outcome.status,
    trace: outcome.trace,
    effects: outcome.effects,
    budget: { would_spend: outcome.mutating_calls, remaining: dispatcher.remainingBudget(compiled) },
  };
}

/**
 * Explains the selection of a flow that is not served, as if it replaced the served flow of
 * the same id. FlowTable.explain cannot, because the served version of the id may be the flow
 * that claimed the mutex group and suppressed the others. This scans every served flow once,
 * which is fine for a dry run.
 */
function explainDraft(table: FlowTable, draft: CompiledFlow, event: HookEvent): Explanation {
  const alone = explainAlone(draft, event);
  if (!alone.selected) return alone;

  const group = draft.flow.mutex_group;
  if (group === undefined) return alone;
  const rivals = table.all().filter((other) => other.flow.id !== draft.flow.id && other.flow.mutex_group === group && explainAlone(other, event).selected);
  const claimer = [draft, ...rivals].sort(byDispatchOrder)[0];
  if (claimer === draft) return alone;
  return { selected: false, reason: `suppressed: flow ${claimer.flow.id} claims mutex group ${group}` };
}

/** Explains whether the flow would run for the event if no other flow existed. */
function explainAlone(compiled: CompiledFlow, event: HookEvent): Explanation {
  return new FlowTable().explain(compiled, event);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
