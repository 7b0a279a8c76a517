import type { HookEvent } from '../flow/model.js';
import type { Effect } from '../nodes/types.js';

export type NodeStatus = 'ok' | 'halted' | 'skipped' | 'failed' | 'simulated' | 'budget_exhausted';

export interface TraceEntry {
  node: string;
  type: string;
  status: NodeStatus;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  /** The outside calls the node made (or, in a dry run, would have made). */
  effect: Effect[] | null;
  duration_ms: number;
  error: string | null;
  /** The reason a node halted or was skipped. */
  reason?: string;
}

/** Maximum length of a string kept in a trace value; longer ones are cut and marked. */
const MAX_TRACE_STRING = 64 * 1024;

/**
 * Makes a value fit for the stored trace: an event is replaced by a reference to it, because
 * payloads can be megabytes and every run already records its event id.
 */
export function traceValue(value: unknown): unknown {
  if (isEvent(value)) return { $event: value.id, key: value.key };
  if (typeof value === 'string' && value.length > MAX_TRACE_STRING) {
    return `${value.slice(0, MAX_TRACE_STRING)}… [${value.length - MAX_TRACE_STRING} more characters cut]`;
  }
  if (value !== null && typeof value === 'object') {
    const text = JSON.stringify(value);
    if (text !== undefined && text.length > MAX_TRACE_STRING) {
      return { $truncated: true, preview: text.slice(0, MAX_TRACE_STRING) };
    }
  }
  return value;
}

export function traceValues(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) out[key] = traceValue(value);
  return out;
}

function isEvent(value: unknown): value is HookEvent {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as HookEvent).key === 'string' &&
    typeof (value as HookEvent).received_at === 'string' &&
    'payload' in value
  );
}
