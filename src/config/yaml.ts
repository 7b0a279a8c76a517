import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { ConfigProblem } from './errors.js';

export interface ParsedYaml {
  /** The document as plain JavaScript values; an empty file gives `undefined`. */
  value: unknown;
  /** Finds the 1-based line and column of a key, or of its nearest existing parent. */
  locate(segments: readonly string[]): { line: number; column: number };
}

/** Parses YAML text. Returns the syntax errors instead when there are any, each with its line and column. */
export function parseYaml(text: string): ParsedYaml | { errors: ConfigProblem[] } {
  const lineCounter = new LineCounter();
  // prettyErrors is off so that messages stay one line; the position is added from the line counter.
  const document = parseDocument(text, { lineCounter, prettyErrors: false });

  if (document.errors.length > 0) {
    const errors = document.errors.map((error) => {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      return { path: '', message: `YAML syntax error: ${error.message}`, line, column: col };
    });
    return { errors };
  }

  const value = document.contents === null ? undefined : document.toJS();
  return {
    value,
    locate: (segments) => {
      const { line, col } = lineCounter.linePos(findOffset(document, segments));
      return { line, column: col };
    },
  };
}

/**
 * Walks the YAML nodes along `segments` and returns the offset of the last one found. For a map
 * entry this is the offset of its key, which is where the operator wrote it. A missing key gets
 * the offset of its parent.
 */
function findOffset(document: Document, segments: readonly string[]): number {
  let node: unknown = document.contents;
  let offset = document.contents?.range?.[0] ?? 0;

  for (const segment of segments) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === segment);
      if (!pair) break;
      if (isScalar(pair.key) && pair.key.range) offset = pair.key.range[0];
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)];
      if (!isNode(item)) break;
      if (item.range) offset = item.range[0];
      node = item;
    } else {
      break;
    }
  }
  return offset;
}
