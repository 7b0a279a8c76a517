import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { configSchemaPath, PATTERN_MEANINGS } from '../../src/config/validate.js';
import { packageRoot } from '../../src/paths.js';

type SchemaNode = Record<string, any>;

const schema: SchemaNode = JSON.parse(fs.readFileSync(configSchemaPath, 'utf8'));

function resolveRef(node: SchemaNode): SchemaNode {
  if (typeof node.$ref !== 'string') return node;
  const name = node.$ref.replace('#/$defs/', '');
  return { ...schema.$defs[name], ...node };
}

/** Lists every key of the schema as a dotted path, with `<name>` for a map key and `<source>` for a webhook source. */
function listKeys(node: SchemaNode, prefix: string): Array<{ key: string; node: SchemaNode }> {
  const keys: Array<{ key: string; node: SchemaNode }> = [];
  const resolved = resolveRef(node);

  for (const [name, child] of Object.entries<SchemaNode>(resolved.properties ?? {})) {
    const segment = prefix === 'webhooks' ? '<source>' : name;
    const key = prefix === '' ? segment : `${prefix}.${segment}`;
    keys.push({ key, node: resolveRef(child) }, ...listKeys(child, key));
  }
  if (typeof resolved.additionalProperties === 'object') {
    const key = `${prefix}.<name>`;
    keys.push({ key, node: resolveRef(resolved.additionalProperties) }, ...listKeys(resolved.additionalProperties, key));
  }
  return keys;
}

function listPatterns(value: unknown): string[] {
  if (value === null || typeof value !== 'object') return [];
  const own = typeof (value as SchemaNode).pattern === 'string' ? [(value as SchemaNode).pattern] : [];
  return [...own, ...Object.values(value).flatMap(listPatterns)];
}

const keys = listKeys(schema, '');

describe('webhook-config schema', () => {
  test.each(keys.map(({ key, node }) => ({ key, node })))('$key has a description', ({ node }) => {
    expect(typeof node.description).toBe('string');
    expect(node.description.length).toBeGreaterThan(10);
  });

  test('every pattern has a meaning for error messages', () => {
    for (const pattern of listPatterns(schema)) {
      expect(PATTERN_MEANINGS, pattern).toHaveProperty([pattern]);
    }
  });

  test('every leaf key is documented', () => {
    const docs = fs.readFileSync(path.join(packageRoot, 'docs/configuration.md'), 'utf8');
    const leaves = keys.filter(({ node }) => node.type !== 'object').map(({ key }) => key);

    expect(leaves.length).toBeGreaterThan(20);
    for (const key of leaves) {
      expect(docs, key).toContain(`| \`${key}\` |`);
    }
  });
});
