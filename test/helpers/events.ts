import { normalizeEvent } from '../../src/flow/event.js';
import type { HookEvent } from '../../src/flow/model.js';
import { examplePayload } from './webhooks.js';

/**
 * Builds an event from a real GitHub payload of `@octokit/webhooks-examples`. With source
 * `gitea` the same payload is used as a Gitea one, because Gitea's issue and pull request
 * payloads have the same repository.full_name, issue.number and sender.login fields.
 */
export function exampleEvent(type: string, action?: string, source = 'github'): HookEvent {
  return normalizeEvent({ id: `delivery-${type}-${action ?? 'none'}`, source, type, payload: examplePayload(type, action) });
}
