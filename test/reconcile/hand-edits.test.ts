import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { git } from '../helpers/git-repo.js';
import { removeDir, startTestService, type TestService } from '../helpers/service.js';
import { auditRows, flowDoc, flowText, pause, saveByRename, waitFor } from './support.js';

describe('hand edits', () => {
  let hookflow: TestService | undefined;
  const extraDirs: string[] = [];

  afterEach(async () => {
    await hookflow?.close();
    if (hookflow) removeDir(hookflow.dir);
    hookflow = undefined;
    for (const dir of extraDirs.splice(0)) removeDir(dir);
  });

  async function start(reconcile: Record<string, unknown> = {}) {
    hookflow = await startTestService({
      flows: { triage: flowDoc('triage'), other: flowDoc('other') },
      config: { reconcile: { hand_edit_operator: 'hand-editor', ...reconcile } },
    });
    const context = hookflow.service.context;
    const file = (id: string) => path.join(hookflow!.flowsDir, `${id}.json`);
    return { service: hookflow, context, file, dir: hookflow.dir };
  }

  test('hand edit gets an audit row and a commit', async () => {
    const { context, file, dir } = await start();
    // Unrelated work in progress: a staged file and a modified one, both outside the flows folder.
    fs.writeFileSync(path.join(dir, 'draft.txt'), 'first\n');
    git(dir, 'add', 'draft.txt');
    git(dir, 'commit', '-q', '-m', 'Add a draft');
    fs.writeFileSync(path.join(dir, 'draft.txt'), 'second\n');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'staged notes\n');
    git(dir, 'add', 'notes.txt');

    saveByRename(file('triage'), flowText(flowDoc('triage', { priority: 5 })));
    const [row] = await waitFor(() => {
      const rows = auditRows(context.db, 'triage');
      return rows.length > 0 && rows;
    }, 'the audit row');

    expect(row.action).toBe('hand_edit');
    expect(row.operator).toBe('hand-editor');
    expect(JSON.parse(row.before!).priority).toBe(0);
    expect(JSON.parse(row.after!).priority).toBe(5);
    expect(row.diff).toContain('+  "priority": 5');
    expect(row.commit).toBe(git(dir, 'rev-parse', 'HEAD'));
    expect(git(dir, 'log', '--format=%s', '-2').split('\n')).toEqual(['Record a hand edit of flow triage', 'Add a draft']);
    expect(git(dir, 'show', '--format=%an <%ae>', '--name-only', row.commit!).split('\n').filter(Boolean))
      .toEqual(['hand-editor <hand-editor@hookflow.invalid>', 'flows.d/triage.json']);
    expect(git(dir, 'diff', '--cached', '--name-only')).toBe('notes.txt');
    expect(git(dir, 'diff', '--name-only')).toBe('draft.txt');
  });

  test('hand deletion removes the flow', async () => {
    const { context, file, dir } = await start();

    fs.rmSync(file('triage'));
    await waitFor(() => context.dispatcher.flows.get('triage') === undefined, 'the flow to go');
    const [row] = await waitFor(() => {
      const rows = auditRows(context.db, 'triage');
      return rows.length > 0 && rows;
    }, 'the audit row');

    expect(context.board.get('triage')).toBeUndefined();
    expect(context.dispatcher.flows.get('other')).toBeDefined();
    expect(row.action).toBe('hand_delete');
    expect(row.after).toBeNull();
    expect(JSON.parse(row.before!).id).toBe('triage');
    expect(row.commit).toBe(git(dir, 'rev-parse', 'HEAD'));
    expect(git(dir, 'show', '--format=', '--name-status', row.commit!)).toBe('D\tflows.d/triage.json');
  });

  test('commit_hand_edits false records without a commit', async () => {
    const { context, file, dir } = await start({ commit_hand_edits: false });
    const head = git(dir, 'rev-parse', 'HEAD');

    saveByRename(file('triage'), flowText(flowDoc('triage', { priority: 5 })));
    const [row] = await waitFor(() => {
      const rows = auditRows(context.db, 'triage');
      return rows.length > 0 && rows;
    }, 'the audit row');

    expect(row.action).toBe('hand_edit');
    expect(row.operator).toBe('hand-editor');
    expect(row.commit).toBeNull();
    expect(git(dir, 'rev-parse', 'HEAD')).toBe(head);
    expect(git(dir, 'status', '--porcelain')).toContain('flows.d/triage.json');
  });

  test('pulled commit is named, not recommitted', async () => {
    const { context, dir } = await start();
    const upstream = fs.mkdtempSync(path.join(os.tmpdir(), 'hookflow-upstream-'));
    extraDirs.push(upstream);
    git(upstream, 'clone', '-q', dir, '.');
    fs.writeFileSync(path.join(upstream, 'flows.d', 'triage.json'), flowText(flowDoc('triage', { priority: 8 })));
    fs.rmSync(path.join(upstream, 'flows.d', 'other.json'));
    fs.writeFileSync(path.join(upstream, 'flows.d', 'added.json'), flowText(flowDoc('added')));
    git(upstream, 'add', '-A');
    git(upstream, '-c', 'user.name=Pat Remote', '-c', 'user.email=pat@example.test', 'commit', '-q', '--author=Pat Remote <pat@example.test>', '-m', 'Retune triage');
    const pulled = git(upstream, 'rev-parse', 'HEAD');

    git(dir, 'pull', '-q', '--ff-only', upstream, 'main');
    const rows = await waitFor(() => {
      const found = auditRows(context.db);
      return found.length === 3 && found;
    }, 'three audit rows');

    expect(rows.map((row) => [row.flow_id, row.action]).sort()).toEqual([['added', 'hand_edit'], ['other', 'hand_delete'], ['triage', 'hand_edit']]);
    for (const row of rows) {
      expect(row.operator).toBe('Pat Remote');
      expect(row.commit).toBe(pulled);
    }
    expect(git(dir, 'rev-parse', 'HEAD')).toBe(pulled);
    expect(context.dispatcher.flows.get('triage')!.flow.priority).toBe(8);
    expect(context.dispatcher.flows.get('added')).toBeDefined();
    expect(context.dispatcher.flows.get('other')).toBeUndefined();
  });

  test('API writes are not taken for hand edits', async () => {
    const { service, context, dir } = await start();

    const created = await service.request('POST', '/flows', { body: flowDoc('fresh') });
    const patched = await service.request('PATCH', '/flows/triage', { body: { priority: 6 } });
    const disabled = await service.request('POST', '/flows/other/disable');
    const deleted = await service.request('DELETE', '/flows/fresh');
    expect([created.status, patched.status, disabled.status, deleted.status]).toEqual([201, 200, 200, 204]);
    const head = git(dir, 'rev-parse', 'HEAD');
    const triage = context.dispatcher.flows.get('triage');
    const triageStatus = context.board.get('triage');
    await pause(400);

    expect(auditRows(context.db).map((row) => [row.flow_id, row.action])).toEqual([
      ['fresh', 'create'], ['triage', 'update'], ['other', 'disable'], ['fresh', 'delete'],
    ]);
    expect(git(dir, 'rev-parse', 'HEAD')).toBe(head);
    expect(context.dispatcher.flows.get('triage')).toBe(triage);
    expect(context.board.get('triage')).toEqual(triageStatus);
    expect(triageStatus!.reason).toBe('Updated');
    expect(context.board.get('other')!.state).toBe('disabled');
    expect(context.board.get('fresh')).toBeUndefined();
  });

  test('rapid saves each get a commit', async () => {
    hookflow = await startTestService({
      flows: Object.fromEntries(Array.from({ length: 20 }, (_, n) => [`flow-${n}`, flowDoc(`flow-${n}`)])),
      config: { reconcile: { hand_edit_operator: 'hand-editor' } },
    });
    const { context } = hookflow.service;
    const dir = hookflow.dir;
    const head = git(dir, 'rev-parse', 'HEAD');

    // Saves come faster than commits, so most land while an earlier save is being committed.
    for (let n = 0; n < 20; n++) {
      saveByRename(path.join(hookflow.flowsDir, `flow-${n}.json`), flowText(flowDoc(`flow-${n}`, { priority: n + 1 })));
      await pause(5);
    }
    await waitFor(() => auditRows(context.db).length === 20 && auditRows(context.db).every((row) => row.commit), '20 committed audit rows');

    for (let n = 0; n < 20; n++) expect(context.dispatcher.flows.get(`flow-${n}`)!.flow.priority).toBe(n + 1);
    const commits = git(dir, 'rev-list', `${head}..HEAD`).split('\n');
    expect(commits).toHaveLength(20);
    expect(new Set(auditRows(context.db).map((row) => row.commit))).toEqual(new Set(commits));
    for (const commit of commits) expect(git(dir, 'show', '--format=', '--name-only', commit).split('\n')).toHaveLength(1);
    expect(git(dir, 'status', '--porcelain', '--', 'flows.d')).toBe('');
  });
});
