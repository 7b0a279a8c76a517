/** Types of a flow document and of the events flows run on. */

export type PortType = 'event' | 'text' | 'number' | 'boolean' | 'json' | 'any';

export type FlowSource = 'operator' | 'default';

export interface NodeSpec {
  type: string;
  args?: Record<string, unknown>;
  /** Input port name to `"<node id>.<output port>"`. */
  inputs?: Record<string, string>;
}

export interface FlowBudget {
  mutating_calls: number;
  window_seconds: number;
}

/** A flow after defaults are applied: every optional dispatch setting has its value. */
export interface Flow {
  $schema?: string;
  id: string;
  name?: string;
  description?: string;
  source: FlowSource;
  enabled: boolean;
  priority: number;
  mutex_group?: string;
  budget: FlowBudget;
  nodes: Record<string, NodeSpec>;
}

export const DEFAULT_BUDGET: FlowBudget = { mutating_calls: 20, window_seconds: 3600 };

export const FLOW_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** One webhook delivery, normalised. `key` is `type.action` when the payload has an action. */
export interface HookEvent {
  id: string;
  source: string;
  type: string;
  action?: string;
  key: string;
  /** `owner/name`, when the payload names a repository. */
  repository?: string;
  /** The login of the account that caused the event. */
  sender?: string;
  payload: unknown;
  received_at: string;
}

/** One validation problem; `path` is a JSON Pointer into the flow document. */
export interface Problem {
  code: string;
  path: string;
  message: string;
  node?: string;
}
