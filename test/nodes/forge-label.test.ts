import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ForgeConfig } from '../../src/config/model.js';
import { forgeLabel } from '../../src/nodes/forge-label.js';
import { exampleEvent } from '../helpers/events.js';
import { startMockServer, type MockServer, type RecordedRequest, type Reply } from '../helpers/mock-server.js';
import { dryRunContext, realContext } from '../helpers/node-context.js';

const REPO = '/api/v1/repos/Codertocat/Hello-World';

/** Page 1 is full (50 labels), so the node must ask for page 2, which contains "good first issue". */
const repoLabelPages: Record<string, { id: number; name: string }[]> = {
  '1': Array.from({ length: 50 }, (_, i) => ({ id: i + 1, name: i === 6 ? 'bug' : `label-${i + 1}` })),
  '2': [{ id: 51, name: 'good first issue' }, { id: 52, name: 'wontfix' }],
};

let server: MockServer;
let orgLabels: { id: number; name: string }[] | null;
let removeStatus: number;

function answer(request: RecordedRequest): Reply {
  const url = new URL(request.path, 'http://mock');
  if (request.method === 'GET' && url.pathname === `${REPO}/labels`) {
    return { body: repoLabelPages[url.searchParams.get('page') ?? ''] ?? [] };
  }
  if (request.method === 'GET' && url.pathname === '/api/v1/orgs/Codertocat/labels') {
    return orgLabels ? { body: url.searchParams.get('page') === '1' ? orgLabels : [] } : { status: 404, body: { message: 'not found' } };
  }
  if (request.method === 'POST') return { status: 200, body: [] };
  if (request.method === 'DELETE') return removeStatus === 404 ? { status: 404, body: { message: 'Label does not exist' } } : { status: removeStatus };
  return { status: 500, body: 'unexpected request' };
}

let forges: Record<string, ForgeConfig>;

beforeAll(async () => {
  server = await startMockServer(answer);
  process.env.HOOKFLOW_TEST_GITHUB_TOKEN = 'gh-token';
  process.env.HOOKFLOW_TEST_GITEA_TOKEN = 'gitea-token';
  forges = {
    github_main: { kind: 'github', base_url: server.url, token_env: 'HOOKFLOW_TEST_GITHUB_TOKEN' },
    gitea_main: { kind: 'gitea', base_url: server.url, token_env: 'HOOKFLOW_TEST_GITEA_TOKEN' },
  };
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  orgLabels = null;
  removeStatus = 204;
});

async function label(source: string, args: Record<string, unknown>) {
  const event = exampleEvent('issues', 'opened', source);
  const context = realContext(forgeLabel, { args, inputs: { event }, event, config: { forges } });
  expect(await forgeLabel.run(context.ctx)).toEqual({ outputs: {} });
  return context;
}

const calls = () => server.requests.map((request) => `${request.method} ${request.path}`);

describe('forge.label on GitHub', () => {
  it('adds by name and removes each label with a URL-encoded name', async () => {
    const { effects } = await label('github', { add: ['bug', 'needs triage'], remove: ['good first issue'] });

    expect(calls()).toEqual([
      'POST /repos/Codertocat/Hello-World/issues/1/labels',
      'DELETE /repos/Codertocat/Hello-World/issues/1/labels/good%20first%20issue',
    ]);
    expect(JSON.parse(server.requests[0].body)).toEqual({ labels: ['bug', 'needs triage'] });
    expect(server.requests[0].headers.authorization).toBe('Bearer gh-token');
    expect(server.requests[1].headers.authorization).toBe('Bearer gh-token');
    expect(effects.map((effect) => effect.mutating)).toEqual([true, true]);
  });

  it('treats removing a label the issue lacks as done', async () => {
    removeStatus = 404;
    await label('github', { remove: ['absent'] });
    expect(calls()).toEqual(['DELETE /repos/Codertocat/Hello-World/issues/1/labels/absent']);
  });
});

describe('forge.label on Gitea', () => {
  it('looks up label ids page by page, then adds and removes by id', async () => {
    const { effects } = await label('gitea', { add: ['bug', 'good first issue'], remove: ['wontfix'] });

    expect(calls()).toEqual([
      `GET ${REPO}/labels?page=1&limit=50`,
      `GET ${REPO}/labels?page=2&limit=50`,
      `GET ${REPO}/labels?page=3&limit=50`,
      `POST ${REPO}/issues/1/labels`,
      `DELETE ${REPO}/issues/1/labels/52`,
    ]);
    expect(JSON.parse(server.requests[3].body)).toEqual({ labels: [7, 51] });
    for (const request of server.requests) expect(request.headers.authorization).toBe('token gitea-token');
    expect(effects.map((effect) => [effect.method, effect.mutating])).toEqual([
      ['GET', false], ['GET', false], ['GET', false], ['POST', true], ['DELETE', true],
    ]);
  });

  it('falls back to organisation labels', async () => {
    orgLabels = [{ id: 900, name: 'org-wide' }];
    await label('gitea', { add: ['org-wide'] });

    expect(calls()).toEqual([
      `GET ${REPO}/labels?page=1&limit=50`,
      `GET ${REPO}/labels?page=2&limit=50`,
      `GET ${REPO}/labels?page=3&limit=50`,
      'GET /api/v1/orgs/Codertocat/labels?page=1&limit=50',
      'GET /api/v1/orgs/Codertocat/labels?page=2&limit=50',
      `POST ${REPO}/issues/1/labels`,
    ]);
    expect(JSON.parse(server.requests[5].body)).toEqual({ labels: [900] });
  });

  it('fails on an unknown label before any change', async () => {
    const event = exampleEvent('issues', 'opened', 'gitea');
    const { ctx } = realContext(forgeLabel, { args: { add: ['bug', 'no-such-label'] }, inputs: { event }, event, config: { forges } });

    await expect(forgeLabel.run(ctx)).rejects.toThrow('labels no-such-label do not exist in Codertocat/Hello-World on forge gitea_main');
    expect(server.requests.every((request) => request.method === 'GET')).toBe(true);
  });

  it('skips removing a label the repository does not have', async () => {
    await label('gitea', { remove: ['not-a-label'] });
    expect(server.requests.every((request) => request.method === 'GET')).toBe(true);
  });

  it('records names in place of ids in a dry run', async () => {
    const event = exampleEvent('issues', 'opened', 'gitea');
    const { ctx, effects } = dryRunContext(forgeLabel, { args: { add: ['bug'], remove: ['wontfix'] }, inputs: { event }, event, config: { forges } });

    await forgeLabel.run(ctx);

    expect(server.requests).toHaveLength(0);
    expect(effects.map((effect) => `${effect.method} ${effect.url}`)).toEqual([
      `GET ${server.url}${REPO}/labels?page=1&limit=50`,
      `POST ${server.url}${REPO}/issues/1/labels`,
      `DELETE ${server.url}${REPO}/issues/1/labels/wontfix`,
    ]);
    expect(effects[1].body).toEqual({ labels: ['bug'] });
  });
});

describe('forge.label args', () => {
  it.each([
    ['no lists', {}],
    ['two empty lists', { add: [], remove: [] }],
    ['a repeated label', { add: ['bug', 'bug'] }],
  ])('rejects %s', (_name, args) => {
    expect(() => realContext(forgeLabel, { args })).toThrow(/invalid args/);
  });

  it('fails when a label is both added and removed', async () => {
    const event = exampleEvent('issues', 'opened');
    const { ctx } = realContext(forgeLabel, { args: { add: ['bug'], remove: ['bug'] }, inputs: { event }, event, config: { forges } });
    await expect(forgeLabel.run(ctx)).rejects.toThrow('labels bug are in both args.add and args.remove');
    expect(server.requests).toHaveLength(0);
  });
});
