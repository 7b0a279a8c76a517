import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { shippedFlowsDir } from '../../src/paths.js';
import { auditRowsOf, describeCommit } from '../helpers/flow-store.js';
import { git } from '../helpers/git-repo.js';
import { removeDir, startTestService, type TestService } from '../helpers/service.js';

const shippedNames = fs.readdirSync(shippedFlowsDir).filter((name) => name.endsWith('.json')).sort();
const shippedIds = shippedNames.map((name) => path.basename(name, '.json'));

let test: TestService | undefined;

afterEach(async () => {
  if (!test) return;
  await test.close();
  removeDir(test.dir);
  test = undefined;
});

describe('default flows at first start', () => {
  it('copies shipped flows in one commit', async () => {
    expect(shippedIds.length).toBeGreaterThan(0);
    test = await startTestService();

    expect(fs.readdirSync(test.flowsDir).filter((name) => name.endsWith('.json')).sort()).toEqual(shippedNames);
    for (const name of shippedNames) {
      expect(fs.readFileSync(path.join(test.flowsDir, name), 'utf8')).toBe(fs.readFileSync(path.join(shippedFlowsDir, name), 'utf8'));
    }
    const head = git(test.dir, 'rev-parse', 'HEAD');
    const commit = describeCommit(test.dir, head);
    expect(commit.files).toEqual(shippedNames.map((name) => `flows.d/${name}`));
    expect(commit.body).toContain('Hookflow-Action: create');
    for (const id of shippedIds) expect(auditRowsOf(test, id)).toMatchObject([{ action: 'create', commit: head }]);

    const listed = (await test.request('GET', '/flows')).body.flows;
    expect(listed.map((flow: { id: string }) => flow.id)).toEqual(shippedIds);
    expect(new Set(listed.map((flow: { source: string }) => flow.source))).toEqual(new Set(['default']));
    expect((await test.request('GET', '/check')).body.ok).toBe(true);
  });

  it('skips a folder with history', async () => {
    test = await startTestService();
    const { dir } = test;
    await test.close();
    git(dir, 'rm', '-q', '-r', 'flows.d');
    git(dir, 'commit', '-q', '-m', 'remove every flow');

    test = await startTestService({ dir });
    expect(fs.readdirSync(test.flowsDir).filter((name) => name.endsWith('.json'))).toEqual([]);
    expect((await test.request('GET', '/flows')).body.flows).toEqual([]);
  });

  it('leaves a folder that holds flows alone', async () => {
    test = await startTestService({ flows: { own: { id: 'own', nodes: { t: { type: 'trigger.webhook', args: { events: ['push'] } } } } } });
    expect(fs.readdirSync(test.flowsDir)).toEqual(['own.json']);
  });
});
