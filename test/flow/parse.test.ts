import { describe, expect, test } from 'vitest';
import { findJsonErrorOffset } from '../../src/flow/json-error-offset.js';
import { lineAndColumn, parseFlowText } from '../../src/flow/parse.js';

function problemOf(text: string) {
  const result = parseFlowText(text);
  if (result.ok) throw new Error('expected a parse failure');
  return result.problem;
}

describe('parseFlowText', () => {
  test('returns the object of a valid file', () => {
    const result = parseFlowText('{\n  "id": "triage-bugs",\n  "nodes": {}\n}\n');

    expect(result).toEqual({ ok: true, doc: { id: 'triage-bugs', nodes: {} } });
  });

  test('drops a byte order mark', () => {
    expect(parseFlowText('\uFEFF{"id": "a"}')).toEqual({ ok: true, doc: { id: 'a' } });
  });

  test.each([
    {
      name: 'trailing comma',
      text: '{\n  "id": "triage-bugs",\n  "nodes": {\n    "opened": { "type": "trigger.webhook", }\n  }\n}\n',
      line: 4, column: 44,
    },
    { name: 'misspelt literal', text: '{\n  "id": "triage-bugs",\n  "enabled": tru,\n  "nodes": {}\n}\n', line: 3, column: 17 },
    { name: 'missing comma', text: '{\n  "id": "a"\n  "nodes": {}\n}', line: 3, column: 3 },
    { name: 'line break in a string', text: '{\n  "id": "abc\n}', line: 2, column: 13 },
    { name: 'text ends early', text: '{\n  "id": "a",\n  "nodes": {', line: 3, column: 13 },
    { name: 'text after the object', text: '{"id": "a"}\n\n  }', line: 3, column: 3 },
    { name: 'windows line endings', text: '{\r\n  "id": x\r\n}', line: 2, column: 9 },
    { name: 'bad token after a bom', text: '\uFEFF{ "id": ? }', line: 1, column: 9 },
  ])('syntax error: $name', ({ text, line, column }) => {
    const problem = problemOf(text);

    expect(problem).toMatchObject({ code: 'FLOW_JSON_SYNTAX', path: '', line, column });
    expect(problem.message).toContain(`line ${line}, column ${column}`);
  });

  test('message keeps the reason but not the engine position', () => {
    const problem = problemOf('{\n  "id": "a",\n}');

    expect(problem.message).toBe('Invalid JSON at line 3, column 1: Expected double-quoted property name.');
  });

  test.each([
    { name: 'empty text', text: '' },
    { name: 'only whitespace', text: ' \n\t\n' },
    { name: 'only a bom', text: '\uFEFF' },
  ])('empty file: $name', ({ text }) => {
    expect(problemOf(text)).toMatchObject({ code: 'FLOW_EMPTY', path: '', line: 1, column: 1 });
  });

  test.each([
    { name: 'array', text: '[{"id": "a"}]', kind: 'an array', line: 1, column: 1 },
    { name: 'null', text: '\n  null', kind: 'null', line: 2, column: 3 },
    { name: 'string', text: '"flow"', kind: 'a string', line: 1, column: 1 },
    { name: 'number', text: '42', kind: 'a number', line: 1, column: 1 },
  ])('top-level $name', ({ text, kind, line, column }) => {
    const problem = problemOf(text);

    expect(problem).toMatchObject({ code: 'FLOW_NOT_OBJECT', path: '', line, column });
    expect(problem.message).toContain(`not ${kind}`);
  });
});

describe('lineAndColumn', () => {
  test.each([
    { offset: 0, line: 1, column: 1 },
    { offset: 2, line: 1, column: 3 },
    { offset: 3, line: 2, column: 1 },
    { offset: 4, line: 3, column: 1 },
    { offset: 6, line: 3, column: 3 },
  ])('offset $offset', ({ offset, line, column }) => {
    expect(lineAndColumn('ab\n\ncd', offset)).toEqual({ line, column });
  });
});

describe('findJsonErrorOffset', () => {
  test.each([
    '{}', '[]', ' { "a" : [ 1 , -2.5e+3 , 0 , 0.5E-1 ] } ', '{"s": "tab\\t quote\\" unicode\\u00e9 slash\\/"}',
    '{"nested": {"deep": [[[{"x": null}]]], "t": true, "f": false}}', '"top-level string"', '-0',
  ])('accepts valid JSON %s', (text) => {
    expect(findJsonErrorOffset(text)).toBeNull();
  });

  test.each([
    '{"a": }', '[1,]', '{"a" 1}', '{"a": 1,}', '{"a": tru}', '{"a": "x\n"}', '{} x', '"abc', '{"a":1}}',
    '[01]', '[1.]', '[1e]', '[-]', '{"a": "\\x"}', '{"a": "\\u12G4"}', "{'a': 1}", '[1 2]', '{"a": [1, 2}', '{,}', '',
  ])('agrees with JSON.parse on %j', (text) => {
    let engineOffset: number | null = null;
    try {
      JSON.parse(text);
    } catch (error) {
      const match = / at position (\d+)/.exec((error as Error).message);
      engineOffset = match ? Number(match[1]) : -1;
    }

    const offset = findJsonErrorOffset(text);

    expect(offset).not.toBeNull();
    if (engineOffset !== -1) expect(offset).toBe(engineOffset);
  });

  test('points at the unexpected token', () => {
    expect(findJsonErrorOffset('{"a": [1, 2}')).toBe(11);
    expect(findJsonErrorOffset('[1,]')).toBe(3);
    expect(findJsonErrorOffset('{"a": tru}')).toBe(9);
  });

  test('survives deep nesting', () => {
    const depth = 200_000;
    expect(findJsonErrorOffset('['.repeat(depth) + ']'.repeat(depth))).toBeNull();
    expect(findJsonErrorOffset('['.repeat(depth))).toBe(depth);
  });
});
