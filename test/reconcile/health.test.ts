import { afterEach, expect, test } from 'vitest';
import { removeDir, startTestService, type TestService } from '../helpers/service.js';
import { flowDoc, waitFor } from './support.js';

let hookflow: TestService | undefined;

afterEach(async () => {
  await hookflow?.close();
  if (hookflow) removeDir(hookflow.dir);
  hookflow = undefined;
});

test('healthz shows the reconcile state', async () => {
  hookflow = await startTestService({
    flows: { on: flowDoc('on'), off: flowDoc('off', { enabled: false }), broken: '{' },
    config: { reconcile: { resync_seconds: 1 } },
  });

  const first = await hookflow.request('GET', '/healthz', { auth: false });
  expect(first.status).toBe(200);
  expect(first.body.flows).toEqual({ active: 1, disabled: 1, stale: 0, invalid: 1 });
  expect(first.body.reconcile.flows_dir_missing).toBe(false);
  expect(Date.parse(first.body.reconcile.last_pass)).not.toBeNaN();

  const later = await waitFor(async () => {
    const answer = await hookflow!.request('GET', '/healthz', { auth: false });
    return answer.body.reconcile.last_pass > first.body.reconcile.last_pass && answer;
  }, 'a resync pass');
  expect(later.body.flows).toEqual(first.body.flows);
});
