import { describe, expect, it } from 'vitest';
import { parsePointer, resolvePointer } from '../../src/flow/json-pointer.js';

const doc = {
  list: ['zero', 'one'],
  'a/b': 'slash',
  'm~n': 'tilde',
  '~1': 'escaped tilde one',
  '': 'empty key',
  nested: { value: null },
};

describe('resolvePointer', () => {
  it.each([
    ['', doc],
    ['/list', ['zero', 'one']],
    ['/list/0', 'zero'],
    ['/list/1', 'one'],
    ['/a~1b', 'slash'],
    ['/m~0n', 'tilde'],
    ['/~01', 'escaped tilde one'],
    ['/', 'empty key'],
    ['/nested/value', null],
  ])('resolves %j', (pointer, expected) => {
    expect(resolvePointer(doc, pointer)).toEqual({ found: true, value: expected });
  });

  it.each([
    ['/missing'],
    ['/list/2'],
    ['/list/-'],
    ['/list/01'],
    ['/list/x'],
    ['/nested/value/deeper'],
    ['/constructor'],
    ['/__proto__'],
    ['/list/length'],
  ])('finds nothing at %j', (pointer) => {
    expect(resolvePointer(doc, pointer)).toEqual({ found: false });
  });
});

describe('parsePointer', () => {
  it('rejects a pointer without a leading slash', () => {
    expect(() => parsePointer('payload')).toThrow(/must be empty or start with "\/"/);
  });

  it('rejects a tilde not followed by 0 or 1', () => {
    expect(() => parsePointer('/a~2')).toThrow(/"~" must be followed by 0 or 1/);
    expect(() => parsePointer('/a~')).toThrow(/"~" must be followed by 0 or 1/);
  });
});
