import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describeCommit, readWrittenState, simpleFlow } from '../helpers/flow-store.js';
import { git } from '../helpers/git-repo.js';
import { removeDir, startTestService, type TestService } from '../helpers/service.js';

let test: TestService | undefined;

afterEach(async () => {
  if (!test) return;
  await test.close();
  removeDir(test.dir);
  test = undefined;
});

describe('flow write path', () => {
  it('keeps unrelated changes out of its commit', async () => {
    test = await startTestService({ flows: { alpha: simpleFlow('alpha') } });
    fs.writeFileSync(path.join(test.dir, 'notes.txt'), 'staged, not committed\n');
    fs.writeFileSync(path.join(test.flowsDir, 'README.md'), 'staged inside the flows folder\n');
    git(test.dir, 'add', 'notes.txt', 'flows.d/README.md');
    fs.writeFileSync(path.join(test.dir, 'scratch.txt'), 'untracked\n');
    const statusBefore = git(test.dir, 'status', '--porcelain');

    const answer = await test.request('PATCH', '/flows/alpha', { body: { priority: 5 } });

    expect(answer.status).toBe(200);
    expect(describeCommit(test.dir, answer.body.commit).files).toEqual(['flows.d/alpha.json']);
    expect(git(test.dir, 'status', '--porcelain')).toBe(statusBefore);
    expect(git(test.dir, 'diff', '--cached', '--name-only')).toBe('flows.d/README.md\nnotes.txt');
  });

  it('answers 503 on a stale index.lock and writes nothing', async () => {
    test = await startTestService({ flows: { alpha: simpleFlow('alpha') } });
    const lock = path.join(test.dir, '.git', 'index.lock');
    fs.writeFileSync(lock, '');
    const before = readWrittenState(test);

    const answer = await test.request('POST', '/flows', { body: simpleFlow('blocked') });

    expect(answer.status).toBe(503);
    expect(answer.body.error).toBe('GIT_LOCKED');
    expect(answer.body.message).toContain(lock);
    expect(answer.headers.get('retry-after')).toBe('5');
    fs.rmSync(lock);
    expect(readWrittenState(test)).toEqual(before);
    expect(test.service.context.dispatcher.flows.get('blocked')).toBeUndefined();

    expect((await test.request('POST', '/flows', { body: simpleFlow('blocked') })).status).toBe(201);
  });

  it('undoes file and commit when the audit insert fails', async () => {
    test = await startTestService({ flows: { alpha: simpleFlow('alpha') } });
    test.service.context.db.exec(`CREATE TRIGGER refuse_audit BEFORE INSERT ON flow_audit
      BEGIN SELECT RAISE(ABORT, 'audit storage refused the row'); END`);
    const before = readWrittenState(test);

    const created = await test.request('POST', '/flows', { body: simpleFlow('doomed') });
    const patched = await test.request('PATCH', '/flows/alpha', { body: { priority: 9 } });
    const deleted = await test.request('DELETE', '/flows/alpha');

    for (const answer of [created, patched, deleted]) {
      expect(answer.status).toBe(500);
      expect(answer.body.error).toBe('INTERNAL');
    }
    expect(readWrittenState(test)).toEqual(before);
    expect(test.service.context.dispatcher.flows.get('doomed')).toBeUndefined();
    expect(test.service.context.dispatcher.flows.get('alpha')?.flow.priority).toBe(0);
  });

  it('undoes the file when git refuses the commit', async () => {
    test = await startTestService({ flows: { alpha: simpleFlow('alpha') } });
    // A reference-transaction hook that rejects every ref update makes `git commit` fail after the file is written.
    const hook = path.join(test.dir, '.git', 'hooks', 'reference-transaction');
    fs.writeFileSync(hook, '#!/bin/sh\n[ "$1" = prepared ] && exit 1\nexit 0\n', { mode: 0o755 });
    const before = readWrittenState(test);

    const created = await test.request('POST', '/flows', { body: simpleFlow('doomed') });
    const patched = await test.request('PATCH', '/flows/alpha', { body: { priority: 9 } });

    for (const answer of [created, patched]) {
      expect(answer.status).toBe(500);
      expect(answer.body.error).toBe('GIT_FAILED');
    }
    fs.rmSync(hook);
    expect(readWrittenState(test)).toEqual(before);
    expect(test.service.context.dispatcher.flows.get('doomed')).toBeUndefined();
  });

  it('commits as the configured operator', async () => {
    test = await startTestService({
      flows: { alpha: simpleFlow('alpha') },
      config: { auth: { operator_user: 'Jane Doe', operator_email: 'jane@example.test' } },
    });
    const answer = await test.request('POST', '/flows', { body: simpleFlow('beta') });

    expect(answer.status).toBe(201);
    const commit = describeCommit(test.dir, answer.body.commit);
    expect(commit.author).toBe('Jane Doe <jane@example.test>');
    expect(commit.committer).toBe('Jane Doe <jane@example.test>');
    expect((await test.request('GET', '/flows/beta/audit')).body.audit[0].operator).toBe('Jane Doe');
  });

  it('runs git init outside a repository', async () => {
    const dir = fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), 'hookflow-norepo-'));
    test = await startTestService({ dir });
    const flowsDir = path.join(dir, 'flows.d');

    expect(fs.existsSync(path.join(flowsDir, '.git'))).toBe(true);
    const answer = await test.request('POST', '/flows', { body: simpleFlow('first') });
    expect(answer.status).toBe(201);
    expect(git(flowsDir, 'log', '--format=%s')).toContain('Create flow first');
  });
});
