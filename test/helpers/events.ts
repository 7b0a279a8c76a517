import { createRequire } from 'node:module';
import { normalizeEvent } from '../../src/flow/event.js';
import type { HookEvent } from '../../src/flow/model.js';

interface ExampleGroup {
  name: string;
  examples: Record<string, any>[];
}

const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as ExampleGroup[];

/**
 * Builds an event from a real GitHub payload of `@octokit/webhooks-examples`. With source
 * `gitea` the same payload is used as a Gitea one, because Gitea's issue and pull request
 * payloads have the same repository.full_name, issue.number and sender.login fields.
 */
export function exampleEvent(type: string, action?: string, source = 'github'): HookEvent {
  const group = examples.find((candidate) => candidate.name === type);
  const payload = group?.examples.find((example) => action === undefined || example.action === action);
  if (!payload) throw new Error(`no example payload for ${type}${action ? `.${action}` : ''}`);
  return normalizeEvent({ id: `delivery-${type}-${action ?? 'none'}`, source, type, payload: structuredClone(payload) });
}
