import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { FLOW_DEFAULTS } from '../../src/flow/defaults.js';
import type { FlowSource, Problem } from '../../src/flow/model.js';
import { validateFlow } from '../../src/flow/validate.js';
import { buildRegistry, builtinNodeTypes } from '../../src/nodes/registry.js';
import type { NodeType } from '../../src/nodes/types.js';
import { schemasDir } from '../../src/paths.js';

const registry = buildRegistry();

/** A node type with an `any` output, which no built-in type has. */
const passthrough: NodeType = {
  type: 'test.passthrough',
  description: 'Passes its input on unchanged.',
  mutating: false,
  inputs: { value: { type: 'any', required: true } },
  outputs: { value: 'any' },
  args: { type: 'object', properties: { note: { type: 'string', default: 'none' } } },
  run: (ctx) => ({ outputs: { value: ctx.inputs.value } }),
};
const registryWithPassthrough = buildRegistry([...builtinNodeTypes, passthrough]);

/** Returns a fresh copy of the example flow of the flow file reference. */
function exampleFlow(): Record<string, any> {
  return {
    $schema: '../schemas/flow.schema.json',
    id: 'triage-bugs',
    name: 'Triage new bug reports',
    description: 'Labels issues whose title mentions a crash and thanks the reporter.',
    source: 'operator',
    enabled: true,
    priority: 100,
    mutex_group: 'issue-responders',
    budget: { mutating_calls: 20, window_seconds: 3600 },
    nodes: {
      opened: { type: 'trigger.webhook', args: { events: ['issues.opened'], repositories: ['acme/*'] } },
      crash: {
        type: 'filter.match',
        inputs: { event: 'opened.event' },
        args: { path: '/payload/issue/title', pattern: 'crash|panic', flags: 'i' },
      },
      thanks: {
        type: 'text.template',
        inputs: { event: 'crash.event' },
        args: { template: 'Thanks @{{payload.sender.login}}, a maintainer will look at this.' },
      },
      reply: { type: 'forge.comment', inputs: { event: 'crash.event', body: 'thanks.text' } },
    },
  };
}

function codesAndPaths(problems: Problem[]): Array<{ code: string; path: string }> {
  return problems.map(({ code, path: problemPath }) => ({ code, path: problemPath }));
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

interface Case {
  name: string;
  change: (doc: Record<string, any>) => void;
  fileName?: string;
  allowedSources?: FlowSource[];
  /** Empty when the document must pass. */
  expected: Array<{ code: string; path: string }>;
}

const cases: Case[] = [
  // 1. schema
  { name: 'negative priority', change: (doc) => { doc.priority = -5; }, expected: [] },
  { name: 'priority as a string', change: (doc) => { doc.priority = 'high'; }, expected: [{ code: 'FLOW_SCHEMA', path: '/priority' }] },
  { name: 'unknown top-level property', change: (doc) => { doc.owner = 'me'; }, expected: [{ code: 'FLOW_SCHEMA', path: '/owner' }] },
  { name: 'id with capitals', change: (doc) => { doc.id = 'Triage'; }, expected: [{ code: 'FLOW_SCHEMA', path: '/id' }] },
  { name: 'missing id', change: (doc) => { delete doc.id; }, expected: [{ code: 'FLOW_SCHEMA', path: '/id' }] },
  { name: 'empty mutex group', change: (doc) => { doc.mutex_group = ''; }, expected: [{ code: 'FLOW_SCHEMA', path: '/mutex_group' }] },
  { name: 'zero budget window', change: (doc) => { doc.budget.window_seconds = 0; }, expected: [{ code: 'FLOW_SCHEMA', path: '/budget/window_seconds' }] },
  { name: 'zero mutating calls', change: (doc) => { doc.budget.mutating_calls = 0; }, expected: [] },
  { name: 'unknown budget property', change: (doc) => { doc.budget.per = 'hour'; }, expected: [{ code: 'FLOW_SCHEMA', path: '/budget/per' }] },
  { name: 'unknown node property', change: (doc) => { doc.nodes.reply.label = 'x'; }, expected: [{ code: 'FLOW_SCHEMA', path: '/nodes/reply/label' }] },
  { name: 'node id with a dash', change: (doc) => { doc.nodes['log-it'] = { type: 'log.emit', args: { message: 'hi' } }; }, expected: [{ code: 'FLOW_SCHEMA', path: '/nodes/log-it' }] },
  { name: 'reference without a port', change: (doc) => { doc.nodes.reply.inputs.body = 'thanks'; }, expected: [{ code: 'FLOW_SCHEMA', path: '/nodes/reply/inputs/body' }] },
  { name: 'args as an array', change: (doc) => { doc.nodes.thanks.args = ['x']; }, expected: [{ code: 'FLOW_SCHEMA', path: '/nodes/thanks/args' }] },

  // 2. node types
  { name: 'unknown node type', change: (doc) => { doc.nodes.reply.type = 'forge.kommentar'; }, expected: [{ code: 'FLOW_UNKNOWN_NODE_TYPE', path: '/nodes/reply/type' }] },

  // 3. references
  { name: 'reference to a missing node', change: (doc) => { doc.nodes.reply.inputs.body = 'thank.text'; }, expected: [{ code: 'FLOW_UNKNOWN_INPUT_NODE', path: '/nodes/reply/inputs/body' }] },
  { name: 'reference to a missing output', change: (doc) => { doc.nodes.reply.inputs.body = 'thanks.body'; }, expected: [{ code: 'FLOW_UNKNOWN_OUTPUT_PORT', path: '/nodes/reply/inputs/body' }] },
  { name: 'input the type lacks', change: (doc) => { doc.nodes.reply.inputs.title = 'thanks.text'; }, expected: [{ code: 'FLOW_UNKNOWN_INPUT_PORT', path: '/nodes/reply/inputs/title' }] },
  { name: 'optional input connected', change: (doc) => { doc.nodes.thanks.inputs.vars = 'pick.value'; doc.nodes.pick = { type: 'json.pick', inputs: { value: 'opened.event' }, args: { path: '/payload' } }; }, expected: [] },

  // 4. port types and required inputs
  { name: 'event into a text input', change: (doc) => { doc.nodes.reply.inputs.body = 'crash.event'; }, expected: [{ code: 'FLOW_PORT_TYPE_MISMATCH', path: '/nodes/reply/inputs/body' }] },
  { name: 'text into an any input', change: (doc) => { doc.nodes.pick = { type: 'json.pick', inputs: { value: 'thanks.text' }, args: { path: '' } }; }, expected: [] },
  { name: 'json into a text input', change: (doc) => { doc.nodes.pick = { type: 'json.pick', inputs: { value: 'thanks.text' }, args: { path: '' } }; doc.nodes.reply.inputs.body = 'pick.value'; }, expected: [{ code: 'FLOW_PORT_TYPE_MISMATCH', path: '/nodes/reply/inputs/body' }] },
  { name: 'required input unconnected', change: (doc) => { delete doc.nodes.reply.inputs.body; }, expected: [{ code: 'FLOW_MISSING_INPUT', path: '/nodes/reply/inputs/body' }] },
  { name: 'inputs left out entirely', change: (doc) => { delete doc.nodes.reply.inputs; }, expected: [{ code: 'FLOW_MISSING_INPUT', path: '/nodes/reply/inputs/event' }, { code: 'FLOW_MISSING_INPUT', path: '/nodes/reply/inputs/body' }] },

  // 5. cycles
  { name: 'two-node cycle', change: (doc) => { doc.nodes.crash.inputs.event = 'recheck.event'; doc.nodes.recheck = { type: 'filter.match', inputs: { event: 'crash.event' }, args: { path: '/key', exists: true } }; }, expected: [{ code: 'FLOW_CYCLE', path: '/nodes/crash/inputs/event' }] },
  { name: 'node reading itself', change: (doc) => { doc.nodes.crash.inputs.event = 'crash.event'; }, expected: [{ code: 'FLOW_CYCLE', path: '/nodes/crash/inputs/event' }] },

  // 6. args
  { name: 'empty event list', change: (doc) => { doc.nodes.opened.args.events = []; }, expected: [{ code: 'FLOW_ARGS', path: '/nodes/opened/args/events' }] },
  { name: 'trigger without args', change: (doc) => { delete doc.nodes.opened.args; }, expected: [{ code: 'FLOW_ARGS', path: '/nodes/opened/args/events' }] },
  { name: 'filter without a test', change: (doc) => { doc.nodes.crash.args = { path: '/key' }; }, expected: [{ code: 'FLOW_ARGS', path: '/nodes/crash/args' }] },
  { name: 'unknown arg', change: (doc) => { doc.nodes.thanks.args.escape = true; }, expected: [{ code: 'FLOW_ARGS', path: '/nodes/thanks/args/escape' }] },
  { name: 'unknown event source', change: (doc) => { doc.nodes.opened.args.sources = ['gitlab']; }, expected: [{ code: 'FLOW_ARGS', path: '/nodes/opened/args/sources/0' }] },

  // 7. file name and source
  { name: 'matching file name', change: () => {}, fileName: '/srv/flows.d/triage-bugs.json', expected: [] },
  { name: 'file named after another id', change: () => {}, fileName: '/srv/flows.d/triage.json', expected: [{ code: 'FLOW_FILE_NAME', path: '/id' }] },
  { name: 'file without the json suffix', change: () => {}, fileName: 'triage-bugs', expected: [{ code: 'FLOW_FILE_NAME', path: '/id' }] },
  { name: 'operator source allowed', change: () => {}, allowedSources: ['operator'], expected: [] },
  { name: 'default source forbidden', change: (doc) => { doc.source = 'default'; }, allowedSources: ['operator'], expected: [{ code: 'FLOW_SOURCE_FORBIDDEN', path: '/source' }] },
  { name: 'absent source counts as operator', change: (doc) => { delete doc.source; }, allowedSources: ['default'], expected: [{ code: 'FLOW_SOURCE_FORBIDDEN', path: '/source' }] },
  { name: 'default source allowed by default', change: (doc) => { doc.source = 'default'; }, expected: [] },

  // triggers
  { name: 'two triggers', change: (doc) => { doc.nodes.edited = { type: 'trigger.webhook', args: { events: ['issues.edited'] } }; }, expected: [] },
  { name: 'no trigger', change: (doc) => { doc.nodes = { log: { type: 'log.emit', args: { message: 'hello' } } }; }, expected: [{ code: 'FLOW_NO_TRIGGER', path: '/nodes' }] },
  { name: 'trigger with inputs', change: (doc) => { doc.nodes.opened.inputs = { event: 'crash.event' }; }, expected: [{ code: 'FLOW_TRIGGER_INPUTS', path: '/nodes/opened/inputs' }] },
  { name: 'trigger with empty inputs', change: (doc) => { doc.nodes.opened.inputs = {}; }, expected: [] },
];

describe('validateFlow checks', () => {
  test('example flow passes', () => {
    const result = validateFlow(exampleFlow(), { registry, fileName: 'triage-bugs.json', allowedSources: ['operator'] });
    expect(result).toMatchObject({ ok: true });
  });

  test.each(cases)('$name', ({ change, fileName, allowedSources, expected }) => {
    const doc = exampleFlow();
    change(doc);

    const result = validateFlow(doc, { registry, fileName, allowedSources });

    if (expected.length === 0) {
      expect(result.ok ? [] : codesAndPaths(result.problems)).toEqual([]);
    } else {
      expect(result.ok).toBe(false);
      expect(result.ok ? [] : codesAndPaths(result.problems)).toEqual(expected);
    }
  });

  test('any output into a typed input', () => {
    const doc = exampleFlow();
    doc.nodes.relay = { type: 'test.passthrough', inputs: { value: 'thanks.text' } };
    doc.nodes.reply.inputs.body = 'relay.value';

    const result = validateFlow(doc, { registry: registryWithPassthrough });

    expect(result.ok ? [] : codesAndPaths(result.problems)).toEqual([]);
  });
});

describe('validateFlow problems', () => {
  function problemsOf(doc: unknown, options: Partial<Parameters<typeof validateFlow>[1]> = {}): Problem[] {
    const result = validateFlow(doc, { registry, ...options });
    if (result.ok) throw new Error('expected the document to fail validation');
    return result.problems;
  }

  test('reports problems of five kinds at once', () => {
    const doc = exampleFlow();
    doc.priority = 'high';
    doc.nodes.label = { type: 'forge.labeler', inputs: { event: 'crash.event' } };
    doc.nodes.reply.inputs.body = 'crash.event';
    doc.nodes.crash.inputs.event = 'crash.event';
    doc.nodes.opened.args.events = [];

    const problems = problemsOf(doc, { fileName: 'bugs.json' });

    expect(codesAndPaths(problems)).toEqual([
      { code: 'FLOW_SCHEMA', path: '/priority' },
      { code: 'FLOW_UNKNOWN_NODE_TYPE', path: '/nodes/label/type' },
      { code: 'FLOW_PORT_TYPE_MISMATCH', path: '/nodes/reply/inputs/body' },
      { code: 'FLOW_CYCLE', path: '/nodes/crash/inputs/event' },
      { code: 'FLOW_ARGS', path: '/nodes/opened/args/events' },
      { code: 'FLOW_FILE_NAME', path: '/id' },
    ]);
  });

  test('cycle message names its nodes', () => {
    const doc = exampleFlow();
    doc.nodes.crash.inputs.event = 'recheck.event';
    doc.nodes.recheck = { type: 'filter.match', inputs: { event: 'again.event' }, args: { path: '/key', exists: true } };
    doc.nodes.again = { type: 'filter.match', inputs: { event: 'crash.event' }, args: { path: '/key', exists: true } };

    const [problem] = problemsOf(doc);

    expect(problem.code).toBe('FLOW_CYCLE');
    expect(problem.node).toBe('again');
    expect(problem.path).toBe('/nodes/again/inputs/event');
    expect(problem.message).toContain('again -> recheck -> crash -> again');
  });

  test('problems name their node', () => {
    const doc = exampleFlow();
    doc.nodes.reply.inputs.body = 'crash.event';
    doc.priority = 'high';

    const problems = problemsOf(doc);

    expect(problems.find((problem) => problem.path === '/priority')?.node).toBeUndefined();
    expect(problems.find((problem) => problem.code === 'FLOW_PORT_TYPE_MISMATCH')?.node).toBe('reply');
  });

  test.each([
    { name: 'enum lists the allowed values', change: (doc: any) => { doc.source = 'vendor'; }, parts: ['"source"', '"operator", "default"', '"vendor"'] },
    { name: 'type names expected and found', change: (doc: any) => { doc.priority = 'high'; }, parts: ['"priority"', 'an integer', 'the string "high"'] },
    { name: 'unknown property lists the allowed ones', change: (doc: any) => { doc.budget.per = 'hour'; }, parts: ['"per"', 'mutating_calls, window_seconds'] },
    { name: 'bad id says what is allowed', change: (doc: any) => { doc.id = 'Triage Bugs'; }, parts: ['"id"', '"Triage Bugs"', 'a-z, 0-9, _ and -'] },
    { name: 'unknown type lists the known ones', change: (doc: any) => { doc.nodes.reply.type = 'forge.reply'; }, parts: ['"forge.reply"', 'forge.comment', 'trigger.webhook'] },
    { name: 'mismatch names both types', change: (doc: any) => { doc.nodes.reply.inputs.body = 'crash.event'; }, parts: ['"body"', 'type text', '"crash.event"', 'type event', 'thanks.text'] },
    { name: 'missing port lists the outputs', change: (doc: any) => { doc.nodes.reply.inputs.body = 'thanks.body'; }, parts: ['"body"', 'Its outputs: text'] },
    { name: 'filter args name the choices', change: (doc: any) => { doc.nodes.crash.args = { path: '/key' }; }, parts: ['node "crash"', 'exactly one of: equals, pattern, in, exists'] },
    { name: 'arg enum names the arg', change: (doc: any) => { doc.nodes.opened.args.sources = ['gitlab']; }, parts: ['Arg "sources[0]" of node "opened"', '"github", "gitea", "generic"'] },
  ])('message: $name', ({ change, parts }) => {
    const doc = exampleFlow();
    change(doc);

    const [problem] = problemsOf(doc);

    for (const part of parts) expect(problem.message).toContain(part);
  });

  test('non-object document fails the schema only', () => {
    expect(codesAndPaths(problemsOf(['not', 'a', 'flow'], { fileName: 'x.json' }))).toEqual([{ code: 'FLOW_SCHEMA', path: '' }]);
  });

  test('nodes not an object skips the graph checks', () => {
    const doc = exampleFlow();
    doc.nodes = ['opened'];
    doc.source = 'default';

    const problems = problemsOf(doc, { fileName: 'other.json', allowedSources: ['operator'] });

    expect(codesAndPaths(problems)).toEqual([
      { code: 'FLOW_SCHEMA', path: '/nodes' },
      { code: 'FLOW_FILE_NAME', path: '/id' },
      { code: 'FLOW_SOURCE_FORBIDDEN', path: '/source' },
    ]);
  });

  test('malformed node still leaves the rest checked', () => {
    const doc = exampleFlow();
    doc.nodes.thanks = 'Thanks!';
    doc.nodes.extra = { type: 'forge.comment', inputs: { event: 'crash.event', body: 'crash.event' } };

    const problems = problemsOf(doc);

    expect(codesAndPaths(problems)).toEqual([
      { code: 'FLOW_SCHEMA', path: '/nodes/thanks' },
      { code: 'FLOW_PORT_TYPE_MISMATCH', path: '/nodes/extra/inputs/body' },
    ]);
  });

  test('empty nodes report the schema only', () => {
    const doc = exampleFlow();
    doc.nodes = {};

    expect(codesAndPaths(problemsOf(doc))).toEqual([{ code: 'FLOW_SCHEMA', path: '/nodes' }]);
  });

  test('pointer escapes slashes in names', () => {
    const doc = exampleFlow();
    doc.nodes['a/b'] = { type: 'log.emit', args: { message: 'x' } };

    expect(codesAndPaths(problemsOf(doc))).toEqual([{ code: 'FLOW_SCHEMA', path: '/nodes/a~1b' }]);
  });
});

describe('validateFlow result', () => {
  test('applies flow defaults', () => {
    const doc = exampleFlow();
    for (const key of ['source', 'enabled', 'priority', 'budget', 'mutex_group']) delete doc[key];

    const result = validateFlow(doc, { registry });

    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.flow.source).toBe('operator');
    expect(result.flow.enabled).toBe(true);
    expect(result.flow.priority).toBe(0);
    expect(result.flow.budget).toEqual({ mutating_calls: 20, window_seconds: 3600 });
    expect(result.flow).not.toHaveProperty('mutex_group');
  });

  test('merges a partial budget', () => {
    const doc = exampleFlow();
    doc.budget = { mutating_calls: 5 };

    const result = validateFlow(doc, { registry });

    expect(result.ok && result.flow.budget).toEqual({ mutating_calls: 5, window_seconds: 3600 });
  });

  test('applies widget defaults to args', () => {
    const doc = exampleFlow();
    doc.nodes.relay = { type: 'test.passthrough', inputs: { value: 'thanks.text' } };

    const result = validateFlow(doc, { registry: registryWithPassthrough });

    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.flow.nodes.relay.args).toEqual({ note: 'none' });
    expect(result.flow.nodes.crash.args).toEqual({ path: '/payload/issue/title', pattern: 'crash|panic', flags: 'i', negate: false });
    expect(result.flow.nodes.reply.args).toEqual({});
  });

  test('leaves the input document unchanged', () => {
    const doc = exampleFlow();
    for (const key of ['source', 'enabled', 'priority', 'budget']) delete doc[key];
    const before = JSON.stringify(doc);
    deepFreeze(doc);

    const result = validateFlow(doc, { registry });

    expect(result.ok).toBe(true);
    expect(JSON.stringify(doc)).toBe(before);
    expect(doc.nodes.crash.args).not.toHaveProperty('negate');
  });

  test('compiles each widget schema once', () => {
    let reads = 0;
    const counted: NodeType = { ...passthrough, get args() { reads++; return passthrough.args; } };
    const countingRegistry = buildRegistry([...builtinNodeTypes, counted]);
    const doc = exampleFlow();
    doc.nodes.relay = { type: 'test.passthrough', inputs: { value: 'thanks.text' } };

    const results = [1, 2, 3].map(() => validateFlow(doc, { registry: countingRegistry }));

    expect(results.every((result) => result.ok)).toBe(true);
    expect(reads).toBe(1);
  });

  test('validates 10,000 flows in under a second', () => {
    const docs = Array.from({ length: 10_000 }, (_, index) => ({ ...exampleFlow(), id: `flow-${index}` }));
    validateFlow(docs[0], { registry });

    const started = performance.now();
    const failures = docs.filter((doc) => !validateFlow(doc, { registry }).ok).length;
    const elapsed = performance.now() - started;

    expect(failures).toBe(0);
    expect(elapsed).toBeLessThan(1000);
  });
});

describe('flow schema file', () => {
  const schema = JSON.parse(readFileSync(path.join(schemasDir, 'flow.schema.json'), 'utf8'));

  test('states the same defaults as the code', () => {
    expect(schema.properties.source.default).toBe(FLOW_DEFAULTS.source);
    expect(schema.properties.enabled.default).toBe(FLOW_DEFAULTS.enabled);
    expect(schema.properties.priority.default).toBe(FLOW_DEFAULTS.priority);
    expect(schema.properties.budget.default).toEqual(FLOW_DEFAULTS.budget);
    expect(schema.properties.budget.properties.mutating_calls.default).toBe(FLOW_DEFAULTS.budget.mutating_calls);
    expect(schema.properties.budget.properties.window_seconds.default).toBe(FLOW_DEFAULTS.budget.window_seconds);
  });

  test('describes every property', () => {
    const undescribed: string[] = [];
    const visit = (node: any, where: string): void => {
      for (const [name, child] of Object.entries<any>(node.properties ?? {})) {
        if (!child.title || !child.description) undescribed.push(`${where}/${name}`);
        visit(child, `${where}/${name}`);
      }
      if (node.additionalProperties && typeof node.additionalProperties === 'object' && !node.additionalProperties.$ref) {
        visit(node.additionalProperties, `${where}/*`);
      }
    };
    visit(schema, '');
    visit(schema.$defs.node, '$defs/node');

    expect(undescribed).toEqual([]);
  });

  test('closes every object', () => {
    const open: string[] = [];
    const visit = (node: any, where: string): void => {
      if (node.type === 'object' && node.additionalProperties === undefined && where !== '/nodes/*/args') open.push(where);
      for (const [name, child] of Object.entries<any>(node.properties ?? {})) visit(child, `${where}/${name}`);
    };
    visit(schema, '');
    visit(schema.$defs.node, '/nodes/*');

    expect(open).toEqual([]);
  });
});
