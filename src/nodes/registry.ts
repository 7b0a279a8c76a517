import type { NodeType } from './types.js';
import { triggerWebhook } from './trigger-webhook.js';

/** The built-in node types. Adding a type is adding its file and one line here. */
export const builtinNodeTypes: readonly NodeType[] = [
  triggerWebhook,
];

export type NodeRegistry = ReadonlyMap<string, NodeType>;

export function buildRegistry(types: readonly NodeType[] = builtinNodeTypes): NodeRegistry {
  return new Map(types.map((t) => [t.type, t]));
}

export function isMutating(nodeType: NodeType, args: Record<string, any>): boolean {
  return typeof nodeType.mutating === 'function' ? nodeType.mutating(args) : nodeType.mutating;
}
