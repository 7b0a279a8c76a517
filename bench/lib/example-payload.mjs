import { createRequire } from 'node:module';

const examples = createRequire(import.meta.url)('@octokit/webhooks-examples');

/** A real GitHub payload from `@octokit/webhooks-examples` (the first example of that type and action). */
export function examplePayload(type, action) {
  const group = examples.find((candidate) => candidate.name === type);
  const payload = group?.examples.find((example) => action === undefined || example.action === action);
  if (!payload) throw new Error(`no example payload for ${type}${action ? `.${action}` : ''} in @octokit/webhooks-examples`);
  return structuredClone(payload);
}

/** Every event key (`type` or `type.action`) that the examples contain, sorted. */
export function exampleEventKeys() {
  const keys = new Set();
  for (const group of examples) {
    for (const example of group.examples) keys.add(example.action ? `${group.name}.${example.action}` : group.name);
  }
  return [...keys].sort();
}
