import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import pino from 'pino';
import { afterEach, describe, expect, test } from 'vitest';
import { configFromObject } from '../../src/config/load.js';
import { startService, type Service } from '../../src/service.js';
import { git, makeRepo, TEST_GIT_ENV } from '../helpers/git-repo.js';
import { removeDir, startTestService, TEST_TOKEN, type TestService } from '../helpers/service.js';
import { examplePayload, postDelivery } from '../helpers/webhooks.js';
import { auditRows, flowDoc, flowText, pause, saveByRename, waitFor } from './support.js';

const execFileAsync = promisify(execFile);

/** Runs git without blocking the event loop, so the service keeps serving webhooks meanwhile. */
function gitAsync(cwd: string, ...args: string[]) {
  return execFileAsync('git', args, { cwd, env: { ...process.env, ...TEST_GIT_ENV } });
}

const id = (prefix: string, n: number) => `${prefix}-${String(n).padStart(3, '0')}`;

/** Builds a flow of the mutex group `everyone`: a webhook response then names every selected flow while only one runs. */
function groupFlow(flowId: string, description: string) {
  return flowDoc(flowId, { description, mutex_group: 'everyone' });
}

interface Branches {
  dir: string;
  oldIds: string[];
  newIds: string[];
  /** The commit of branch `next`. */
  next: string;
}

/**
 * Creates a repository whose `main` contains `count` flows and whose branch `next` changes 300 files of
 * them: 250 edited, 25 deleted, 25 added. The work tree is on `main`.
 */
function makeBranches(count: number): Branches {
  const oldIds = Array.from({ length: count }, (_, n) => id('flow', n));
  const files: Record<string, string> = {};
  for (const flowId of oldIds) files[`flows.d/${flowId}.json`] = flowText(groupFlow(flowId, 'main'));
  const dir = makeRepo(files);

  git(dir, 'checkout', '-q', '-b', 'next');
  oldIds.slice(0, 250).forEach((flowId) => fs.writeFileSync(path.join(dir, 'flows.d', `${flowId}.json`), flowText(groupFlow(flowId, 'next'))));
  oldIds.slice(250, 275).forEach((flowId) => fs.rmSync(path.join(dir, 'flows.d', `${flowId}.json`)));
  const added = Array.from({ length: 25 }, (_, n) => id('added', n));
  added.forEach((flowId) => fs.writeFileSync(path.join(dir, 'flows.d', `${flowId}.json`), flowText(groupFlow(flowId, 'next'))));
  git(dir, 'add', '-A');
  git(dir, '-c', 'user.name=Branch Author', '-c', 'user.email=branch@example.test', 'commit', '-q', '--author=Branch Author <branch@example.test>', '-m', 'Rework the flows');
  const next = git(dir, 'rev-parse', 'HEAD');
  git(dir, 'checkout', '-q', 'main');

  const deleted = new Set(oldIds.slice(250, 275));
  const newIds = [...oldIds.filter((flowId) => !deleted.has(flowId)), ...added].sort();
  return { dir, oldIds, newIds, next };
}

function servedIds(service: TestService): string[] {
  return service.service.context.dispatcher.flows.all().map((compiled) => compiled.flow.id).sort();
}

describe('bulk changes', () => {
  let hookflow: TestService | undefined;

  afterEach(async () => {
    await hookflow?.close();
    if (hookflow) removeDir(hookflow.dir);
    hookflow = undefined;
  });

  test('checkout of 300 changed files converges', async () => {
    const branches = makeBranches(300);
    hookflow = await startTestService({ dir: branches.dir, config: { reconcile: { hand_edit_operator: 'hand-editor' } } });
    const { context } = hookflow.service;
    expect(servedIds(hookflow)).toEqual(branches.oldIds);

    git(branches.dir, 'checkout', '-q', 'next');
    await waitFor(() => auditRows(context.db).length === 300, '300 audit rows', 30_000);

    expect(servedIds(hookflow)).toEqual(branches.newIds);
    const untouched = new Set(branches.oldIds.slice(275));
    for (const flowId of branches.newIds) {
      expect(context.dispatcher.flows.get(flowId)!.flow.description).toBe(untouched.has(flowId) ? 'main' : 'next');
      expect(context.board.get(flowId)!.state).toBe('active');
    }
    const rows = auditRows(context.db);
    expect(rows.filter((row) => row.action === 'hand_delete')).toHaveLength(25);
    expect(new Set(rows.map((row) => row.commit))).toEqual(new Set([branches.next]));
    expect(new Set(rows.map((row) => row.operator))).toEqual(new Set(['Branch Author']));
    expect(git(branches.dir, 'rev-parse', 'HEAD')).toBe(branches.next);
  });

  test('webhooks during a checkout meet the old or the new set', async () => {
    const branches = makeBranches(300);
    hookflow = await startTestService({ dir: branches.dir });
    const service = hookflow;
    const oldSet = branches.oldIds.join(',');
    const newSet = branches.newIds.join(',');
    const payload = examplePayload('issues', 'opened');

    const seen: string[] = [];
    let sending = true;
    const sender = (async () => {
      while (sending) {
        const answer = await postDelivery(service.url, { source: 'github', type: 'issues', payload });
        expect(answer.status).toBe(202);
        const ids = [...answer.body.runs.map((run: { flow: string }) => run.flow), ...answer.body.suppressed.map((s: { flow: string }) => s.flow)];
        seen.push(ids.sort().join(','));
        await pause(2);
      }
    })();

    await waitFor(() => seen.length >= 5, 'webhooks before the checkout');
    await gitAsync(branches.dir, 'checkout', '-q', 'next');
    await waitFor(() => servedIds(service).join(',') === newSet, 'the new set to serve', 30_000);
    const answeredBeforeEnd = seen.length;
    await waitFor(() => seen.length >= answeredBeforeEnd + 5, 'webhooks after the checkout');
    sending = false;
    await sender;

    const unexpected = seen.filter((set) => set !== oldSet && set !== newSet);
    expect(unexpected).toEqual([]);
    expect(seen[0]).toBe(oldSet);
    expect(seen.at(-1)).toBe(newSet);
  });

  test('flows_dir deleted and re-created', async () => {
    hookflow = await startTestService({ flows: { keep: flowDoc('keep'), edit: flowDoc('edit'), drop: flowDoc('drop') } });
    const { context } = hookflow.service;
    const flowsDir = hookflow.flowsDir;

    fs.rmSync(flowsDir, { recursive: true });
    await waitFor(async () => (await hookflow!.request('GET', '/healthz')).body.reconcile.flows_dir_missing, 'the missing folder to show');
    await pause(300);
    expect(servedIds(hookflow)).toEqual(['drop', 'edit', 'keep']);
    expect([...context.board.all().keys()].sort()).toEqual(['drop', 'edit', 'keep']);
    const answer = await postDelivery(hookflow.url, { source: 'github', type: 'issues', payload: examplePayload('issues', 'opened') });
    expect(answer.body.runs).toHaveLength(3);
    expect(auditRows(context.db)).toEqual([]);

    fs.mkdirSync(flowsDir);
    fs.writeFileSync(path.join(flowsDir, 'keep.json'), flowText(flowDoc('keep')));
    fs.writeFileSync(path.join(flowsDir, 'edit.json'), flowText(flowDoc('edit', { priority: 4 })));
    fs.writeFileSync(path.join(flowsDir, 'new.json'), flowText(flowDoc('new')));

    await waitFor(() => servedIds(hookflow!).join(',') === 'edit,keep,new', 'the returned folder to be rescanned');
    expect(context.dispatcher.flows.get('edit')!.flow.priority).toBe(4);
    const health = await hookflow.request('GET', '/healthz');
    expect(health.body.reconcile.flows_dir_missing).toBe(false);
    const rows = await waitFor(() => {
      const found = auditRows(context.db);
      return found.length === 3 && found;
    }, 'the audit rows of the rescan');
    expect(rows.map((row) => [row.flow_id, row.action]).sort()).toEqual([['drop', 'hand_delete'], ['edit', 'hand_edit'], ['new', 'hand_edit']]);
  });
});

describe('work follows the change', () => {
  let service: Service | undefined;
  let dir: string | undefined;

  afterEach(async () => {
    await service?.close();
    if (dir) removeDir(dir);
    service = undefined;
    dir = undefined;
  });

  test('one changed file of 1,000 validates one', async () => {
    const files: Record<string, string> = {};
    for (let n = 0; n < 1000; n++) files[`flows.d/${id('flow', n)}.json`] = flowText(flowDoc(id('flow', n)));
    dir = makeRepo(files);
    const lines: Record<string, any>[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
        done();
      },
    });
    const config = configFromObject({
      server: { host: '127.0.0.1', port: 0 }, flows_dir: 'flows.d', data_dir: 'data',
      reconcile: { resync_seconds: 1, hand_edit_operator: 'hand-editor' },
    }, dir);
    service = await startService(config, { log: pino({ level: 'info' }, sink), env: { ...process.env, HOOKFLOW_OPERATOR_TOKEN: TEST_TOKEN } });
    const passes = () => lines.filter((line) => line.msg === 'flow files reconciled');

    saveByRename(path.join(dir, 'flows.d', 'flow-500.json'), flowText(flowDoc('flow-500', { priority: 2 })));
    await waitFor(() => passes().length > 0, 'the pass');
    const lastPass = service.context.health.lastPass;
    await waitFor(() => service!.context.health.lastPass !== lastPass && auditRows(service!.context.db).length === 1, 'a full resync after the edit', 5000);

    expect(passes()).toHaveLength(1);
    expect(passes()[0]).toMatchObject({ files_read: 1, files_validated: 1, applied: 1 });
  });
});
