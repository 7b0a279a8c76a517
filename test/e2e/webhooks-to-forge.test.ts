import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../helpers/mock-server.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { examplePayload, postDelivery } from '../helpers/webhooks.js';

const SECRET = 'e2e-webhook-secret';

function commentFlow(id: string, settings: Record<string, unknown>, events: string[], text: string) {
  return {
    id, ...settings,
    nodes: {
      on: { type: 'trigger.webhook', args: { events } },
      text: { type: 'text.template', inputs: { event: 'on.event' }, args: { template: text } },
      reply: { type: 'forge.comment', inputs: { event: 'on.event', body: 'text.text' } },
    },
  };
}

const flows = {
  'greet-issues': commentFlow('greet-issues', { priority: 10, mutex_group: 'issue-responders' }, ['issues.opened'],
    'Thanks @{{payload.sender.login}} for {{payload.issue.title}} <b>&</b>'),
  'fallback-issues': commentFlow('fallback-issues', { priority: 5, mutex_group: 'issue-responders' }, ['issues.*'], 'fallback'),
  'label-prs': {
    id: 'label-prs',
    nodes: {
      on: { type: 'trigger.webhook', args: { events: ['pull_request.opened'] } },
      label: { type: 'forge.label', inputs: { event: 'on.event' }, args: { add: ['needs-review'] } },
    },
  },
  'answer-questions': {
    id: 'answer-questions',
    nodes: {
      on: { type: 'trigger.webhook', args: { events: ['issue_comment.created'] } },
      question: { type: 'filter.match', inputs: { event: 'on.event' }, args: { path: '/payload/comment/body', pattern: '\\?$' } },
      reply: { type: 'forge.comment', inputs: { event: 'question.event', body: 'text.text' } },
      text: { type: 'text.template', inputs: { event: 'question.event' }, args: { template: 'Good question.' } },
    },
  },
  'note-pushes': {
    id: 'note-pushes',
    nodes: {
      on: { type: 'trigger.webhook', args: { events: ['push'] } },
      pick: { type: 'json.pick', inputs: { value: 'on.event' }, args: { path: '/payload/ref' } },
      log: { type: 'log.emit', inputs: { value: 'pick.value' }, args: { message: 'push to {{payload.ref}}' } },
    },
  },
  'broken-flow': '{ "id": "broken-flow", "nodes": { ',
};

describe('webhooks to the forge, end to end', () => {
  let forge: MockServer;
  let hookflow: TestService;

  beforeAll(async () => {
    forge = await startMockServer((request) => ({ status: request.method === 'GET' ? 200 : 201, body: request.method === 'GET' ? [] : { id: 1 } }));
    hookflow = await startTestService({
      flows,
      config: {
        webhooks: { github: { secret_env: 'E2E_GITHUB_SECRET' }, gitea: { secret_env: 'E2E_GITEA_SECRET' } },
        forges: {
          hub: { kind: 'github', base_url: forge.url, token_env: 'E2E_GITHUB_TOKEN' },
          tea: { kind: 'gitea', base_url: forge.url, token_env: 'E2E_GITEA_TOKEN' },
        },
        dispatch: { max_concurrent_runs: 1 },
      },
      env: { E2E_GITHUB_SECRET: SECRET, E2E_GITEA_SECRET: SECRET, E2E_GITHUB_TOKEN: 'gh-token', E2E_GITEA_TOKEN: 'tea-token' },
    });
  });

  afterAll(async () => {
    await hookflow?.close();
    await forge?.close();
  });

  it('comments on a new GitHub issue', async () => {
    const payload = examplePayload('issues', 'opened');
    const answer = await postDelivery(hookflow.url, { source: 'github', type: 'issues', payload, secret: SECRET });

    expect(answer.status).toBe(202);
    expect(answer.body.event).toBe('issues.opened');
    expect(answer.body.runs.map((r: { flow: string }) => r.flow)).toEqual(['greet-issues']);
    expect(answer.body.suppressed).toEqual([{ flow: 'fallback-issues', claimed_by: 'greet-issues' }]);

    const run = await hookflow.waitForRun(answer.body.runs[0].run);
    expect(run.error).toBeNull();
    expect(run.status).toBe('succeeded');
    expect(run.trace!.map((entry: any) => [entry.node, entry.status])).toEqual([['on', 'ok'], ['text', 'ok'], ['reply', 'ok']]);

    const { owner, name } = { owner: payload.repository.owner.login, name: payload.repository.name };
    const request = forge.requests.find((r) => r.path === `/repos/${owner}/${name}/issues/${payload.issue.number}/comments`);
    expect(request?.method).toBe('POST');
    expect(request?.headers.authorization).toBe('Bearer gh-token');
    expect(JSON.parse(request!.body).body).toBe(`Thanks @${payload.sender.login} for ${payload.issue.title} <b>&</b>`);
  });

  it('takes the same issue signed as Gitea and calls the Gitea API', async () => {
    const payload = examplePayload('issues', 'opened');
    const before = forge.requests.length;
    const answer = await postDelivery(hookflow.url, { source: 'gitea', type: 'issues', payload, secret: SECRET });

    expect(answer.status).toBe(202);
    const run = await hookflow.waitForRun(answer.body.runs[0].run);
    expect(run.status).toBe('succeeded');
    const request = forge.requests.slice(before).find((r) => r.method === 'POST');
    expect(request?.path).toBe(`/api/v1/repos/${payload.repository.full_name}/issues/${payload.issue.number}/comments`);
    expect(request?.headers.authorization).toBe('token tea-token');
  });

  it('labels a pull request from a form-encoded GitHub delivery', async () => {
    const payload = examplePayload('pull_request', 'opened');
    const answer = await postDelivery(hookflow.url, { source: 'github', type: 'pull_request', payload, secret: SECRET, form: true });

    expect(answer.status).toBe(202);
    const run = await hookflow.waitForRun(answer.body.runs[0].run);
    expect(run.status).toBe('succeeded');
    const request = forge.requests.find((r) => r.path.endsWith(`/issues/${payload.pull_request.number}/labels`));
    expect(JSON.parse(request!.body)).toEqual({ labels: ['needs-review'] });
  });

  it('halts at a filter miss', async () => {
    const payload = examplePayload('issue_comment', 'created');
    payload.comment.body = 'Looks good to me.';
    const before = forge.requests.length;
    const answer = await postDelivery(hookflow.url, { source: 'github', type: 'issue_comment', payload, secret: SECRET });

    const run = await hookflow.waitForRun(answer.body.runs[0].run);
    expect(run.status).toBe('halted');
    const statuses = Object.fromEntries(run.trace!.map((entry: any) => [entry.node, entry.status]));
    expect(statuses).toEqual({ on: 'ok', question: 'halted', text: 'skipped', reply: 'skipped' });
    expect(forge.requests.length).toBe(before);
  });

  it('traces a push flow by event reference', async () => {
    const payload = examplePayload('push');
    const answer = await postDelivery(hookflow.url, { source: 'github', type: 'push', payload, secret: SECRET });

    expect(answer.body.event).toBe('push');
    const run = await hookflow.waitForRun(answer.body.runs[0].run);
    expect(run.status).toBe('succeeded');
    const pick = run.trace!.find((entry: any) => entry.node === 'pick') as any;
    expect(pick.inputs.value).toEqual({ $event: answer.id, key: 'push' });
    expect(pick.outputs.value).toBe(payload.ref);
  });

  it('answers a ping without a run', async () => {
    const answer = await postDelivery(hookflow.url, { source: 'github', type: 'ping', payload: examplePayload('ping'), secret: SECRET });

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ ping: 'pong', delivery: answer.id });
  });

  it('rejects a bad signature with 401 and runs nothing', async () => {
    const payload = examplePayload('issues', 'opened');
    const answer = await postDelivery(hookflow.url, { source: 'github', type: 'issues', payload, secret: 'wrong-secret' });
    const unsigned = await postDelivery(hookflow.url, { source: 'gitea', type: 'issues', payload });

    expect(answer.status).toBe(401);
    expect(answer.body.error).toBe('SIGNATURE_INVALID');
    expect(unsigned.status).toBe(401);
    const replay = await postDelivery(hookflow.url, { source: 'github', type: 'issues', payload, secret: SECRET, id: answer.id });
    expect(replay.status).toBe(202);
  });

  it('runs a repeated delivery id only once and names the first runs', async () => {
    const payload = examplePayload('issues', 'opened');
    const first = await postDelivery(hookflow.url, { source: 'github', type: 'issues', payload, secret: SECRET });
    const second = await postDelivery(hookflow.url, { source: 'github', type: 'issues', payload, secret: SECRET, id: first.id });

    expect(second.status).toBe(200);
    expect(second.body).toEqual({ duplicate: true, delivery: first.id, runs: first.body.runs });
  });

  it('rejects content types other than JSON and form encoding with 415', async () => {
    const response = await fetch(`${hookflow.url}/webhooks/generic`, {
      method: 'POST', headers: { 'content-type': 'text/plain', 'x-hookflow-event': 'custom' }, body: 'hello',
    });
    expect(response.status).toBe(415);
    expect((await response.json()).error).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('keeps serving when one flow file is invalid at start and reports it', async () => {
    const health = await hookflow.request('GET', '/healthz', { auth: false });

    expect(health.status).toBe(200);
    expect(health.body.flows.invalid).toBe(1);
    expect(health.body.flows.active).toBe(5);
    const status = hookflow.service.context.board.get('broken-flow');
    expect(status?.state).toBe('invalid');
    expect(status?.errors[0].code).toBe('FLOW_JSON_SYNTAX');
  });

  it('exposes events and runs as Prometheus metrics', async () => {
    const metrics = await hookflow.request('GET', '/metrics', { auth: false });

    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/hookflow_events_received_total\{source="github",key="issues.opened"\} \d+/);
    expect(metrics.text).toMatch(/hookflow_runs_total\{flow="greet-issues",status="succeeded"\} \d+/);
    expect(metrics.text).toContain('hookflow_dispatch_select_seconds_bucket');
  });

  it('requires the operator token to read a run', async () => {
    const answer = await hookflow.request('GET', '/runs/anything', { auth: false });

    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toContain('Basic');
  });
});
