import type { Flow } from '../flow/model.js';
import { flowVersion } from '../flow/fingerprint.js';
import { flowDependencies, topologicalOrder } from '../flow/graph.js';
import type { NodeRegistry } from '../nodes/registry.js';
import { TriggerMatcher, type TriggerArgs } from '../nodes/trigger-webhook.js';

/** A validated flow prepared for dispatch and execution; never changed after creation. */
export interface CompiledFlow {
  flow: Flow;
  version: string;
  /** Node ids in execution order. */
  order: string[];
  /** Trigger node id to its matcher. */
  triggers: Map<string, TriggerMatcher>;
  /** Node id to the ids of the nodes that read its outputs. */
  downstream: Map<string, string[]>;
}

/** Prepares a flow that passed validation; it throws when handed an invalid graph. */
export function compileFlow(flow: Flow, registry: NodeRegistry): CompiledFlow {
  const sorted = topologicalOrder(flowDependencies(flow.nodes));
  if (!sorted.ok) throw new Error(`flow ${flow.id} has a cycle: ${sorted.cycles[0].join(' -> ')}`);

  const triggers = new Map<string, TriggerMatcher>();
  const downstream = new Map<string, string[]>();
  for (const [id, node] of Object.entries(flow.nodes)) {
    if (!registry.has(node.type)) throw new Error(`flow ${flow.id}: node ${id} has unknown type ${node.type}`);
    if (node.type === 'trigger.webhook') triggers.set(id, new TriggerMatcher(node.args as unknown as TriggerArgs));
    for (const ref of Object.values(node.inputs ?? {})) {
      const source = ref.slice(0, ref.indexOf('.'));
      const list = downstream.get(source) ?? [];
      list.push(id);
      downstream.set(source, list);
    }
  }

  return { flow, version: flowVersion(flow), order: sorted.order, triggers, downstream };
}
