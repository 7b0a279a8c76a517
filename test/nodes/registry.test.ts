import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { buildRegistry, builtinNodeTypes } from '../../src/nodes/registry.js';

const builtIn = builtinNodeTypes.filter((nodeType) => nodeType.type !== 'trigger.webhook');

describe('built-in node registry', () => {
  it('registers every node type once', () => {
    expect([...buildRegistry().keys()]).toEqual([
      'trigger.webhook', 'filter.match', 'text.template', 'json.pick', 'log.emit',
      'http.request', 'forge.comment', 'forge.label', 'exec.command',
    ]);
  });

  it.each(builtIn.map((nodeType) => [nodeType.type, nodeType] as const))('%s has a strict, documented widget schema', (_type, nodeType) => {
    expect(nodeType.description).toMatch(/^[A-Z].*\.$/);
    expect(nodeType.args.additionalProperties).toBe(false);
    const properties = nodeType.args.properties as Record<string, { description?: string }>;
    for (const [name, property] of Object.entries(properties)) expect(property.description, name).toBeTruthy();
    expect(() => new Ajv2020({ strictSchema: true, strictTypes: true, useDefaults: true, allErrors: true }).compile(nodeType.args)).not.toThrow();
  });
});
