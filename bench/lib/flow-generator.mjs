/**
 * Deterministic generator of valid flow documents for the benchmarks. The flows mix the
 * trigger shapes real deployments write: exact event keys, several keys, `type.*` globs, a few
 * globs that start with a wildcard, repository, sender and source filters, priorities and
 * mutex groups, and graphs of two to four nodes.
 */
import { globToRegExp } from '../../dist/flow/glob.js';
import { exampleEventKeys } from './example-payload.mjs';

/**
 * Returns `count` flow documents. The first `matching` flows (ids `bench-match-N`) match the
 * target event; every flow after them (ids `bench-NNNNN`) never does, because any of them whose
 * event patterns cover `target.key` also gets a repository filter that excludes
 * `target.repository`. Matching flows after the first share one mutex group, so an event
 * matched by three of them starts two runs and suppresses one.
 *
 * @param {{ count: number, matching?: number, target: { key: string, repository: string } }} options
 */
export function generateFlows({ count, matching = 0, target }) {
  const keys = exampleEventKeys();
  const flows = [];
  for (let j = 0; j < Math.min(matching, count); j++) flows.push(matchingFlow(j, target));
  for (let i = flows.length; i < count; i++) flows.push(backgroundFlow(i, keys, target));
  return flows;
}

function matchingFlow(j, target) {
  const [type] = target.key.split('.');
  const owner = target.repository.split('/')[0];
  const shapes = [
    { events: [target.key] },
    { events: [`${type}.*`], repositories: [target.repository] },
    { events: [target.key], repositories: [`${owner}/*`] },
  ];
  return {
    id: `bench-match-${j}`,
    description: 'Benchmark flow that matches the posted event and only writes a debug log line.',
    priority: 10 - j,
    ...(j > 0 ? { mutex_group: 'bench-matching' } : {}),
    nodes: {
      trigger: { type: 'trigger.webhook', args: shapes[j % shapes.length] },
      note: { type: 'log.emit', inputs: { value: 'trigger.event' }, args: { level: 'debug', message: 'bench flow saw {{key}}' } },
    },
  };
}

function backgroundFlow(i, keys, target) {
  const args = { events: backgroundEvents(i, keys) };

  if (i % 3 === 1) args.repositories = [`bench-org-${i % 40}/*`];
  if (i % 3 === 2) args.repositories = [`bench-org-${i % 40}/repo-${i % 97}`, `bench-org-${(i + 1) % 40}/repo-${i % 89}`];
  if (i % 7 === 0) args.senders = [`bench-user-${i % 13}`];
  if (i % 11 === 0) args.sources = ['gitea'];
  if (!args.repositories && args.events.some((pattern) => globToRegExp(pattern, '.').test(target.key))) {
    args.repositories = [`bench-org-${i % 40}/*`];
  }

  const flow = {
    id: `bench-${String(i).padStart(5, '0')}`,
    description: `Generated benchmark flow ${i}.`,
    priority: (i % 5) - 2,
    nodes: backgroundNodes(i, args),
  };
  if (i % 9 === 0) flow.mutex_group = `bench-group-${i % 17}`;
  if (i % 50 === 0) flow.budget = { mutating_calls: 5, window_seconds: 600 };
  return flow;
}

/** Half exact keys, a fifth two keys, a fifth `type.*` globs, and 1 % wildcard-first globs. */
function backgroundEvents(i, keys) {
  const key = keys[(i * 7) % keys.length];
  const variant = i % 20;
  if (i % 100 === 18) return [`*.${key.split('.')[1] ?? 'created'}`];
  if (variant >= 14 && variant <= 17) return [`${key.split('.')[0]}.*`];
  if (variant >= 10 && variant <= 13) return [key, keys[(i * 13 + 5) % keys.length]];
  return [key];
}

function backgroundNodes(i, triggerArgs) {
  const trigger = { type: 'trigger.webhook', args: triggerArgs };
  switch (i % 4) {
    case 0:
      return {
        trigger,
        note: { type: 'log.emit', args: { message: 'flow {{key}} for {{repository}}' } },
      };
    case 1:
      return {
        trigger,
        human: { type: 'filter.match', inputs: { event: 'trigger.event' }, args: { path: '/payload/sender/type', equals: 'Bot', negate: true } },
        text: { type: 'text.template', inputs: { event: 'human.event' }, args: { template: 'Seen {{key}} from @{{payload.sender.login}}.' } },
        note: { type: 'log.emit', inputs: { value: 'text.text' }, args: { level: 'info', message: '{{value}}' } },
      };
    case 2:
      return {
        trigger,
        action: { type: 'json.pick', inputs: { value: 'trigger.event' }, args: { path: '/payload/action' } },
        note: { type: 'log.emit', inputs: { value: 'action.value' }, args: { level: 'debug', message: 'action {{value}}' } },
      };
    default:
      return {
        trigger,
        title: { type: 'filter.match', inputs: { event: 'trigger.event' }, args: { path: '/payload/issue/title', pattern: `^\\[bench-${i % 23}\\]`, flags: 'i' } },
        note: { type: 'log.emit', inputs: { value: 'title.event' }, args: { level: 'warn', message: 'tagged {{key}}' } },
      };
  }
}
