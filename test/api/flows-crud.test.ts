import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { git } from '../helpers/git-repo.js';
import { auditRowsOf, describeCommit, simpleFlow } from '../helpers/flow-store.js';
import { removeDir, startTestService, type TestService } from '../helpers/service.js';
import { exampleEvent } from '../helpers/events.js';

const OPERATOR = 'operator <operator@hookflow.invalid>';

let test: TestService | undefined;

afterEach(async () => {
  if (!test) return;
  await test.close();
  removeDir(test.dir);
  test = undefined;
});

function readFlowFile(id: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(test!.flowsDir, `${id}.json`), 'utf8'));
}

describe('POST /flows', () => {
  it('creates file, commit and audit row', async () => {
    test = await startTestService({ flows: { existing: simpleFlow('existing') } });
    const answer = await test.request('POST', '/flows', { body: simpleFlow('triage') });

    expect(answer.status).toBe(201);
    expect(answer.headers.get('location')).toBe('/flows/triage');
    expect(answer.headers.get('etag')).toBe(`"${answer.body.version}"`);
    expect(answer.body.changed).toBe(true);
    expect(answer.body.flow.id).toBe('triage');
    expect(answer.body.status.state).toBe('active');

    expect(readFlowFile('triage')).toEqual(simpleFlow('triage'));

    const head = git(test.dir, 'rev-parse', 'HEAD');
    expect(answer.body.commit).toBe(head);
    const commit = describeCommit(test.dir, head);
    expect(commit.author).toBe(OPERATOR);
    expect(commit.committer).toBe(OPERATOR);
    expect(commit.subject).toBe('Create flow triage');
    expect(commit.body).toContain('Hookflow-Action: create');
    expect(commit.files).toEqual(['flows.d/triage.json']);

    const [row, ...older] = auditRowsOf(test, 'triage');
    expect(older).toEqual([]);
    expect(row).toMatchObject({ action: 'create', operator: 'operator', before: null, after: simpleFlow('triage'), commit: head });
    expect(row.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(row.diff).toContain('+++ b/triage.json');
    expect(row.diff).toContain('+  "id": "triage",');

    expect(test.service.context.dispatcher.flows.get('triage')?.version).toBe(answer.body.version);
    expect(test.service.context.dispatcher.flows.select(exampleEvent('issues', 'opened')).selected.map((c) => c.flow.id)).toEqual(['existing', 'triage']);
  });
});

describe('GET /flows', () => {
  it('lists every flow with version, commit and status', async () => {
    test = await startTestService({ flows: { alpha: simpleFlow('alpha'), beta: simpleFlow('beta', { enabled: false }) } });
    const head = git(test.dir, 'rev-parse', 'HEAD');
    const answer = await test.request('GET', '/flows');

    expect(answer.status).toBe(200);
    expect(answer.body.flows.map((flow: { id: string }) => flow.id)).toEqual(['alpha', 'beta']);
    const [alpha, beta] = answer.body.flows;
    expect(alpha).toMatchObject({ name: 'Flow alpha', source: 'operator', enabled: true, priority: 0, mutex_group: null, commit: head });
    expect(alpha.version).toMatch(/^[0-9a-f]{16}$/);
    expect(alpha.status.state).toBe('active');
    expect(beta.status.state).toBe('disabled');
    expect(alpha.nodes).toBeUndefined();
  });

  it('reads one flow with its ETag', async () => {
    test = await startTestService({ flows: { alpha: simpleFlow('alpha') } });
    const answer = await test.request('GET', '/flows/alpha');

    expect(answer.status).toBe(200);
    expect(answer.headers.get('etag')).toBe(`"${answer.body.version}"`);
    expect(answer.body.flow.budget).toEqual({ mutating_calls: 20, window_seconds: 3600 });
    expect(answer.body.commit).toBe(git(test.dir, 'rev-parse', 'HEAD'));
  });

  it('answers 404 for an unknown flow', async () => {
    test = await startTestService();
    const answer = await test.request('GET', '/flows/nothing-here');
    expect(answer.status).toBe(404);
    expect(answer.body.error).toBe('FLOW_NOT_FOUND');
  });
});

describe('PATCH /flows/:id', () => {
  it('merges the patch and swaps the flow', async () => {
    test = await startTestService({ flows: { alpha: simpleFlow('alpha') } });
    const before = await test.request('GET', '/flows/alpha');
    const answer = await test.request('PATCH', '/flows/alpha', {
      body: { priority: 7, name: null },
      headers: { 'content-type': 'application/merge-patch+json', 'if-match': before.headers.get('etag')! },
    });

    expect(answer.status).toBe(200);
    expect(answer.body.changed).toBe(true);
    expect(answer.body.flow.priority).toBe(7);
    expect(answer.body.flow.name).toBeUndefined();
    expect(answer.headers.get('etag')).not.toBe(before.headers.get('etag'));

    const expected = { ...simpleFlow('alpha'), priority: 7 };
    delete expected.name;
    expect(readFlowFile('alpha')).toEqual(expected);

    const commit = describeCommit(test.dir, answer.body.commit);
    expect(commit.subject).toBe('Update flow alpha');
    expect(commit.author).toBe(OPERATOR);
    expect(commit.files).toEqual(['flows.d/alpha.json']);

    const [row] = auditRowsOf(test, 'alpha');
    expect(row).toMatchObject({ action: 'update', before: simpleFlow('alpha'), after: expected, commit: answer.body.commit });
    expect(row.diff).toContain('-  "name": "Flow alpha",');
    expect(row.diff).toContain('+  "priority": 7');
    expect(test.service.context.dispatcher.flows.get('alpha')?.flow.priority).toBe(7);
  });

  it('writes nothing for a patch that changes nothing', async () => {
    test = await startTestService({ flows: { alpha: simpleFlow('alpha') } });
    const head = git(test.dir, 'rev-parse', 'HEAD');
    const answer = await test.request('PATCH', '/flows/alpha', { body: { priority: 0 } });

    expect(answer.status).toBe(200);
    expect(answer.body.changed).toBe(false);
    expect(git(test.dir, 'rev-parse', 'HEAD')).toBe(head);
    expect(readFlowFile('alpha')).toEqual(simpleFlow('alpha'));
    expect(auditRowsOf(test, 'alpha')).toEqual([]);
  });
});

describe('POST /flows/:id/enable and /disable', () => {
  it('disables, then says a second disable changes nothing', async () => {
    test = await startTestService({ flows: { alpha: simpleFlow('alpha') } });
    const disabled = await test.request('POST', '/flows/alpha/disable');

    expect(disabled.status).toBe(200);
    expect(disabled.body.changed).toBe(true);
    expect(disabled.body.flow.enabled).toBe(false);
    expect(disabled.body.status.state).toBe('disabled');
    expect(readFlowFile('alpha').enabled).toBe(false);
    expect(describeCommit(test.dir, disabled.body.commit)).toMatchObject({ subject: 'Disable flow alpha', files: ['flows.d/alpha.json'] });
    expect(auditRowsOf(test, 'alpha')[0]).toMatchObject({ action: 'disable', commit: disabled.body.commit });
    expect(test.service.context.dispatcher.flows.select(exampleEvent('issues', 'opened')).selected).toEqual([]);

    const head = git(test.dir, 'rev-parse', 'HEAD');
    const again = await test.request('POST', '/flows/alpha/disable', { headers: { 'content-type': 'application/json' } });
    expect(again.status).toBe(200);
    expect(again.body.changed).toBe(false);
    expect(git(test.dir, 'rev-parse', 'HEAD')).toBe(head);
    expect(auditRowsOf(test, 'alpha')).toHaveLength(1);
  });

  it('enables a disabled flow so it is selected again', async () => {
    test = await startTestService({ flows: { alpha: simpleFlow('alpha', { enabled: false }) } });
    const enabled = await test.request('POST', '/flows/alpha/enable', { headers: { 'content-type': 'text/plain' } });

    expect(enabled.status).toBe(200);
    expect(enabled.body.changed).toBe(true);
    expect(readFlowFile('alpha').enabled).toBe(true);
    expect(auditRowsOf(test, 'alpha')[0].action).toBe('enable');
    expect(describeCommit(test.dir, enabled.body.commit).subject).toBe('Enable flow alpha');
    expect(test.service.context.dispatcher.flows.select(exampleEvent('issues', 'opened')).selected.map((c) => c.flow.id)).toEqual(['alpha']);
  });
});

describe('DELETE /flows/:id', () => {
  it('deletes the file and the flow', async () => {
    test = await startTestService({ flows: { alpha: simpleFlow('alpha'), beta: simpleFlow('beta') } });
    const answer = await test.request('DELETE', '/flows/alpha');

    expect(answer.status).toBe(204);
    expect(answer.text).toBe('');
    expect(fs.existsSync(path.join(test.flowsDir, 'alpha.json'))).toBe(false);
    const head = git(test.dir, 'rev-parse', 'HEAD');
    expect(describeCommit(test.dir, head)).toMatchObject({ subject: 'Delete flow alpha', author: OPERATOR, files: ['flows.d/alpha.json'] });
    expect(auditRowsOf(test, 'alpha')[0]).toMatchObject({ action: 'delete', before: simpleFlow('alpha'), after: null, commit: head });
    expect(test.service.context.dispatcher.flows.get('alpha')).toBeUndefined();
    expect((await test.request('GET', '/flows/alpha')).status).toBe(404);
    expect((await test.request('GET', '/flows')).body.flows.map((flow: { id: string }) => flow.id)).toEqual(['beta']);
  });
});

describe('GET /flows/:id/audit and /history', () => {
  it('lists rows and commits after a delete', async () => {
    test = await startTestService();
    await test.request('POST', '/flows', { body: simpleFlow('gamma') });
    await test.request('PATCH', '/flows/gamma', { body: { priority: 3 } });
    await test.request('DELETE', '/flows/gamma');

    const audit = await test.request('GET', '/flows/gamma/audit');
    expect(audit.status).toBe(200);
    expect(audit.body.audit.map((row: { action: string }) => row.action)).toEqual(['delete', 'update', 'create']);

    const history = await test.request('GET', '/flows/gamma/history');
    expect(history.status).toBe(200);
    expect(history.body.history.map((entry: { subject: string }) => entry.subject)).toEqual(['Delete flow gamma', 'Update flow gamma', 'Create flow gamma']);
    expect(history.body.history.map((entry: { commit: string }) => entry.commit)).toEqual(audit.body.audit.map((row: { commit: string }) => row.commit));
    expect(history.body.history[0]).toMatchObject({ action: 'delete', author: { name: 'operator', email: 'operator@hookflow.invalid' } });

    const page = await test.request('GET', `/flows/gamma/audit?limit=1&before=${audit.body.audit[0].id}`);
    expect(page.body.audit.map((row: { action: string }) => row.action)).toEqual(['update']);
  });

  it('answers 404 for an id that never existed', async () => {
    test = await startTestService();
    expect((await test.request('GET', '/flows/never/audit')).status).toBe(404);
    expect((await test.request('GET', '/flows/never/history')).status).toBe(404);
  });
});
