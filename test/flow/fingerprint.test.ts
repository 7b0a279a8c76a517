import { describe, expect, test } from 'vitest';
import { canonicalJson, fileFingerprint, flowVersion } from '../../src/flow/fingerprint.js';
import type { Flow } from '../../src/flow/model.js';
import { validateFlow } from '../../src/flow/validate.js';
import { buildRegistry } from '../../src/nodes/registry.js';

const registry = buildRegistry();

function validated(doc: unknown): Flow {
  const result = validateFlow(doc, { registry });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.flow;
}

const minimal = {
  id: 'greet',
  nodes: {
    opened: { type: 'trigger.webhook', args: { events: ['issues.opened'] } },
    bugs: { type: 'filter.match', inputs: { event: 'opened.event' }, args: { path: '/payload/issue/title', pattern: 'bug' } },
  },
};

describe('flowVersion', () => {
  test('is 16 hex digits', () => {
    expect(flowVersion(validated(minimal))).toMatch(/^[0-9a-f]{16}$/);
  });

  test('equal after defaults means equal version', () => {
    const explicit = {
      nodes: {
        bugs: { args: { negate: false, pattern: 'bug', path: '/payload/issue/title' }, inputs: { event: 'opened.event' }, type: 'filter.match' },
        opened: { args: { events: ['issues.opened'] }, type: 'trigger.webhook' },
      },
      budget: { window_seconds: 3600 },
      priority: 0,
      enabled: true,
      source: 'operator',
      id: 'greet',
    };

    expect(flowVersion(validated(explicit))).toBe(flowVersion(validated(minimal)));
  });

  test('changes with any setting', () => {
    const base = flowVersion(validated(minimal));

    expect(flowVersion(validated({ ...minimal, priority: 1 }))).not.toBe(base);
    expect(flowVersion(validated({ ...minimal, enabled: false }))).not.toBe(base);
    expect(flowVersion(validated({ ...minimal, budget: { mutating_calls: 19 } }))).not.toBe(base);
  });

  test('applies flow defaults itself', () => {
    const flow = validated(minimal);
    const { source, enabled, priority, budget, ...bare } = flow;

    expect(flowVersion(bare as Flow)).toBe(flowVersion(flow));
    expect([source, enabled, priority, budget]).toEqual(['operator', true, 0, { mutating_calls: 20, window_seconds: 3600 }]);
  });
});

describe('canonicalJson', () => {
  test('sorts keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}');
  });

  test('drops undefined properties like JSON.stringify', () => {
    expect(canonicalJson({ a: undefined, b: [undefined] })).toBe('{"b":[null]}');
  });
});

describe('fileFingerprint', () => {
  test('is the sha256 of the bytes', () => {
    expect(fileFingerprint('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(fileFingerprint(Buffer.from('abc'))).toBe(fileFingerprint('abc'));
  });

  test('sees whitespace changes', () => {
    expect(fileFingerprint('{"id":"a"}')).not.toBe(fileFingerprint('{ "id": "a" }'));
  });
});
