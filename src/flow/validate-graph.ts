/**
 * Checks 2 to 5 of the validator, and the trigger checks: node types, input references, port
 * types, required inputs and cycles. They run on whatever part of the document is well-formed
 * enough: a node that is not an object is skipped, as is an input reference that does not
 * match `<node id>.<output port>`, because the schema check reports those already.
 *
 * Port types: an output fits an input when both have the same type or either side is `any`.
 * An `any` output into a typed input is allowed because a node whose output is typed `any`
 * cannot know the type of its value before the run. The validator cannot check such a
 * connection, so the receiving node gets whatever value arrives.
 */
import { triggerWebhook } from '../nodes/trigger-webhook.js';
import type { NodeRegistry } from '../nodes/registry.js';
import type { NodeType } from '../nodes/types.js';
import { parseInputReference, topologicalOrder } from './graph.js';
import type { PortType, Problem } from './model.js';
import { problemPath } from './problem-path.js';

const TRIGGER_TYPE = triggerWebhook.type;

/** A node of the document that is an object; `type` is set when its type is registered. */
export interface NodeEntry {
  id: string;
  spec: Record<string, unknown>;
  type?: NodeType;
  /** The node's inputs when they are an object; undefined when absent or malformed. */
  inputs?: Record<string, unknown>;
  /** Whether `inputs` is absent, so that every input is unconnected. */
  inputsAbsent: boolean;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function collectNodes(nodes: Record<string, unknown>, registry: NodeRegistry): NodeEntry[] {
  const entries: NodeEntry[] = [];
  for (const [id, spec] of Object.entries(nodes)) {
    if (!isPlainObject(spec)) continue;
    const type = typeof spec.type === 'string' ? registry.get(spec.type) : undefined;
    const inputs = isPlainObject(spec.inputs) ? spec.inputs : undefined;
    entries.push({ id, spec, type, inputs, inputsAbsent: spec.inputs === undefined });
  }
  return entries;
}

/** Check 2: every node type is registered. */
export function checkNodeTypes(entries: readonly NodeEntry[], registry: NodeRegistry): Problem[] {
  const known = [...registry.keys()].sort().join(', ');
  return entries
    .filter((entry) => entry.type === undefined && typeof entry.spec.type === 'string' && entry.spec.type !== '')
    .map((entry) => ({
      code: 'FLOW_UNKNOWN_NODE_TYPE',
      path: problemPath('nodes', entry.id, 'type'),
      message: `Node "${entry.id}" has the unknown type "${entry.spec.type as string}". Known types: ${known}.`,
      node: entry.id,
    }));
}

/** Checks that no trigger has inputs, because a trigger starts the flow, and that the flow has at least one trigger. */
export function checkTriggers(entries: readonly NodeEntry[]): Problem[] {
  const triggers = entries.filter((entry) => entry.spec.type === TRIGGER_TYPE);
  const problems: Problem[] = triggers
    .filter((entry) => entry.inputs && Object.keys(entry.inputs).length > 0)
    .map((entry) => ({
      code: 'FLOW_TRIGGER_INPUTS',
      path: problemPath('nodes', entry.id, 'inputs'),
      message: `Node "${entry.id}" is a ${TRIGGER_TYPE} node, which starts the flow and takes no inputs: remove its "inputs".`,
      node: entry.id,
    }));
  if (triggers.length === 0 && entries.length > 0) {
    problems.push({
      code: 'FLOW_NO_TRIGGER',
      path: '/nodes',
      message: `The flow has no ${TRIGGER_TYPE} node, so no event can start it: add one, for example "opened": { "type": "${TRIGGER_TYPE}", "args": { "events": ["issues.opened"] } }.`,
    });
  }
  return problems;
}

/**
 * Checks 3 and 4: every input reference names an existing node and one of its output ports,
 * every input name is a port of the node's type, connected ports have compatible types, and
 * every required input is connected. A trigger's inputs are left to `checkTriggers`.
 */
export function checkInputs(entries: readonly NodeEntry[], nodeIds: readonly string[]): Problem[] {
  const byId = new Map(entries.map((entry) => [entry.id, entry]));
  const problems: Problem[] = [];

  for (const entry of entries) {
    if (entry.spec.type === TRIGGER_TYPE) continue;
    for (const [port, reference] of Object.entries(entry.inputs ?? {})) {
      problems.push(...checkConnection(entry, port, reference, { byId, nodeIds, entries }));
    }
    if (entry.type && (entry.inputs || entry.inputsAbsent)) {
      problems.push(...checkRequiredInputs(entry, entries));
    }
  }
  return problems;
}

/** The whole graph, for looking up the node a reference names. */
interface GraphView {
  byId: ReadonlyMap<string, NodeEntry>;
  /** Every node id of the document, including nodes that are not objects. */
  nodeIds: readonly string[];
  entries: readonly NodeEntry[];
}

function checkConnection(entry: NodeEntry, port: string, reference: unknown, graph: GraphView): Problem[] {
  const path = problemPath('nodes', entry.id, 'inputs', port);
  const problems: Problem[] = [];
  const report = (code: string, message: string): Problem[] => {
    problems.push({ code, path, message, node: entry.id });
    return problems;
  };

  const inputPort = entry.type && Object.hasOwn(entry.type.inputs, port) ? entry.type.inputs[port] : undefined;
  if (entry.type && !inputPort) {
    const ports = Object.keys(entry.type.inputs);
    const list = ports.length > 0 ? `Its inputs: ${ports.join(', ')}.` : 'It takes no inputs.';
    report('FLOW_UNKNOWN_INPUT_PORT', `Node "${entry.id}" (${entry.type.type}) has no input "${port}". ${list}`);
  }

  const parsed = parseInputReference(reference);
  if (!parsed) return problems;
  if (!graph.nodeIds.includes(parsed.node)) {
    return report('FLOW_UNKNOWN_INPUT_NODE', `Input "${port}" of node "${entry.id}" reads from node "${parsed.node}", which does not exist. Nodes: ${graph.nodeIds.join(', ')}.`);
  }
  const producer = graph.byId.get(parsed.node);
  if (!producer?.type) return problems;

  if (!Object.hasOwn(producer.type.outputs, parsed.port)) {
    const outputs = Object.keys(producer.type.outputs);
    const list = outputs.length > 0 ? `Its outputs: ${outputs.join(', ')}.` : 'It has no outputs.';
    return report('FLOW_UNKNOWN_OUTPUT_PORT', `Input "${port}" of node "${entry.id}" reads "${parsed.node}.${parsed.port}", but node "${parsed.node}" (${producer.type.type}) has no output "${parsed.port}". ${list}`);
  }
  if (!inputPort) return problems;

  const outputType = producer.type.outputs[parsed.port];
  if (portsFit(outputType, inputPort.type)) return problems;
  return report(
    'FLOW_PORT_TYPE_MISMATCH',
    `Input "${port}" of node "${entry.id}" has type ${inputPort.type}, but output "${parsed.node}.${parsed.port}" has type ${outputType}.${suggestOutputs(inputPort.type, graph.entries, entry.id)}`,
  );
}

function checkRequiredInputs(entry: NodeEntry, entries: readonly NodeEntry[]): Problem[] {
  const nodeType = entry.type!;
  return Object.entries(nodeType.inputs)
    .filter(([port, input]) => input.required && !Object.hasOwn(entry.inputs ?? {}, port))
    .map(([port, input]) => ({
      code: 'FLOW_MISSING_INPUT',
      path: problemPath('nodes', entry.id, 'inputs', port),
      message: `Required input "${port}" (${input.type}) of node "${entry.id}" (${nodeType.type}) is not connected: set it to "<node id>.<output port>".${suggestOutputs(input.type, entries, entry.id)}`,
      node: entry.id,
    }));
}

export function portsFit(output: PortType, input: PortType): boolean {
  return output === input || input === 'any' || output === 'any';
}

/** Names the outputs of other nodes in the flow that would fit an input of `inputType`. */
function suggestOutputs(inputType: PortType, entries: readonly NodeEntry[], consumer: string): string {
  const fitting: string[] = [];
  for (const entry of entries) {
    if (entry.id === consumer || !entry.type) continue;
    for (const [port, outputType] of Object.entries(entry.type.outputs)) {
      if (portsFit(outputType, inputType)) fitting.push(`${entry.id}.${port}`);
    }
  }
  if (fitting.length === 0) return '';
  return ` Fitting outputs in this flow: ${fitting.slice(0, 8).join(', ')}${fitting.length > 8 ? ', ...' : ''}.`;
}

/**
 * Check 5: the graph has no cycle. Each cycle is reported once, at the input that closes it:
 * the input of the cycle's first node that reads from the cycle's last node.
 */
export function checkCycles(entries: readonly NodeEntry[]): Problem[] {
  const ids = new Set(entries.map((entry) => entry.id));
  const dependencies = new Map<string, string[]>();
  for (const entry of entries) {
    const producers: string[] = [];
    if (entry.spec.type !== TRIGGER_TYPE) {
      for (const reference of Object.values(entry.inputs ?? {})) {
        const parsed = parseInputReference(reference);
        if (parsed && ids.has(parsed.node)) producers.push(parsed.node);
      }
    }
    dependencies.set(entry.id, producers);
  }

  const result = topologicalOrder(dependencies);
  if (result.ok) return [];

  const byId = new Map(entries.map((entry) => [entry.id, entry]));
  return result.cycles.map((cycle) => {
    const first = cycle[0];
    const last = cycle[cycle.length - 1];
    const closingPort = Object.entries(byId.get(first)!.inputs ?? {})
      .filter(([, reference]) => parseInputReference(reference)?.node === last)
      .map(([port]) => port)
      .sort()[0];
    return {
      code: 'FLOW_CYCLE',
      path: problemPath('nodes', first, 'inputs', closingPort),
      message: `Nodes form a cycle: ${[...cycle, first].join(' -> ')}. Data must flow one way from the trigger: remove one of these input references.`,
      node: first,
    };
  });
}
