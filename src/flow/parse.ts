/**
 * Parses the text of a flow file into a JSON object, reporting a syntax error with the 1-based
 * line and column an editor shows. Columns count UTF-16 code units, as VS Code does; a leading
 * byte order mark is dropped and does not count.
 */
import { findJsonErrorOffset } from './json-error-offset.js';
import type { Problem } from './model.js';

export type LocatedProblem = Problem & { line: number; column: number };

export type ParseFlowResult =
  | { ok: true; doc: Record<string, unknown> }
  | { ok: false; problem: LocatedProblem };

const POSITION_SUFFIX = / in JSON at position (\d+).*$/s;
const SNIPPET_SUFFIX = /, ".*" is not valid JSON$/s;

export function parseFlowText(text: string): ParseFlowResult {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (source.trim() === '') {
    return fail('FLOW_EMPTY', 'The flow file is empty: write one JSON object with at least "id" and "nodes".', source, 0);
  }

  let doc: unknown;
  try {
    doc = JSON.parse(source);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    return syntaxProblem(error.message, source);
  }

  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    const start = source.length - source.trimStart().length;
    return fail('FLOW_NOT_OBJECT', `The flow file must contain one JSON object, not ${describeJsonType(doc)}.`, source, start);
  }
  return { ok: true, doc: doc as Record<string, unknown> };
}

/** Converts a 0-based UTF-16 offset into a 1-based line and column; `\n` ends a line. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) {
    line++;
    lineStart = index + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

function syntaxProblem(engineMessage: string, source: string): ParseFlowResult {
  const position = POSITION_SUFFIX.exec(engineMessage);
  const offset = position ? Number(position[1]) : (findJsonErrorOffset(source) ?? source.length);
  const reason = engineMessage.replace(POSITION_SUFFIX, '').replace(SNIPPET_SUFFIX, '');
  const { line, column } = lineAndColumn(source, offset);
  return fail('FLOW_JSON_SYNTAX', `Invalid JSON at line ${line}, column ${column}: ${reason}.`, source, offset);
}

function fail(code: string, message: string, source: string, offset: number): ParseFlowResult {
  return { ok: false, problem: { code, path: '', message, ...lineAndColumn(source, offset) } };
}

function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
