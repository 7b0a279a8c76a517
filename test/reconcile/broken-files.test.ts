import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { removeDir, startTestService, type TestService } from '../helpers/service.js';
import { examplePayload, postDelivery } from '../helpers/webhooks.js';
import { auditRows, flowDoc, flowText, saveByRename, waitFor } from './support.js';

interface BrokenCase {
  name: string;
  /** Puts the broken content in place of `file`. */
  write(file: string): void;
  reason: 'ParseFailed' | 'ValidationFailed' | 'ReadFailed';
  code: string;
}

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/** Deterministic bytes that are not UTF-8 text. */
function binaryBytes(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = 12345;
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    bytes[i] = state >> 16;
  }
  return bytes;
}

function writeText(text: string | Buffer) {
  return (file: string) => {
    fs.rmSync(file, { recursive: true, force: true });
    fs.writeFileSync(file, text);
  };
}

const CASES: BrokenCase[] = [
  { name: 'empty', write: writeText(''), reason: 'ParseFailed', code: 'FLOW_EMPTY' },
  { name: 'blank', write: writeText('  \n\t\n'), reason: 'ParseFailed', code: 'FLOW_EMPTY' },
  { name: 'truncated', write: writeText(flowText(flowDoc('truncated')).slice(0, 40)), reason: 'ParseFailed', code: 'FLOW_JSON_SYNTAX' },
  { name: 'binary', write: writeText(binaryBytes(4096)), reason: 'ParseFailed', code: 'FLOW_JSON_SYNTAX' },
  { name: 'huge', write: writeText(`{"id":"huge","description":"${'x'.repeat(3 * 1024 * 1024)}"}`), reason: 'ReadFailed', code: 'FLOW_FILE_UNREADABLE' },
  { name: 'array', write: writeText('[1, 2, 3]'), reason: 'ParseFailed', code: 'FLOW_NOT_OBJECT' },
  { name: 'null', write: writeText('null'), reason: 'ParseFailed', code: 'FLOW_NOT_OBJECT' },
  { name: 'wrong-types', write: writeText('{"id": 5, "enabled": "yes", "priority": 1.5, "nodes": []}'), reason: 'ValidationFailed', code: 'FLOW_SCHEMA' },
  { name: 'deep-array', write: writeText(nested(200_000)), reason: 'ParseFailed', code: 'FLOW_NOT_OBJECT' },
  {
    name: 'deep-args',
    write: writeText(`{"id":"deep-args","nodes":{"opened":{"type":"trigger.webhook","args":{"events":["issues.opened"],"extra":${nested(100_000)}}}}}`),
    reason: 'ValidationFailed',
    code: 'FLOW_SCHEMA',
  },
  { name: 'unknown-type', write: writeText(flowText(flowDoc('unknown-type', { nodes: { opened: { type: 'trigger.nothing' } } }))), reason: 'ValidationFailed', code: 'FLOW_UNKNOWN_NODE_TYPE' },
  { name: 'directory', write: (file) => { fs.rmSync(file, { force: true }); fs.mkdirSync(file); }, reason: 'ReadFailed', code: 'FLOW_FILE_UNREADABLE' },
  { name: 'fifo', write: (file) => { fs.rmSync(file, { force: true }); execFileSync('mkfifo', [file]); }, reason: 'ReadFailed', code: 'FLOW_FILE_UNREADABLE' },
  { name: 'link-loop', write: (file) => { fs.rmSync(file, { force: true }); fs.symlinkSync(path.basename(file), file); }, reason: 'ReadFailed', code: 'FLOW_FILE_UNREADABLE' },
  { name: 'dangling-link', write: (file) => { fs.rmSync(file, { force: true }); fs.symlinkSync(`${file}.gone`, file); }, reason: 'ReadFailed', code: 'FLOW_FILE_UNREADABLE' },
];

describe('broken flow files', () => {
  let hookflow: TestService | undefined;

  afterEach(async () => {
    await hookflow?.close();
    if (hookflow) removeDir(hookflow.dir);
    hookflow = undefined;
  });

  test('invalid edit keeps the last valid version', async () => {
    hookflow = await startTestService({ flows: { triage: flowDoc('triage') } });
    const { context } = hookflow.service;
    const file = path.join(hookflow.flowsDir, 'triage.json');
    const version = context.dispatcher.flows.get('triage')!.version;

    saveByRename(file, '{\n  "id": "triage",\n  oops\n}\n');
    const status = await waitFor(() => context.board.get('triage')?.state === 'stale' && context.board.get('triage')!, 'the stale status');

    expect(status.reason).toBe('ParseFailed');
    expect(status.file).toBe(file);
    expect(status.message).toContain(file);
    expect(status.errors).toHaveLength(1);
    expect(status.errors[0]).toMatchObject({ code: 'FLOW_JSON_SYNTAX', line: 3, column: 3 });
    expect(context.dispatcher.flows.get('triage')!.version).toBe(version);
    const view = await hookflow.request('GET', '/flows/triage');
    expect(view.body.version).toBe(version);
    expect(view.body.status).toMatchObject({ state: 'stale', reason: 'ParseFailed', file });
    expect(view.body.status.errors[0]).toMatchObject({ line: 3, column: 3 });
    const list = await hookflow.request('GET', '/flows');
    expect(list.body.flows.map((flow: { id: string; status: { state: string } }) => [flow.id, flow.status.state])).toEqual([['triage', 'stale']]);
    const answer = await postDelivery(hookflow.url, { source: 'github', type: 'issues', payload: examplePayload('issues', 'opened') });
    expect(answer.body.runs.map((run: { flow: string }) => run.flow)).toEqual(['triage']);

    saveByRename(file, flowText(flowDoc('triage', { priority: 3 })));
    const recovered = await waitFor(() => context.board.get('triage')?.reason === 'Recovered' && context.board.get('triage')!, 'the recovery');
    expect(recovered.state).toBe('active');
    expect(recovered.errors).toEqual([]);
    expect(recovered.message).toContain('recovered');
    expect(context.dispatcher.flows.get('triage')!.flow.priority).toBe(3);
    // Only the valid result of the edit is a hand edit; the broken state in between left no row.
    await waitFor(() => auditRows(context.db, 'triage').length > 0, 'the audit row');
    expect(auditRows(context.db, 'triage').map((row) => row.action)).toEqual(['hand_edit']);
  });

  test('invalid new file stays out with every problem', async () => {
    hookflow = await startTestService({ flows: { triage: flowDoc('triage') } });
    const { context } = hookflow.service;
    const doc = flowDoc('fresh', {
      nodes: {
        opened: { type: 'trigger.webhook', args: { events: ['issues.opened'], colour: 'red' } },
        first: { type: 'text.template', inputs: { event: 'second.event' }, args: { template: 'a' } },
        second: { type: 'filter.match', inputs: { event: 'first.text' }, args: { path: '/action', equals: 'opened' } },
        ghost: { type: 'forge.teleport' },
      },
    });

    fs.writeFileSync(path.join(hookflow.flowsDir, 'fresh.json'), flowText(doc));
    const status = await waitFor(() => context.board.get('fresh'), 'the status of the new file');

    expect(status.state).toBe('invalid');
    expect(status.reason).toBe('ValidationFailed');
    const codes = status.errors.map((problem) => problem.code);
    expect(codes).toContain('FLOW_ARGS');
    expect(codes).toContain('FLOW_UNKNOWN_NODE_TYPE');
    expect(codes).toContain('FLOW_CYCLE');
    for (const problem of status.errors) expect(problem.path).toMatch(/^\/nodes\//);
    expect(context.dispatcher.flows.get('fresh')).toBeUndefined();
    expect(auditRows(context.db)).toEqual([]);
  });

  test('no content of flows_dir crashes the service', async () => {
    const flows: Record<string, unknown> = { bystander: flowDoc('bystander') };
    for (const brokenCase of CASES) flows[brokenCase.name] = flowDoc(brokenCase.name);
    hookflow = await startTestService({ flows });
    const { context, flowsDir } = { context: hookflow.service.context, flowsDir: hookflow.flowsDir };
    const versions = new Map(context.dispatcher.flows.all().map((compiled) => [compiled.flow.id, compiled.version]));

    for (const brokenCase of CASES) {
      brokenCase.write(path.join(flowsDir, `${brokenCase.name}.json`));
      brokenCase.write(path.join(flowsDir, `new-${brokenCase.name}.json`));
    }
    await waitFor(() => CASES.every((brokenCase) => context.board.get(`new-${brokenCase.name}`)?.state === 'invalid'
      && context.board.get(brokenCase.name)?.state === 'stale'), 'every broken file to be reported', 20_000);

    for (const brokenCase of CASES) {
      for (const id of [brokenCase.name, `new-${brokenCase.name}`]) {
        const status = context.board.get(id)!;
        expect({ id, reason: status.reason }).toEqual({ id, reason: brokenCase.reason });
        expect({ id, code: status.errors[0]?.code }).toEqual({ id, code: brokenCase.code });
      }
      expect(context.dispatcher.flows.get(brokenCase.name)!.version).toBe(versions.get(brokenCase.name));
      expect(context.dispatcher.flows.get(`new-${brokenCase.name}`)).toBeUndefined();
    }

    const health = await hookflow.request('GET', '/healthz');
    expect(health.status).toBe(200);
    expect(health.body.flows).toEqual({ active: 1, disabled: 0, stale: CASES.length, invalid: CASES.length });
    const answer = await postDelivery(hookflow.url, { source: 'github', type: 'issues', payload: examplePayload('issues', 'opened') });
    expect(answer.status).toBe(202);
    expect(answer.body.runs).toHaveLength(CASES.length + 1);

    for (const brokenCase of CASES) {
      const file = path.join(flowsDir, `${brokenCase.name}.json`);
      fs.rmSync(file, { recursive: true, force: true });
      fs.writeFileSync(file, flowText(flowDoc(brokenCase.name, { priority: 1 })));
    }
    await waitFor(() => CASES.every((brokenCase) => context.board.get(brokenCase.name)?.reason === 'Recovered'), 'every fixed file to recover', 20_000);
    for (const brokenCase of CASES) expect(context.dispatcher.flows.get(brokenCase.name)!.flow.priority).toBe(1);
  });
});
