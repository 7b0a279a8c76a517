import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWrittenState } from '../helpers/flow-store.js';
import { startMockServer, type MockServer } from '../helpers/mock-server.js';
import { removeDir, startTestService, type TestService } from '../helpers/service.js';
import { examplePayload, postDelivery } from '../helpers/webhooks.js';

let mock: MockServer;
let test: TestService;

/** A flow that posts a note about every new issue whose title says "README" to the mock server. */
function notifyFlow(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    priority: 5,
    mutex_group: 'responders',
    budget: { mutating_calls: 3, window_seconds: 3600 },
    nodes: {
      opened: { type: 'trigger.webhook', args: { events: ['issues.opened'] } },
      readme: { type: 'filter.match', inputs: { event: 'opened.event' }, args: { path: '/payload/issue/title', pattern: 'readme', flags: 'i' } },
      note: { type: 'text.template', inputs: { event: 'readme.event' }, args: { template: 'New issue by {{payload.sender.login}}' } },
      send: {
        type: 'http.request', inputs: { event: 'readme.event', body: 'note.text' },
        args: { method: 'POST', url: `${mock.url}/notes/${id}` },
      },
    },
    ...extra,
  };
}

beforeAll(async () => {
  mock = await startMockServer();
  test = await startTestService({
    config: { http: { allowed_hosts: ['127.0.0.1'] } },
    flows: {
      notify: notifyFlow('notify'),
      shipped: notifyFlow('shipped', { source: 'default', priority: 1 }),
      quiet: notifyFlow('quiet', { enabled: false, mutex_group: 'others' }),
    },
  });
});

afterAll(async () => {
  await test.close();
  removeDir(test.dir);
  await mock.close();
});

function spentRows(): number {
  return (test.service.context.db.prepare('SELECT count(*) AS n FROM budget_spend').get() as { n: number }).n;
}

const event = { source: 'github', type: 'issues', payload: examplePayload('issues', 'opened') };

describe('POST /flows/:id/dry-run', () => {
  it('returns selection, trace, effects and budget without effects', async () => {
    const before = readWrittenState(test);
    const answer = await test.request('POST', '/flows/notify/dry-run', { body: { event } });

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ flow: 'notify', event: 'issues.opened', selected: true, status: 'succeeded' });
    expect(answer.body.version).toBe(test.service.context.dispatcher.flows.get('notify')!.version);
    expect(answer.body.trace.map((entry: { node: string; status: string }) => `${entry.node}:${entry.status}`))
      .toEqual(['opened:ok', 'readme:ok', 'note:ok', 'send:simulated']);
    expect(answer.body.effects).toEqual([expect.objectContaining({ kind: 'http', method: 'POST', url: `${mock.url}/notes/notify`, mutating: true })]);
    expect(answer.body.effects[0].body).toBe('New issue by Codertocat');
    expect(answer.body.budget).toEqual({ would_spend: 1, remaining: 3 });

    expect(mock.requests).toEqual([]);
    expect(spentRows()).toBe(0);
    expect(readWrittenState(test)).toEqual(before);
  });

  it('takes a raw forge payload with ?event=', async () => {
    const answer = await test.request('POST', '/flows/notify/dry-run?event=issues', { body: event.payload });
    expect(answer.status).toBe(200);
    expect(answer.body.selected).toBe(true);
    expect(answer.body.effects).toHaveLength(1);
  });

  it('names the flow that suppresses a default', async () => {
    const answer = await test.request('POST', '/flows/shipped/dry-run', { body: { event } });
    expect(answer.status).toBe(200);
    expect(answer.body.selected).toBe(false);
    expect(answer.body.reason).toBe('suppressed: flow notify claims mutex group responders');
    expect(answer.body.trace.at(-1).status).toBe('simulated');
  });

  it('runs a disabled flow and says it is disabled', async () => {
    const answer = await test.request('POST', '/flows/quiet/dry-run', { body: { event } });
    expect(answer.body.selected).toBe(false);
    expect(answer.body.reason).toBe('the flow is disabled');
    expect(answer.body.effects).toHaveLength(1);
    expect(mock.requests).toEqual([]);
  });

  it('explains an event no trigger matches', async () => {
    const closed = { event: { source: 'github', type: 'issues', action: 'closed', payload: event.payload } };
    const answer = await test.request('POST', '/flows/notify/dry-run', { body: closed });
    expect(answer.body.event).toBe('issues.closed');
    expect(answer.body.selected).toBe(false);
    expect(answer.body.reason).toContain('no trigger matched');
    expect(answer.body.status).toBe('halted');
    expect(answer.body.budget.would_spend).toBe(0);
  });

  it('rejects a malformed event with 400', async () => {
    const answer = await test.request('POST', '/flows/notify/dry-run', { body: { event: { source: 'github', payload: [] } } });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toContain('event.type');
    expect(answer.body.message).toContain('event.payload');
  });

  it('answers 404 for an unknown flow', async () => {
    expect((await test.request('POST', '/flows/ghost/dry-run', { body: { event } })).status).toBe(404);
  });
});

describe('POST /flows/dry-run', () => {
  it('runs a draft in place of its id', async () => {
    const before = readWrittenState(test);
    const draft = notifyFlow('notify', { priority: 0 });
    const answer = await test.request('POST', '/flows/dry-run', { body: { flow: draft, event } });

    expect(answer.status).toBe(200);
    expect(answer.body.flow).toBe('notify');
    expect(answer.body.selected).toBe(false);
    expect(answer.body.reason).toBe('suppressed: flow shipped claims mutex group responders');
    expect(answer.body.effects).toHaveLength(1);
    expect(readWrittenState(test)).toEqual(before);
    expect(test.service.context.dispatcher.flows.get('notify')!.flow.priority).toBe(5);
  });

  it('lists every problem of an invalid document', async () => {
    const draft = { id: 'draft', nodes: { send: { type: 'http.request', args: { method: 'BREW' } } } };
    const answer = await test.request('POST', '/flows/dry-run', { body: { flow: draft, event } });
    expect(answer.status).toBe(422);
    const codes = answer.body.errors.map((problem: { code: string }) => problem.code);
    expect(codes).toContain('FLOW_ARGS');
    expect(codes).toContain('FLOW_NO_TRIGGER');
  });
});

describe('forking a default flow', () => {
  it('a higher-priority fork takes over at once', async () => {
    const shipped = (await test.request('GET', '/flows/shipped')).body.flow;
    const fork = { ...shipped, id: 'my-notes', source: 'operator', priority: 10, nodes: notifyFlow('my-notes').nodes };
    const created = await test.request('POST', '/flows', { body: fork });
    expect(created.status).toBe(201);

    const delivery = await postDelivery(test.url, { source: 'github', type: 'issues', payload: event.payload });
    expect(delivery.status).toBe(202);
    expect(delivery.body.runs.map((run: { flow: string }) => run.flow)).toEqual(['my-notes']);
    expect(delivery.body.suppressed).toEqual([
      { flow: 'notify', claimed_by: 'my-notes' },
      { flow: 'shipped', claimed_by: 'my-notes' },
    ]);
    const run = await test.waitForRun(delivery.body.runs[0].run);
    expect(run.status).toBe('succeeded');
    expect(mock.requests.map((request) => request.path)).toEqual(['/notes/my-notes']);
  });
});
