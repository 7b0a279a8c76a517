import { Ajv2020 } from 'ajv/dist/2020.js';
import pino from 'pino';
import type { Config } from '../../src/config/model.js';
import { DEFAULT_BUDGET, type Flow, type HookEvent } from '../../src/flow/model.js';
import type { Effect, NodeContext, NodeType } from '../../src/nodes/types.js';
import { exampleEvent } from './events.js';

/** Same options as the flow validator, so args reach `run` with the schema's defaults. */
const ajv = new Ajv2020({ allErrors: true, useDefaults: true, strict: false });

export interface ContextOptions {
  args?: Record<string, unknown>;
  inputs?: Record<string, unknown>;
  event?: HookEvent;
  config?: Partial<Config>;
}

export interface TestContext {
  ctx: NodeContext;
  /** Every effect the node went through, in order. */
  effects: Effect[];
  /** Parsed pino lines the node logged. */
  logs: Record<string, any>[];
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    server: { host: '127.0.0.1', port: 0 },
    flows_dir: '/nonexistent/flows.d',
    data_dir: '/nonexistent/data',
    log: { level: 'debug' },
    auth: { operator_user: 'tester' },
    webhooks: {},
    forges: {},
    http: { allowed_hosts: [] },
    commands: {},
    reconcile: { resync_seconds: 60, commit_hand_edits: true, debounce_ms: 100 },
    dispatch: { max_concurrent_runs: 4, queue_size: 100 },
    ...overrides,
  };
}

function testFlow(): Flow {
  return { id: 'test-flow', source: 'operator', enabled: true, priority: 0, budget: DEFAULT_BUDGET, nodes: {} };
}

/** Applies the widget schema's defaults and throws when the args do not match it. */
export function checkedArgs(nodeType: NodeType, args: Record<string, unknown>): Record<string, any> {
  const copy = structuredClone(args);
  const validate = ajv.compile(nodeType.args);
  if (!validate(copy)) throw new Error(`invalid args for ${nodeType.type}: ${ajv.errorsText(validate.errors)}`);
  return copy;
}

function buildContext(nodeType: NodeType, options: ContextOptions, dryRun: boolean): TestContext {
  const effects: Effect[] = [];
  const logs: Record<string, any>[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => logs.push(JSON.parse(line)) });
  const event = options.event ?? exampleEvent('issues', 'opened');

  const ctx: NodeContext = {
    nodeId: 'node_under_test',
    args: checkedArgs(nodeType, options.args ?? {}),
    inputs: options.inputs ?? { event },
    event,
    flow: testFlow(),
    config: testConfig(options.config),
    // The engine hands each node a logger bound to its node id; so does this context.
    log: log.child({ node: 'node_under_test' }),
    async effect(effect, perform, simulated) {
      effects.push(effect);
      return dryRun ? simulated : perform();
    },
  };
  return { ctx, effects, logs };
}

/** Builds a context whose effect boundary performs every call and records its effect. */
export function realContext(nodeType: NodeType, options: ContextOptions = {}): TestContext {
  return buildContext(nodeType, options, false);
}

/** Builds a context that behaves like a dry run: effects are recorded, never performed. */
export function dryRunContext(nodeType: NodeType, options: ContextOptions = {}): TestContext {
  return buildContext(nodeType, options, true);
}
