/**
 * Finds where a JSON Pointer points in the text of a JSON document, so that a validation
 * problem (which carries a pointer) can be shown as `file:line:column`. It scans the text
 * without building values, and expects text that `JSON.parse` accepted.
 */
import { lineAndColumn } from '../flow/parse.js';
import { problemPathSegments } from '../flow/problem-path.js';

export interface TextPosition {
  line: number;
  column: number;
}

/**
 * Returns the 1-based line and column of the member name that the pointer ends at. For an
 * array element it is the element's first character, and for the empty pointer the document's
 * first value. When the pointer runs past what the document contains, the deepest part that
 * exists is returned, because problems such as a missing property point at the object that
 * lacks it. A repeated member name resolves to its last occurrence, as `JSON.parse` keeps the last one.
 */
export function locatePointer(text: string, pointer: string): TextPosition {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let valueAt = skipWhitespace(source, 0);
  let found = valueAt;

  for (const segment of problemPathSegments(pointer)) {
    const next = source[valueAt] === '{' ? findMember(source, valueAt, segment) : source[valueAt] === '[' ? findElement(source, valueAt, segment) : undefined;
    if (!next) break;
    found = next.markAt;
    valueAt = next.valueAt;
  }
  return lineAndColumn(source, found);
}

interface Step {
  /** Offset shown for this step: the member name's opening quote, or the element's start. */
  markAt: number;
  /** Offset of the value that the next segment descends into. */
  valueAt: number;
}

function findMember(text: string, objectAt: number, name: string): Step | undefined {
  let match: Step | undefined;
  let at = skipWhitespace(text, objectAt + 1);
  while (text[at] === '"') {
    const nameEnd = skipString(text, at);
    const memberName = JSON.parse(text.slice(at, nameEnd)) as string;
    const valueAt = skipWhitespace(text, skipWhitespace(text, nameEnd) + 1);
    if (memberName === name) match = { markAt: at, valueAt };
    at = skipWhitespace(text, skipValue(text, valueAt));
    if (text[at] !== ',') break;
    at = skipWhitespace(text, at + 1);
  }
  return match;
}

function findElement(text: string, arrayAt: number, token: string): Step | undefined {
  if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
  const index = Number(token);
  let at = skipWhitespace(text, arrayAt + 1);
  if (text[at] === ']') return undefined;
  for (let position = 0; ; position++) {
    if (position === index) return { markAt: at, valueAt: at };
    at = skipWhitespace(text, skipValue(text, at));
    if (text[at] !== ',') return undefined;
    at = skipWhitespace(text, at + 1);
  }
}

function skipWhitespace(text: string, at: number): number {
  while (at < text.length && (text[at] === ' ' || text[at] === '\t' || text[at] === '\n' || text[at] === '\r')) at++;
  return at;
}

/** Returns the offset just past the string that starts at `at`. */
function skipString(text: string, at: number): number {
  let index = at + 1;
  while (index < text.length && text[index] !== '"') index += text[index] === '\\' ? 2 : 1;
  return index + 1;
}

/**
 * Returns the offset just past the value that starts at `at`. Containers are skipped by
 * counting brackets outside strings, with no recursion, so deep nesting cannot overflow the stack.
 */
function skipValue(text: string, at: number): number {
  const first = text[at];
  if (first === '"') return skipString(text, at);
  if (first !== '{' && first !== '[') {
    let index = at;
    while (index < text.length && !',]} \t\n\r'.includes(text[index])) index++;
    return index;
  }

  let depth = 0;
  let index = at;
  while (index < text.length) {
    const char = text[index];
    if (char === '"') {
      index = skipString(text, index);
      continue;
    }
    if (char === '{' || char === '[') depth++;
    if (char === '}' || char === ']') depth--;
    index++;
    if (depth === 0) return index;
  }
  return index;
}
