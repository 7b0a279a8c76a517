import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { httpRequest } from '../../src/nodes/http-request.js';
import { isMutating } from '../../src/nodes/registry.js';
import { exampleEvent } from '../helpers/events.js';
import { startMockServer, type MockServer, type Reply } from '../helpers/mock-server.js';
import { dryRunContext, realContext, type ContextOptions } from '../helpers/node-context.js';

const event = exampleEvent('issues', 'opened');
let server: MockServer;
let nextReply: Reply;

beforeAll(async () => {
  server = await startMockServer(() => nextReply);
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  nextReply = { status: 200, body: { ok: true } };
});

function options(args: Record<string, unknown>, extra: Partial<ContextOptions> = {}): ContextOptions {
  return { args, event, inputs: { event }, config: { http: { allowed_hosts: ['127.0.0.1'] } }, ...extra };
}

async function run(args: Record<string, unknown>, extra: Partial<ContextOptions> = {}) {
  const context = realContext(httpRequest, options(args, extra));
  const result = await httpRequest.run(context.ctx);
  return { ...context, outputs: (result as { outputs: Record<string, unknown> }).outputs };
}

describe('http.request', () => {
  it('posts the body as JSON to a rendered URL', async () => {
    const { outputs, effects } = await run(
      { url: `${server.url}/hooks/{{key}}/{{repository}}?who={{payload.sender.login}}`, headers: { 'X-Repo': '{{repository}}', Authorization: 'Bearer s3cret' } },
      { inputs: { event, body: { title: 'hello' } } },
    );

    expect(server.requests).toHaveLength(1);
    const request = server.requests[0];
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/hooks/issues.opened/Codertocat%2FHello-World?who=Codertocat');
    expect(request.headers['x-repo']).toBe('Codertocat/Hello-World');
    expect(request.headers.authorization).toBe('Bearer s3cret');
    expect(request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request.body)).toEqual({ title: 'hello' });

    expect(outputs).toEqual({ status: 200, response: { ok: true } });
    expect(effects).toEqual([{
      kind: 'http',
      mutating: true,
      method: 'POST',
      url: `${server.url}/hooks/issues.opened/Codertocat%2FHello-World?who=Codertocat`,
      headers: { 'X-Repo': 'Codertocat/Hello-World', Authorization: '[redacted]', 'content-type': 'application/json' },
      body: { title: 'hello' },
    }]);
  });

  it('inserts a value as is with triple braces', async () => {
    await run({ method: 'GET', url: `${server.url}/{{{repository}}}` });
    expect(server.requests[0].path).toBe('/Codertocat/Hello-World');
  });

  it('sends a text body as text/plain', async () => {
    await run({ method: 'PUT', url: `${server.url}/t` }, { inputs: { event, body: '<b>hi</b>' } });
    expect(server.requests[0].method).toBe('PUT');
    expect(server.requests[0].headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(server.requests[0].body).toBe('<b>hi</b>');
  });

  it('returns a text response as text', async () => {
    nextReply = { status: 200, body: 'plain answer' };
    const { outputs } = await run({ method: 'GET', url: `${server.url}/text` });
    expect(outputs).toEqual({ status: 200, response: 'plain answer' });
  });

  it('outputs an error status without failing', async () => {
    nextReply = { status: 503, body: { error: 'down' } };
    const { outputs } = await run({ url: `${server.url}/down` });
    expect(outputs).toEqual({ status: 503, response: { error: 'down' } });
  });

  it('does not follow redirects', async () => {
    nextReply = { status: 302, headers: { location: 'http://elsewhere.invalid/' } };
    const { outputs } = await run({ method: 'GET', url: `${server.url}/moved` });
    expect(outputs).toEqual({ status: 302, response: null });
    expect(server.requests).toHaveLength(1);
  });

  it('allows a host:port entry', async () => {
    await run({ method: 'GET', url: `${server.url}/p` }, { config: { http: { allowed_hosts: [`127.0.0.1:${server.port}`] } } });
    expect(server.requests).toHaveLength(1);
  });

  it('rejects a host on another port before sending', async () => {
    const context = realContext(httpRequest, options({ url: `${server.url}/x` }, { config: { http: { allowed_hosts: [`127.0.0.1:${server.port + 1}`] } } }));
    await expect(httpRequest.run(context.ctx)).rejects.toThrow(`host 127.0.0.1:${server.port} of ${server.url} is not allowed: add it to http.allowed_hosts`);
    expect(server.requests).toHaveLength(0);
    expect(context.effects).toHaveLength(0);
  });

  it('rejects a host that is not listed', async () => {
    const context = realContext(httpRequest, options({ url: `http://localhost:${server.port}/x` }));
    await expect(httpRequest.run(context.ctx)).rejects.toThrow(/host localhost:\d+ .* is not allowed/);
    expect(server.requests).toHaveLength(0);
  });

  it('fails when the request times out', async () => {
    nextReply = { status: 200, body: {}, delayMs: 2000 };
    await expect(run({ url: `${server.url}/slow`, timeout_ms: 100 })).rejects.toThrow(`POST ${server.url}/slow timed out after 100 ms`);
  });

  it('rejects a body on a GET request', async () => {
    await expect(run({ method: 'GET', url: `${server.url}/g` }, { inputs: { event, body: 'x' } })).rejects.toThrow(/GET request cannot have a body/);
    expect(server.requests).toHaveLength(0);
  });

  it('fails when the URL does not render to an absolute URL', async () => {
    await expect(run({ url: '/relative/{{key}}' })).rejects.toThrow('args.url rendered to "/relative/issues.opened", which is not an absolute URL');
  });

  it('is mutating unless the method is GET or HEAD', () => {
    expect(isMutating(httpRequest, { method: 'GET' })).toBe(false);
    expect(isMutating(httpRequest, { method: 'HEAD' })).toBe(false);
    expect(isMutating(httpRequest, { method: 'DELETE' })).toBe(true);
    expect(isMutating(httpRequest, {})).toBe(true);
  });

  it('records the effect in a dry run without sending', async () => {
    const { ctx, effects } = dryRunContext(httpRequest, options({ method: 'DELETE', url: `${server.url}/items/{{payload.issue.number}}` }));
    const result = await httpRequest.run(ctx);

    expect(server.requests).toHaveLength(0);
    expect(result).toEqual({ outputs: { status: 0, response: null } });
    expect(effects).toEqual([{ kind: 'http', mutating: true, method: 'DELETE', url: `${server.url}/items/1`, headers: {}, body: undefined }]);
  });
});
