import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ForgeConfig } from '../../src/config/model.js';
import { forgeComment } from '../../src/nodes/forge-comment.js';
import { exampleEvent } from '../helpers/events.js';
import { startMockServer, type MockServer, type Reply } from '../helpers/mock-server.js';
import { dryRunContext, realContext } from '../helpers/node-context.js';

let server: MockServer;
let nextReply: Reply;
let forges: Record<string, ForgeConfig>;

beforeAll(async () => {
  server = await startMockServer(() => nextReply);
  process.env.HOOKFLOW_TEST_GITHUB_TOKEN = 'gh-token';
  process.env.HOOKFLOW_TEST_GITEA_TOKEN = 'gitea-token';
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  nextReply = { status: 201, body: { id: 42, body: 'posted' } };
  forges = {
    gitea_main: { kind: 'gitea', base_url: `${server.url}/`, token_env: 'HOOKFLOW_TEST_GITEA_TOKEN' },
    github_main: { kind: 'github', base_url: `${server.url}/api/v3`, token_env: 'HOOKFLOW_TEST_GITHUB_TOKEN' },
    github_other: { kind: 'github', base_url: `${server.url}/other`, token_env: 'HOOKFLOW_TEST_GITHUB_TOKEN' },
  };
});

async function comment(options: { source?: string; type?: string; action?: string; args?: Record<string, unknown>; body?: string } = {}) {
  const event = exampleEvent(options.type ?? 'issues', 'action' in options ? options.action : 'opened', options.source ?? 'github');
  const context = realContext(forgeComment, {
    args: options.args ?? {},
    inputs: { event, body: options.body ?? 'Thanks <b>@Codertocat</b>' },
    event,
    config: { forges },
  });
  const result = await forgeComment.run(context.ctx);
  return { ...context, outputs: (result as { outputs: Record<string, unknown> }).outputs };
}

describe('forge.comment', () => {
  it('posts to GitHub with a bearer token', async () => {
    const { outputs, effects } = await comment();

    expect(server.requests).toHaveLength(1);
    const request = server.requests[0];
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/api/v3/repos/Codertocat/Hello-World/issues/1/comments');
    expect(request.headers.authorization).toBe('Bearer gh-token');
    expect(request.headers.accept).toBe('application/vnd.github+json');
    expect(request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request.body)).toEqual({ body: 'Thanks <b>@Codertocat</b>' });

    expect(outputs).toEqual({ comment: { id: 42, body: 'posted' } });
    expect(effects).toHaveLength(1);
    expect(effects[0]).toMatchObject({ kind: 'forge', mutating: true, method: 'POST', url: `${server.url}/api/v3/repos/Codertocat/Hello-World/issues/1/comments` });
    expect(effects[0].headers?.authorization).toBe('[redacted]');
  });

  it('posts to Gitea under /api/v1 with a token header', async () => {
    await comment({ source: 'gitea' });

    expect(server.requests).toHaveLength(1);
    const request = server.requests[0];
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/api/v1/repos/Codertocat/Hello-World/issues/1/comments');
    expect(request.headers.authorization).toBe('token gitea-token');
    expect(JSON.parse(request.body)).toEqual({ body: 'Thanks <b>@Codertocat</b>' });
  });

  it('uses the forge named in the args', async () => {
    await comment({ args: { forge: 'github_other' } });
    expect(server.requests[0].path).toBe('/other/repos/Codertocat/Hello-World/issues/1/comments');
  });

  it('comments on a pull request', async () => {
    await comment({ type: 'pull_request', action: 'opened' });
    expect(server.requests[0].path).toBe('/api/v3/repos/Codertocat/Hello-World/issues/2/comments');
  });

  it('comments on the issue of an issue comment', async () => {
    await comment({ type: 'issue_comment', action: 'created' });
    expect(server.requests[0].path).toBe('/api/v3/repos/Codertocat/Hello-World/issues/1/comments');
  });

  it('fails for an event without an issue number', async () => {
    await expect(comment({ type: 'push', action: undefined })).rejects.toThrow(/event push names no issue or pull request/);
    expect(server.requests).toHaveLength(0);
  });

  it('fails when no forge of the event source is configured', async () => {
    delete forges.gitea_main;
    await expect(comment({ source: 'gitea' })).rejects.toThrow('no forge of kind "gitea" is configured under forges in the config');
    expect(server.requests).toHaveLength(0);
  });

  it('fails for an unknown forge name', async () => {
    await expect(comment({ args: { forge: 'nope' } })).rejects.toThrow('forge "nope" is not configured: add forges.nope to the config');
  });

  it('fails when the token variable is empty', async () => {
    forges.github_main.token_env = 'HOOKFLOW_TEST_UNSET_TOKEN';
    await expect(comment()).rejects.toThrow('environment variable HOOKFLOW_TEST_UNSET_TOKEN (forges.github_main.token_env) is empty or not set');
    expect(server.requests).toHaveLength(0);
  });

  it('fails with the status and body of an error response', async () => {
    nextReply = { status: 403, body: { message: 'Resource not accessible by integration' } };
    await expect(comment()).rejects.toThrow(/failed with status 403: \{"message":"Resource not accessible by integration"\}/);
  });

  it('fails on an empty body', async () => {
    await expect(comment({ body: '  ' })).rejects.toThrow(/body input is empty/);
    expect(server.requests).toHaveLength(0);
  });

  it('records the effect in a dry run without posting', async () => {
    const event = exampleEvent('issues', 'opened');
    const { ctx, effects } = dryRunContext(forgeComment, { inputs: { event, body: 'hi' }, event, config: { forges } });

    expect(await forgeComment.run(ctx)).toEqual({ outputs: { comment: null } });
    expect(server.requests).toHaveLength(0);
    expect(effects).toEqual([{
      kind: 'forge',
      mutating: true,
      method: 'POST',
      url: `${server.url}/api/v3/repos/Codertocat/Hello-World/issues/1/comments`,
      headers: {
        accept: 'application/vnd.github+json',
        'user-agent': 'hookflow',
        'x-github-api-version': '2022-11-28',
        'content-type': 'application/json',
        authorization: '[redacted]',
      },
      body: { body: 'hi' },
    }]);
  });
});
