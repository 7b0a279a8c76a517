import { afterEach, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../helpers/mock-server.js';
import { removeDir, startTestService, type TestService } from '../helpers/service.js';
import { examplePayload, postDelivery } from '../helpers/webhooks.js';

function commenter(id: string, settings: Record<string, unknown>, text: string) {
  return {
    id, ...settings,
    nodes: {
      on: { type: 'trigger.webhook', args: { events: ['issues.opened'] } },
      text: { type: 'text.template', inputs: { event: 'on.event' }, args: { template: text } },
      reply: { type: 'forge.comment', inputs: { event: 'on.event', body: 'text.text' } },
    },
  };
}

describe('dispatch order and budget', () => {
  let forge: MockServer | undefined;
  let hookflow: TestService | undefined;

  afterEach(async () => {
    await hookflow?.close();
    await forge?.close();
    if (hookflow) removeDir(hookflow.dir);
    hookflow = undefined;
    forge = undefined;
  });

  async function start(flows: Record<string, unknown>, dir?: string) {
    forge ??= await startMockServer(() => ({ status: 201, body: { id: 1 } }));
    hookflow = await startTestService({
      flows, dir,
      config: {
        forges: { hub: { kind: 'github', base_url: forge.url, token_env: 'ORDER_TOKEN' } },
        dispatch: { max_concurrent_runs: 1 },
      },
      env: { ORDER_TOKEN: 'token' },
    });
    return hookflow;
  }

  it('runs flows by priority descending, then id, whatever the file order', async () => {
    const service = await start({
      'a-low': commenter('a-low', { priority: 1 }, 'low'),
      'z-high': commenter('z-high', { priority: 50 }, 'high'),
      'b-tie': commenter('b-tie', { priority: 20 }, 'tie b'),
      'c-tie': commenter('c-tie', { priority: 20 }, 'tie c'),
      'm-negative': commenter('m-negative', { priority: -5 }, 'negative'),
    });

    const answer = await postDelivery(service.url, { source: 'github', type: 'issues', payload: examplePayload('issues', 'opened') });
    expect(answer.body.runs.map((r: { flow: string }) => r.flow)).toEqual(['z-high', 'b-tie', 'c-tie', 'a-low', 'm-negative']);

    for (const ref of answer.body.runs) await service.waitForRun(ref.run);
    const bodies = forge!.requests.map((r) => JSON.parse(r.body).body);
    expect(bodies).toEqual(['high', 'tie b', 'tie c', 'low', 'negative']);
  });

  it('stops a flow at its budget and keeps it stopped after a restart', async () => {
    const flows = { capped: commenter('capped', { budget: { mutating_calls: 2, window_seconds: 3600 } }, 'capped') };
    let service = await start(flows);

    const statuses: string[] = [];
    for (let i = 0; i < 3; i++) {
      const answer = await postDelivery(service.url, { source: 'github', type: 'issues', payload: examplePayload('issues', 'opened') });
      statuses.push((await service.waitForRun(answer.body.runs[0].run)).status);
    }
    expect(statuses).toEqual(['succeeded', 'succeeded', 'budget_exhausted']);
    expect(forge!.requests).toHaveLength(2);

    const refused = await service.request('GET', `/runs/${(await lastRunId(service))}`);
    const reply = refused.body.trace.find((entry: any) => entry.node === 'reply');
    expect(reply.status).toBe('budget_exhausted');
    expect(reply.error).toContain('budget of 2 mutating calls per 3600 s');

    const dir = service.dir;
    await service.close();
    hookflow = undefined;
    service = await start(flows, dir);

    const afterRestart = await postDelivery(service.url, { source: 'github', type: 'issues', payload: examplePayload('issues', 'opened') });
    expect((await service.waitForRun(afterRestart.body.runs[0].run)).status).toBe('budget_exhausted');
    expect(forge!.requests).toHaveLength(2);
    const metrics = await service.request('GET', '/metrics', { auth: false });
    expect(metrics.text).toMatch(/hookflow_budget_refusals_total\{flow="capped"\} 1/);
  });
});

async function lastRunId(service: TestService): Promise<string> {
  const row = service.service.context.db.prepare(`SELECT id FROM runs ORDER BY queued_at DESC, rowid DESC LIMIT 1`).get() as { id: string };
  return row.id;
}
