import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startTestService, type TestService } from '../helpers/service.js';

let test: TestService;

beforeAll(async () => {
  test = await startTestService();
});

afterAll(async () => {
  await test.close();
  removeDir(test.dir);
});

const operations: [string, string, number][] = [
  ['get', '/flows', 200],
  ['post', '/flows', 201],
  ['get', '/flows/{id}', 200],
  ['patch', '/flows/{id}', 200],
  ['delete', '/flows/{id}', 204],
  ['post', '/flows/{id}/enable', 200],
  ['post', '/flows/{id}/disable', 200],
  ['post', '/flows/{id}/dry-run', 200],
  ['post', '/flows/dry-run', 200],
  ['get', '/flows/{id}/audit', 200],
  ['get', '/flows/{id}/history', 200],
  ['get', '/check', 200],
];

describe('GET /openapi.json', () => {
  it.each(operations)('documents %s %s', async (method, route, success) => {
    const answer = await test.request('GET', '/openapi.json', { auth: false });
    expect(answer.status).toBe(200);
    const operation = answer.body.paths[route]?.[method];

    expect(operation, `${method} ${route}`).toBeDefined();
    expect(operation.tags).toEqual(['flows']);
    expect(operation.summary).toEqual(expect.any(String));
    expect(operation.security).toEqual([{ basic: [] }, { bearer: [] }]);
    expect(Object.keys(operation.responses)).toContain(String(success));
    expect(Object.keys(operation.responses)).toContain('401');
  });

  it('documents If-Match and the 412 of PATCH', async () => {
    const { body } = await test.request('GET', '/openapi.json', { auth: false });
    const patch = body.paths['/flows/{id}'].patch;
    expect(patch.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(expect.arrayContaining(['id', 'if-match']));
    expect(Object.keys(patch.responses)).toEqual(expect.arrayContaining(['412', '422']));
  });
});
