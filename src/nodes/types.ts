import type { Logger } from 'pino';
import type { Config } from '../config/model.js';
import type { Flow, HookEvent, PortType } from '../flow/model.js';

export interface InputPort {
  type: PortType;
  /** A required input must be connected; the validator reports it otherwise. */
  required?: boolean;
}

/**
 * What a node does to the outside world, recorded in the trace in real and dry runs alike.
 * `mutating` effects spend the flow's budget.
 */
export interface Effect {
  kind: 'http' | 'forge' | 'exec';
  mutating: boolean;
  method?: string;
  url?: string;
  headers?: Record<string, string>;
  body?: unknown;
  command?: string;
  argv?: string[];
  cwd?: string;
}

export interface NodeContext {
  nodeId: string;
  /** The node's args after the widget schema's defaults are applied. */
  args: Record<string, any>;
  /** Values of the connected inputs, by input port name. */
  inputs: Record<string, unknown>;
  event: HookEvent;
  flow: Flow;
  config: Config;
  log: Logger;
  /**
   * The effect boundary: the only way a node reaches the outside world. In a real run the
   * engine checks the budget (for mutating effects), then calls `perform`; in a dry run it
   * records the effect and returns `simulated` without calling `perform`.
   */
  effect<T>(effect: Effect, perform: () => Promise<T>, simulated: T): Promise<T>;
}

export type NodeResult =
  | { outputs: Record<string, unknown> }
  | { halt: true; reason: string };

export interface NodeType {
  type: string;
  description: string;
  /** Whether the node has side effects outside hookflow; a function when it depends on the args. */
  mutating: boolean | ((args: Record<string, any>) => boolean);
  /** For the docs, when `mutating` is a function: in which case the node mutates. */
  mutatingNote?: string;
  inputs: Record<string, InputPort>;
  outputs: Record<string, PortType>;
  /** JSON Schema (draft 2020-12) of the node's args: its widget schema. */
  args: Record<string, unknown>;
  run(ctx: NodeContext): Promise<NodeResult> | NodeResult;
}
