import { describe, expect, it } from 'vitest';
import { locatePointer } from '../../src/cli/locate-pointer.js';

const text = `{
  "id": "triage",
  "tricky": "a \\"}\\" and a [ in a string",
  "nodes": {
    "opened": { "type": "trigger.webhook", "args": { "events": ["issues.opened", "push"] } },
    "a/b": { "type": "log.emit" },
    "t~x": { "type": "log.emit" }
  },
  "list": [ { "x": 1 }, [2, 3], "four" ]
}
`;

describe('locatePointer', () => {
  it.each([
    ['', 1, 1],
    ['/id', 2, 3],
    ['/nodes', 4, 3],
    ['/nodes/opened', 5, 5],
    ['/nodes/opened/args/events', 5, 54],
    ['/nodes/opened/args/events/1', 5, 82],
    ['/nodes/a~1b', 6, 5],
    ['/nodes/t~0x', 7, 5],
    ['/list/1', 9, 25],
    ['/list/1/1', 9, 29],
    ['/list/2', 9, 33],
    ['/list/0/x', 9, 15],
  ])('places %j at line %i, column %i', (pointer, line, column) => {
    expect(locatePointer(text, pointer)).toEqual({ line, column });
  });

  it('stops at the deepest existing part', () => {
    expect(locatePointer(text, '/nodes/opened/inputs/event')).toEqual({ line: 5, column: 5 });
    expect(locatePointer(text, '/list/7')).toEqual({ line: 9, column: 3 });
    expect(locatePointer(text, '/id/deeper')).toEqual({ line: 2, column: 3 });
  });

  it('picks the last of repeated names', () => {
    expect(locatePointer('{"a": 1,\n "a": 2}', '/a')).toEqual({ line: 2, column: 2 });
  });

  it('ignores a byte order mark', () => {
    expect(locatePointer('\uFEFF{"a": 1}', '/a')).toEqual({ line: 1, column: 2 });
  });

  it('skips nested containers and strings with brackets', () => {
    const nested = '{"skip": {"deep": [{"s": "]}"}, [[]]]}, "target": true}';
    expect(locatePointer(nested, '/target')).toEqual({ line: 1, column: 41 });
  });

  it('survives very deep nesting', () => {
    const deep = `{"deep": ${'['.repeat(100_000)}${']'.repeat(100_000)}, "after": 1}`;
    expect(locatePointer(deep, '/after')).toEqual({ line: 1, column: 200_012 });
  });
});
