import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWrittenState, simpleFlow } from '../helpers/flow-store.js';
import { removeDir, startTestService, type TestService } from '../helpers/service.js';

const shipped = { ...simpleFlow('shipped'), source: 'default', mutex_group: 'responders' };

/** A document with one problem of each kind the validator checks. */
const manyProblems = {
  id: 'many-problems',
  priority: 'high',
  nodes: {
    start: { type: 'trigger.webhook', args: { events: [] } },
    odd: { type: 'no.such.type' },
    note: { type: 'log.emit', inputs: { value: 'missing.event' }, args: { message: 'hi' } },
  },
};

interface FailureCase {
  name: string;
  method: string;
  path: string;
  options?: { body?: unknown; headers?: Record<string, string>; auth?: boolean };
  status: number;
  code: string;
}

const cases: FailureCase[] = [
  { name: 'no credentials', method: 'POST', path: '/flows', options: { body: simpleFlow('fresh'), auth: false }, status: 401, code: 'UNAUTHORIZED' },
  { name: 'a wrong token', method: 'PATCH', path: '/flows/alpha', options: { body: { priority: 1 }, headers: { authorization: 'Bearer wrong' } }, status: 401, code: 'UNAUTHORIZED' },
  { name: 'a wrong Basic user', method: 'DELETE', path: '/flows/alpha', options: { headers: { authorization: `Basic ${Buffer.from('mallory:test-operator-token').toString('base64')}` } }, status: 401, code: 'UNAUTHORIZED' },
  { name: 'patching a default flow', method: 'PATCH', path: '/flows/shipped', options: { body: { priority: 1 } }, status: 403, code: 'FLOW_READ_ONLY' },
  { name: 'deleting a default flow', method: 'DELETE', path: '/flows/shipped', status: 403, code: 'FLOW_READ_ONLY' },
  { name: 'disabling a default flow', method: 'POST', path: '/flows/shipped/disable', status: 403, code: 'FLOW_READ_ONLY' },
  { name: 'enabling a default flow', method: 'POST', path: '/flows/shipped/enable', status: 403, code: 'FLOW_READ_ONLY' },
  { name: 'creating a default-source flow', method: 'POST', path: '/flows', options: { body: { ...simpleFlow('sneaky'), source: 'default' } }, status: 403, code: 'SOURCE_FORBIDDEN' },
  { name: 'patching an unknown flow', method: 'PATCH', path: '/flows/ghost', options: { body: { priority: 1 } }, status: 404, code: 'FLOW_NOT_FOUND' },
  { name: 'deleting an unknown flow', method: 'DELETE', path: '/flows/ghost', status: 404, code: 'FLOW_NOT_FOUND' },
  { name: 'enabling an unknown flow', method: 'POST', path: '/flows/ghost/enable', status: 404, code: 'FLOW_NOT_FOUND' },
  { name: 'creating an existing id', method: 'POST', path: '/flows', options: { body: simpleFlow('alpha') }, status: 409, code: 'FLOW_EXISTS' },
  { name: 'patching a flow with no valid version', method: 'PATCH', path: '/flows/broken', options: { body: { priority: 1 } }, status: 409, code: 'FLOW_NOT_SERVED' },
  { name: 'a stale If-Match', method: 'PATCH', path: '/flows/alpha', options: { body: { priority: 1 }, headers: { 'if-match': '"0000000000000000"' } }, status: 412, code: 'VERSION_MISMATCH' },
  { name: 'a stale If-Match on delete', method: 'DELETE', path: '/flows/alpha', options: { headers: { 'if-match': '"0000000000000000"' } }, status: 412, code: 'VERSION_MISMATCH' },
  { name: 'a body over 1 MiB', method: 'POST', path: '/flows', options: { body: { ...simpleFlow('huge'), description: 'x'.repeat(1024 * 1024 + 1) } }, status: 413, code: 'BODY_TOO_LARGE' },
  { name: 'a text/plain body', method: 'POST', path: '/flows', options: { body: JSON.stringify(simpleFlow('plain')), headers: { 'content-type': 'text/plain' } }, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  { name: 'a form-encoded body', method: 'PATCH', path: '/flows/alpha', options: { body: 'priority=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  { name: 'an invalid document', method: 'POST', path: '/flows', options: { body: manyProblems }, status: 422, code: 'FLOW_INVALID' },
  { name: 'a patch that breaks the flow', method: 'PATCH', path: '/flows/alpha', options: { body: { nodes: { note: { inputs: { value: 'gone.event' } } } } }, status: 422, code: 'FLOW_INVALID' },
  { name: 'a patch that changes the id', method: 'PATCH', path: '/flows/alpha', options: { body: { id: 'renamed' } }, status: 422, code: 'FLOW_INVALID' },
  { name: 'malformed JSON', method: 'POST', path: '/flows', options: { body: '{"id": "x", ', headers: { 'content-type': 'application/json' } }, status: 400, code: 'BAD_REQUEST' },
  { name: 'a body that is not an object', method: 'POST', path: '/flows', options: { body: [1, 2] }, status: 400, code: 'BAD_REQUEST' },
  { name: 'an id that cannot be a flow id', method: 'DELETE', path: '/flows/Not..Valid', status: 400, code: 'BAD_REQUEST' },
];

let test: TestService;

beforeAll(async () => {
  test = await startTestService({ flows: { alpha: simpleFlow('alpha'), shipped, broken: '{ "id": "broken", ' } });
});

afterAll(async () => {
  await test.close();
  removeDir(test.dir);
});

describe('failed flow requests', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s writes nothing', async (_name, failure) => {
    const before = readWrittenState(test);
    const answer = await test.request(failure.method, failure.path, failure.options);

    expect(answer.status).toBe(failure.status);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.body.error).toBe(failure.code);
    expect(answer.body.message).toEqual(expect.any(String));
    expect(readWrittenState(test)).toEqual(before);
    expect(test.service.context.dispatcher.flows.get('alpha')?.flow.priority).toBe(0);
  });

  it('401 carries WWW-Authenticate', async () => {
    const answer = await test.request('GET', '/flows', { auth: false });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toContain('Bearer');
  });

  it('403 message explains how to fork', async () => {
    const answer = await test.request('PATCH', '/flows/shipped', { body: { priority: 1 } });
    expect(answer.body.message).toContain('POST /flows');
    expect(answer.body.message).toContain('new id');
  });

  it('422 lists every problem with its path', async () => {
    const answer = await test.request('POST', '/flows', { body: manyProblems });
    const codes = answer.body.errors.map((problem: { code: string }) => problem.code);

    expect(codes).toContain('FLOW_SCHEMA');
    expect(codes).toContain('FLOW_UNKNOWN_NODE_TYPE');
    expect(codes).toContain('FLOW_UNKNOWN_INPUT_NODE');
    expect(codes).toContain('FLOW_ARGS');
    const paths = answer.body.errors.map((problem: { path: string }) => problem.path);
    expect(paths).toContain('/priority');
    expect(paths).toContain('/nodes/odd/type');
    expect(paths).toContain('/nodes/note/inputs/value');
  });

  it('422 for a changed id names the id', async () => {
    const answer = await test.request('PATCH', '/flows/alpha', { body: { id: 'renamed' } });
    expect(answer.body.errors[0]).toMatchObject({ code: 'FLOW_ID_CHANGED', path: '/id' });
  });

  it('weak and listed ETags follow strong comparison', async () => {
    const { headers } = await test.request('GET', '/flows/alpha');
    const etag = headers.get('etag')!;

    const weak = await test.request('PATCH', '/flows/alpha', { body: { priority: 0 }, headers: { 'if-match': `W/${etag}` } });
    expect(weak.status).toBe(412);
    const listed = await test.request('PATCH', '/flows/alpha', { body: { priority: 0 }, headers: { 'if-match': `"aaaa", ${etag}` } });
    expect(listed.status).toBe(200);
    const star = await test.request('PATCH', '/flows/alpha', { body: { priority: 0 }, headers: { 'if-match': '*' } });
    expect(star.status).toBe(200);
  });

  it('a flow with no valid version shows its problems', async () => {
    const answer = await test.request('GET', '/flows/broken');
    expect(answer.status).toBe(200);
    expect(answer.body.flow).toBeNull();
    expect(answer.headers.get('etag')).toBeNull();
    expect(answer.body.status.state).toBe('invalid');
    expect(answer.body.status.errors[0].code).toBe('FLOW_JSON_SYNTAX');
  });

  it('a broken file can still be deleted', async () => {
    const answer = await test.request('DELETE', '/flows/broken');
    expect(answer.status).toBe(204);
    expect(fs.existsSync(path.join(test.flowsDir, 'broken.json'))).toBe(false);
  });
});
