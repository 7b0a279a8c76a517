import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../helpers/mock-server.js';
import { removeDir, startTestService, type TestService } from '../helpers/service.js';
import { examplePayload, postDelivery } from '../helpers/webhooks.js';

const slowFlow = {
  id: 'slow-call',
  nodes: {
    on: { type: 'trigger.webhook', args: { events: ['custom'] } },
    call: { type: 'http.request', inputs: { event: 'on.event' }, args: { method: 'POST', url: 'URL_PLACEHOLDER' } },
  },
};

describe('webhook endpoint', () => {
  let hookflow: TestService | undefined;
  let target: MockServer | undefined;

  afterEach(async () => {
    await hookflow?.close();
    await target?.close();
    if (hookflow) removeDir(hookflow.dir);
    hookflow = undefined;
    target = undefined;
  });

  it('answers 503 with Retry-After when the run queue is full and records nothing', async () => {
    target = await startMockServer(() => ({ status: 200, body: {}, delayMs: 300 }));
    const flow = structuredClone(slowFlow);
    flow.nodes.call.args.url = `${target.url}/slow`;
    hookflow = await startTestService({
      flows: { 'slow-call': flow },
      config: { http: { allowed_hosts: ['127.0.0.1'] }, dispatch: { max_concurrent_runs: 1, queue_size: 1 } },
    });

    const running = await postDelivery(hookflow.url, { source: 'generic', type: 'custom', payload: { n: 1 } });
    const waiting = await postDelivery(hookflow.url, { source: 'generic', type: 'custom', payload: { n: 2 } });
    const rejected = await postDelivery(hookflow.url, { source: 'generic', type: 'custom', payload: { n: 3 } });

    expect(running.status).toBe(202);
    expect(waiting.status).toBe(202);
    expect(rejected.status).toBe(503);
    expect(rejected.body.error).toBe('QUEUE_FULL');
    expect(rejected.headers.get('retry-after')).toBe('30');

    await hookflow.service.context.dispatcher.drain();
    const redelivered = await postDelivery(hookflow.url, { source: 'generic', type: 'custom', payload: { n: 3 }, id: rejected.id });
    expect(redelivered.status).toBe(202);
    expect(redelivered.body.runs).toHaveLength(1);
  });

  it('accepts a generic delivery without an id and generates one', async () => {
    hookflow = await startTestService();
    const response = await fetch(`${hookflow.url}/webhooks/generic`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-hookflow-event': 'deploy' }, body: '{"action":"done"}',
    });
    const body = await response.json();

    expect(response.status).toBe(202);
    expect(body.event).toBe('deploy.done');
    expect(body.delivery).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('names the missing header when a GitHub delivery has no event type', async () => {
    hookflow = await startTestService();
    const response = await fetch(`${hookflow.url}/webhooks/github`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-github-delivery': 'abc' }, body: '{}',
    });

    expect(response.status).toBe(400);
    expect((await response.json()).message).toContain('x-github-event');
  });

  it('answers 404 for an unknown source and 400 for malformed JSON', async () => {
    hookflow = await startTestService();
    const bitbucket = await fetch(`${hookflow.url}/webhooks/bitbucket`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(bitbucket.status).toBe(404);
    expect((await bitbucket.json()).error).toBe('UNKNOWN_SOURCE');

    const malformed = await fetch(`${hookflow.url}/webhooks/github`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'issues', 'x-github-delivery': 'd1' }, body: '{"action":',
    });
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error).toBe('BAD_REQUEST');
  });

  it('enforces the 25 MiB body limit', async () => {
    hookflow = await startTestService();
    const payload = examplePayload('push');
    payload.commits = Array.from({ length: 2000 }, (_, i) => ({ ...payload.head_commit, id: `commit-${i}`, message: 'x'.repeat(600) }));
    const large = await postDelivery(hookflow.url, { source: 'github', type: 'push', payload });
    expect(large.status).toBe(202);

    const huge = await fetch(`${hookflow.url}/webhooks/github`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': 'huge' },
      body: `{"pad":"${'x'.repeat(26 * 1024 * 1024)}"}`,
    });
    expect(huge.status).toBe(413);
    expect((await huge.json()).error).toBe('BODY_TOO_LARGE');
  });

  it('logs delivery and run ids', async () => {
    const lines: any[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
        done();
      },
    });
    hookflow = await startTestService({
      flows: { 'note-pushes': { id: 'note-pushes', nodes: { on: { type: 'trigger.webhook', args: { events: ['push'] } }, log: { type: 'log.emit', inputs: { value: 'on.event' }, args: { message: 'push {{payload.ref}}' } } } } },
      log: pino({ level: 'debug' }, sink),
    });

    const answer = await postDelivery(hookflow.url, { source: 'github', type: 'push', payload: examplePayload('push') });
    await hookflow.waitForRun(answer.body.runs[0].run);

    const eventLines = lines.filter((line) => line.delivery === answer.id);
    expect(eventLines.map((line) => line.msg)).toEqual(expect.arrayContaining(['event accepted', 'run finished', 'push refs/tags/simple-tag']));
    for (const line of eventLines.filter((l) => l.msg !== 'event accepted')) expect(line.run).toBe(answer.body.runs[0].run);
  });
});
