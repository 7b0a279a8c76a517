import { describe, expect, test } from 'vitest';
import { findCycles, flowDependencies, parseInputReference, topologicalOrder } from '../../src/flow/graph.js';

function dependencies(entries: Array<[string, string[]]>): Map<string, string[]> {
  return new Map(entries);
}

describe('topologicalOrder', () => {
  test('puts producers before consumers', () => {
    const result = topologicalOrder(dependencies([
      ['reply', ['thanks', 'crash']],
      ['thanks', ['crash']],
      ['crash', ['opened']],
      ['opened', []],
    ]));

    expect(result).toEqual({ ok: true, order: ['opened', 'crash', 'thanks', 'reply'] });
  });

  test('breaks ties by node id', () => {
    const result = topologicalOrder(dependencies([
      ['zeta', ['start']],
      ['alpha', ['start']],
      ['mid', ['zeta']],
      ['start', []],
      ['beta', []],
    ]));

    expect(result).toEqual({ ok: true, order: ['beta', 'start', 'alpha', 'zeta', 'mid'] });
  });

  test('ignores key order', () => {
    const entries: Array<[string, string[]]> = [['c', ['a']], ['b', ['a']], ['a', []], ['d', ['b', 'c']]];

    const forward = topologicalOrder(dependencies(entries));
    const backward = topologicalOrder(dependencies([...entries].reverse()));

    expect(forward).toEqual({ ok: true, order: ['a', 'b', 'c', 'd'] });
    expect(backward).toEqual(forward);
  });

  test('counts a repeated producer once', () => {
    const result = topologicalOrder(dependencies([['b', ['a', 'a']], ['a', []]]));

    expect(result).toEqual({ ok: true, order: ['a', 'b'] });
  });

  test('reports the cycle instead of an order', () => {
    const result = topologicalOrder(dependencies([['t', []], ['a', ['t', 'b']], ['b', ['a']], ['after', ['b']]]));

    expect(result).toEqual({ ok: false, cycles: [['a', 'b']] });
  });
});

describe('findCycles', () => {
  test.each([
    { name: 'two nodes', graph: [['a', ['b']], ['b', ['a']]], cycles: [['a', 'b']] },
    { name: 'three nodes in data-flow order', graph: [['a', ['c']], ['b', ['a']], ['c', ['b']]], cycles: [['a', 'b', 'c']] },
    { name: 'node reading itself', graph: [['t', []], ['a', ['a', 't']]], cycles: [['a']] },
    { name: 'two separate cycles', graph: [['x', ['y']], ['y', ['x']], ['b', ['a']], ['a', ['b']]], cycles: [['a', 'b'], ['x', 'y']] },
    { name: 'shortest way back', graph: [['a', ['d', 'c']], ['b', ['a']], ['c', ['b']], ['d', ['a']]], cycles: [['a', 'd']] },
    { name: 'acyclic graph', graph: [['a', []], ['b', ['a']], ['c', ['a', 'b']]], cycles: [] },
  ] as Array<{ name: string; graph: Array<[string, string[]]>; cycles: string[][] }>)('$name', ({ graph, cycles }) => {
    expect(findCycles(dependencies(graph))).toEqual(cycles);
  });
});

describe('flowDependencies', () => {
  test('reads producers from input references', () => {
    const result = flowDependencies({
      opened: { type: 'trigger.webhook' },
      thanks: { type: 'text.template', inputs: { event: 'opened.event' } },
      reply: { type: 'forge.comment', inputs: { event: 'opened.event', body: 'thanks.text' } },
    });

    expect(result).toEqual(new Map([['opened', []], ['thanks', ['opened']], ['reply', ['opened', 'thanks']]]));
  });

  test('skips malformed and dangling references', () => {
    const result = flowDependencies({
      opened: { type: 'trigger.webhook' },
      reply: { type: 'forge.comment', inputs: { event: 'opened', body: 'ghost.text', extra: 'opened.event' } },
    });

    expect(result.get('reply')).toEqual(['opened']);
  });
});

describe('parseInputReference', () => {
  test.each([
    { reference: 'opened.event', parsed: { node: 'opened', port: 'event' } },
    { reference: 'node_2.exit_code', parsed: { node: 'node_2', port: 'exit_code' } },
    { reference: 'opened', parsed: null },
    { reference: 'opened.event.extra', parsed: null },
    { reference: 'Opened.event', parsed: null },
    { reference: 42, parsed: null },
  ])('$reference', ({ reference, parsed }) => {
    expect(parseInputReference(reference)).toEqual(parsed);
  });
});
