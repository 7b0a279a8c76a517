import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../../src/errors.js';
import { builtinNodeTypes } from '../../src/nodes/registry.js';
import { renderNodeReference } from '../../src/nodes/reference.js';

const read = (file: string) => fs.readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');

describe('docs kept in step with the code', () => {
  it('docs/nodes.md equals the reference rendered from the registry', () => {
    // On a mismatch, run `npm run docs:nodes` and commit docs/nodes.md.
    expect(read('docs/nodes.md')).toBe(renderNodeReference(builtinNodeTypes));
  });

  it('docs/errors.md lists every error code with its HTTP status', () => {
    const doc = read('docs/errors.md');
    for (const [code, entry] of Object.entries(ERROR_CATALOGUE)) {
      expect(doc, `docs/errors.md misses ${code}`).toContain(`| \`${code}\` | ${entry.status} |`);
    }
  });
});
