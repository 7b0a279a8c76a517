import { afterEach, describe, expect, it } from 'vitest';
import { removeDir, startTestService, type TestService } from '../helpers/service.js';
import { examplePayload, postDelivery } from '../helpers/webhooks.js';

const noteIssues = {
  id: 'note-issues',
  nodes: {
    on: { type: 'trigger.webhook', args: { events: ['issues.*'] } },
    note: { type: 'log.emit', inputs: { value: 'on.event' }, args: { message: 'saw {{key}}' } },
  },
};

describe('concurrent deliveries', () => {
  let hookflow: TestService | undefined;

  afterEach(async () => {
    await hookflow?.close();
    if (hookflow) removeDir(hookflow.dir);
    hookflow = undefined;
  });

  it('run a delivery id sent many times at once exactly once', async () => {
    hookflow = await startTestService({ flows: { 'note-issues': noteIssues } });
    const payload = examplePayload('issues', 'opened');

    const answers = await Promise.all(
      Array.from({ length: 12 }, () => postDelivery(hookflow!.url, { source: 'github', type: 'issues', payload, id: 'same-delivery' })),
    );

    const accepted = answers.filter((answer) => answer.status === 202);
    const duplicates = answers.filter((answer) => answer.status === 200);
    expect(accepted).toHaveLength(1);
    expect(duplicates).toHaveLength(11);
    for (const duplicate of duplicates) expect(duplicate.body.runs).toEqual(accepted[0].body.runs);
    const rows = hookflow.service.context.db.prepare(`SELECT count(*) AS n FROM runs WHERE event_id = 'same-delivery'`).get() as { n: number };
    expect(rows.n).toBe(1);
  });

  it('record every run of many different deliveries sent at once, with time-ordered ids', async () => {
    hookflow = await startTestService({ flows: { 'note-issues': noteIssues } });
    const payload = examplePayload('issues', 'opened');

    const answers = await Promise.all(Array.from({ length: 40 }, () => postDelivery(hookflow!.url, { source: 'github', type: 'issues', payload })));
    expect(answers.every((answer) => answer.status === 202)).toBe(true);

    const runs = await Promise.all(answers.map((answer) => hookflow!.waitForRun(answer.body.runs[0].run)));
    expect(runs.every((run) => run.status === 'succeeded' && run.started_at !== null)).toBe(true);
    for (const run of runs) expect(run.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
