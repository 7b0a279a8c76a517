import type { NodeType } from './types.js';
import { triggerWebhook } from './trigger-webhook.js';
import { filterMatch } from './filter-match.js';
import { textTemplate } from './text-template.js';
import { jsonPick } from './json-pick.js';
import { logEmit } from './log-emit.js';
import { httpRequest } from './http-request.js';
import { forgeComment } from './forge-comment.js';
import { forgeLabel } from './forge-label.js';
import { execCommand } from './exec-command.js';

/** The built-in node types. Adding a type is adding its file and one line here. */
export const builtinNodeTypes: readonly NodeType[] = [
  triggerWebhook,
  filterMatch,
  textTemplate,
  jsonPick,
  logEmit,
  httpRequest,
  forgeComment,
  forgeLabel,
  execCommand,
];

export type NodeRegistry = ReadonlyMap<string, NodeType>;

export function buildRegistry(types: readonly NodeType[] = builtinNodeTypes): NodeRegistry {
  return new Map(types.map((t) => [t.type, t]));
}

export function isMutating(nodeType: NodeType, args: Record<string, any>): boolean {
  return typeof nodeType.mutating === 'function' ? nodeType.mutating(args) : nodeType.mutating;
}
