import { describe, expect, it } from 'vitest';
import { filterMatch } from '../../src/nodes/filter-match.js';
import { exampleEvent } from '../helpers/events.js';
import { realContext } from '../helpers/node-context.js';

// The example issues.opened payload: issue #1 "Spelling error in the README file" in
// Codertocat/Hello-World, opened by Codertocat.
const event = exampleEvent('issues', 'opened');
const labels = (event.payload as any).issue.labels as unknown[];

async function runFilter(args: Record<string, unknown>) {
  const { ctx, effects } = realContext(filterMatch, { args, event });
  const result = await filterMatch.run(ctx);
  expect(effects).toEqual([]);
  return result;
}

describe('filter.match', () => {
  it.each([
    ['equals on a string', { path: '/key', equals: 'issues.opened' }],
    ['equals on a number', { path: '/payload/issue/number', equals: 1 }],
    ['equals on a nested string', { path: '/payload/issue/user/login', equals: 'Codertocat' }],
    ['equals on an object', { path: '/payload/issue/labels/0', equals: structuredClone(labels[0]) }],
    ['equals on a list', { path: '/payload/issue/labels', equals: structuredClone(labels) }],
    ['pattern', { path: '/payload/issue/title', pattern: 'spelling', flags: 'i' }],
    ['pattern on a number', { path: '/payload/issue/number', pattern: '^1$' }],
    ['in', { path: '/repository', in: ['acme/widgets', 'Codertocat/Hello-World'] }],
    ['exists', { path: '/payload/issue/body', exists: true }],
    ['exists false', { path: '/payload/pull_request', exists: false }],
    ['negated equals', { path: '/key', equals: 'issues.closed', negate: true }],
    ['negated pattern', { path: '/payload/issue/title', pattern: 'crash|panic', negate: true }],
  ])('passes the event on %s', async (_name, args) => {
    const result = await runFilter(args);
    expect(result).toEqual({ outputs: { event } });
  });

  it.each([
    ['equals', { path: '/key', equals: 'issues.closed' }, '/key is "issues.opened", expected it to equal "issues.closed"'],
    ['pattern without the flag', { path: '/payload/issue/title', pattern: 'spelling' }, 'expected it to match /spelling/'],
    ['in', { path: '/repository', in: ['acme/widgets'] }, 'expected it to be one of ["acme/widgets"]'],
    ['exists', { path: '/payload/pull_request', exists: true }, '/payload/pull_request is missing, expected it to exist'],
    ['exists false', { path: '/payload/issue', exists: false }, 'expected it to be missing'],
    ['negate', { path: '/key', equals: 'issues.opened', negate: true }, 'expected it not to equal "issues.opened"'],
    ['a missing path', { path: '/payload/nothing', equals: 'x' }, '/payload/nothing is missing'],
    ['pattern on an object', { path: '/payload/issue/user', pattern: '.' }, 'expected it to match /./'],
  ])('halts with a reason on a miss of %s', async (_name, args, reason) => {
    const result = await runFilter(args);
    expect(result).toMatchObject({ halt: true });
    expect((result as { reason: string }).reason).toContain(reason);
  });

  it('cuts long values in the reason', async () => {
    const result = await runFilter({ path: '/payload', equals: 'x' });
    const reason = (result as { reason: string }).reason;
    expect(reason.length).toBeLessThan(320);
    expect(reason).toContain('…');
  });

  it('fails on an invalid regular expression', async () => {
    await expect(runFilter({ path: '/key', pattern: '(' })).rejects.toThrow(/invalid regular expression in args.pattern/);
  });

  it('reads keys that contain a slash', async () => {
    const custom = { ...event, payload: { labels: { 'kind/bug': true } } };
    const { ctx } = realContext(filterMatch, { args: { path: '/payload/labels/kind~1bug', equals: true }, event: custom });
    expect(await filterMatch.run(ctx)).toEqual({ outputs: { event: custom } });
  });

  it.each([
    ['two operators', { path: '/key', equals: 'a', exists: true }],
    ['no operator', { path: '/key' }],
    ['flags without pattern', { path: '/key', equals: 'a', flags: 'i' }],
    ['the stateful g flag', { path: '/key', pattern: 'a', flags: 'g' }],
    ['an invalid pointer', { path: 'key', equals: 'a' }],
  ])('rejects args with %s', (_name, args) => {
    expect(() => realContext(filterMatch, { args, event })).toThrow(/invalid args/);
  });
});
