import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertAuditRow } from '../../src/store/audit.js';
import { simpleFlow } from '../helpers/flow-store.js';
import { git } from '../helpers/git-repo.js';
import { removeDir, startTestService, type TestService } from '../helpers/service.js';

let test: TestService;

beforeAll(async () => {
  test = await startTestService({
    flows: { alpha: simpleFlow('alpha'), beta: simpleFlow('beta') },
    config: { reconcile: { commit_hand_edits: false } },
  });
});

afterAll(async () => {
  await test.close();
  removeDir(test.dir);
});

describe('GET /check', () => {
  it('finds nothing after API changes', async () => {
    await test.request('POST', '/flows', { body: simpleFlow('gamma') });
    await test.request('PATCH', '/flows/alpha', { body: { priority: 2 } });
    await test.request('DELETE', '/flows/gamma');

    const answer = await test.request('GET', '/check');

    expect(answer.status).toBe(200);
    expect(answer.body.problems).toEqual([]);
    expect(answer.body.ok).toBe(true);
    expect(answer.body.checked).toMatchObject({ flow_files: 2, audited_flows: 2 });
  });

  it('lists each kind of disagreement', async () => {
    const { db, flowsRepo } = test.service.context;
    fs.writeFileSync(path.join(test.flowsDir, '.alpha.json.aaaaaaaaaaaa.hookflow-tmp'), '{"id": "al');
    fs.writeFileSync(flowsRepo.journalFile, JSON.stringify({ flow_id: 'alpha', action: 'update' }));
    fs.writeFileSync(path.join(test.flowsDir, 'beta.json'), `${JSON.stringify(simpleFlow('beta', { priority: 4 }), null, 2)}\n`);
    const patched = (await test.request('GET', '/flows/alpha/audit')).body.audit[0];
    db.prepare('DELETE FROM flow_audit WHERE id = ?').run(patched.id);
    // Invalid, so the reconcile loop records no hand edit and the newest audit row stays the deletion.
    fs.writeFileSync(path.join(test.flowsDir, 'gamma.json'), '{"id": "gamma"');
    insertAuditRow(db, { flow_id: 'delta', action: 'delete', operator: 'x', at: new Date().toISOString(), before: null, after: null, diff: '', commit: 'f'.repeat(40) });

    const answer = await test.request('GET', '/check');

    expect(answer.body.ok).toBe(false);
    const kinds = answer.body.problems.map((problem: { kind: string; flow?: string; commit?: string }) => `${problem.kind}:${problem.flow ?? problem.commit ?? ''}`);
    expect(kinds).toContain('temp_file:');
    expect(kinds).toContain('pending_write:alpha');
    expect(kinds).toContain('uncommitted:beta');
    expect(kinds).toContain(`commit_not_audited:${patched.commit}`);
    expect(kinds).toContain(`audit_commit_missing:${'f'.repeat(40)}`);
    expect(kinds).toContain('audit_mismatch:gamma');
    for (const problem of answer.body.problems) expect(problem.message).toEqual(expect.any(String));
  });

  it('requires operator credentials', async () => {
    expect((await test.request('GET', '/check', { auth: false })).status).toBe(401);
  });
});

describe('GET /check after a branch switch', () => {
  it('accepts audit rows that name a commit of another branch', async () => {
    const service = await startTestService({ flows: { alpha: simpleFlow('alpha') } });
    try {
      git(service.dir, 'checkout', '-q', '-b', 'other');
      const created = await service.request('POST', '/flows', { body: simpleFlow('gamma') });
      expect(created.status).toBe(201);
      git(service.dir, 'checkout', '-q', 'main');

      let answer = await service.request('GET', '/check');
      for (let attempt = 0; attempt < 100 && !answer.body.ok; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        answer = await service.request('GET', '/check');
      }

      expect(answer.body.problems).toEqual([]);
      expect(service.service.context.dispatcher.flows.get('gamma')).toBeUndefined();
    } finally {
      await service.close();
      removeDir(service.dir);
    }
  });
});
