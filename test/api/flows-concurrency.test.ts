import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditRows } from '../../src/store/audit.js';
import { describeCommit, simpleFlow } from '../helpers/flow-store.js';
import { git } from '../helpers/git-repo.js';
import { removeDir, startTestService, type TestService } from '../helpers/service.js';

const COUNT = 50;
const ids = Array.from({ length: COUNT }, (_, index) => `flow-${String(index).padStart(2, '0')}`);

let test: TestService;

beforeAll(async () => {
  test = await startTestService({ flows: Object.fromEntries(ids.map((id) => [id, simpleFlow(id)])) });
});

afterAll(async () => {
  await test.close();
  removeDir(test.dir);
});

describe('concurrent PATCHes', () => {
  it('50 PATCHes give 50 one-file commits and audit rows', async () => {
    const start = git(test.dir, 'rev-parse', 'HEAD');
    const etags = await Promise.all(ids.map(async (id) => (await test.request('GET', `/flows/${id}`)).headers.get('etag')!));

    const answers = await Promise.all(ids.map((id, index) => test.request('PATCH', `/flows/${id}`, {
      body: { priority: index + 1 }, headers: { 'if-match': etags[index] },
    })));

    for (const answer of answers) {
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    }
    const commits = git(test.dir, 'rev-list', `${start}..HEAD`).split('\n');
    expect(commits).toHaveLength(COUNT);
    const touched = commits.map((sha) => describeCommit(test.dir, sha).files);
    for (const files of touched) expect(files).toHaveLength(1);
    expect(touched.flat().sort()).toEqual(ids.map((id) => `flows.d/${id}.json`));

    const rows = ids.flatMap((id) => listAuditRows(test.service.context.db, id));
    expect(rows).toHaveLength(COUNT);
    expect(rows.map((row) => row.commit).sort()).toEqual([...commits].sort());
    expect(answers.map((answer) => answer.body.commit).sort()).toEqual([...commits].sort());
    for (const [index, id] of ids.entries()) {
      expect(test.service.context.dispatcher.flows.get(id)?.flow.priority).toBe(index + 1);
    }
  });
});
