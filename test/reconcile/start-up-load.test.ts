import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRepo } from '../helpers/git-repo.js';
import { flowFileText, removeDir, startTestService, type TestService } from '../helpers/service.js';
import { postDelivery } from '../helpers/webhooks.js';

const noteDeploys = {
  id: 'note-deploys',
  nodes: {
    on: { type: 'trigger.webhook', args: { events: ['deploy'] } },
    note: { type: 'log.emit', inputs: { value: 'on.event' }, args: { message: 'deploy' } },
  },
};

describe('start-up load', () => {
  let hookflow: TestService | undefined;

  afterEach(async () => {
    await hookflow?.close();
    if (hookflow) removeDir(hookflow.dir);
    hookflow = undefined;
  });

  it('serves the HEAD version of a file broken since its last commit, as stale', async () => {
    const dir = makeRepo({ 'flows.d/note-deploys.json': flowFileText(noteDeploys) });
    fs.writeFileSync(path.join(dir, 'flows.d/note-deploys.json'), '{ "id": "note-deploys", ');

    hookflow = await startTestService({ dir });

    const status = hookflow.service.context.board.get('note-deploys');
    expect(status?.state).toBe('stale');
    expect(status?.errors[0].code).toBe('FLOW_JSON_SYNTAX');
    expect(status?.message).toContain('serving the version at git HEAD');
    const answer = await postDelivery(hookflow.url, { source: 'generic', type: 'deploy', payload: {} });
    expect(answer.body.runs.map((run: { flow: string }) => run.flow)).toEqual(['note-deploys']);
  });

  it('keeps a broken file that git never saw out, as invalid', async () => {
    const dir = makeRepo({});
    fs.mkdirSync(path.join(dir, 'flows.d'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'flows.d/note-deploys.json'), '{ "id": "note-deploys", ');

    hookflow = await startTestService({ dir });

    expect(hookflow.service.context.board.get('note-deploys')?.state).toBe('invalid');
    const answer = await postDelivery(hookflow.url, { source: 'generic', type: 'deploy', payload: {} });
    expect(answer.body.runs).toEqual([]);
  });
});
