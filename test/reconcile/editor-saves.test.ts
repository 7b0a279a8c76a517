import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { git } from '../helpers/git-repo.js';
import { removeDir, startTestService, type TestService } from '../helpers/service.js';
import { examplePayload, postDelivery } from '../helpers/webhooks.js';
import { auditRows, flowDoc, flowText, pause, saveByRename, waitFor } from './support.js';

const HAND_EDITOR = { reconcile: { hand_edit_operator: 'hand-editor' } };
/**
 * A quiet period far longer than the gaps between the steps of a save, so that only a stalled
 * machine could make an intermediate state count as settled.
 */
const PATIENT = { reconcile: { hand_edit_operator: 'hand-editor', debounce_ms: 500 } };

describe('editor saves', () => {
  let hookflow: TestService | undefined;

  afterEach(async () => {
    await hookflow?.close();
    if (hookflow) removeDir(hookflow.dir);
    hookflow = undefined;
  });

  async function start(flows: Record<string, unknown>, config: Record<string, unknown> = HAND_EDITOR) {
    hookflow = await startTestService({ flows, config });
    return { service: hookflow, context: hookflow.service.context, file: (id: string) => path.join(hookflow!.flowsDir, `${id}.json`) };
  }

  test('rename-over save serves the new version', async () => {
    const { context, file } = await start({ triage: flowDoc('triage'), other: flowDoc('other') });
    const oldVersion = context.dispatcher.flows.get('triage')!.version;
    const otherVersion = context.dispatcher.flows.get('other')!.version;

    saveByRename(file('triage'), flowText(flowDoc('triage', { priority: 5 })));

    const served = await waitFor(() => {
      const compiled = context.dispatcher.flows.get('triage')!;
      return compiled.version !== oldVersion && compiled;
    }, 'the saved version to serve');
    expect(served.flow.priority).toBe(5);
    expect(context.board.get('triage')!.state).toBe('active');
    expect(context.board.get('triage')!.reason).toBe('Updated');
    expect(context.dispatcher.flows.get('other')!.version).toBe(otherVersion);
  });

  test('swap and backup files are ignored', async () => {
    const { service, context, file } = await start({ triage: flowDoc('triage') }, PATIENT);
    const version = context.dispatcher.flows.get('triage')!.version;
    const litter = [
      '.triage.json.swp', '.triage.json.swx', 'triage.json~', '.#triage.json', '#triage.json#', '4913',
      'triage.json.tmp', '.triage.json.0a1b2c.hookflow-tmp', '.hidden.json',
    ];

    for (const name of litter) fs.writeFileSync(path.join(service.flowsDir, name), '{ "id": "garbage", "nodes": ');
    // vim's default save: move the file to a backup, write a new file, delete the backup.
    fs.renameSync(file('triage'), `${file('triage')}~`);
    fs.writeFileSync(file('triage'), flowText(flowDoc('triage', { priority: 7 })));
    fs.rmSync(`${file('triage')}~`);

    await waitFor(() => context.dispatcher.flows.get('triage')!.flow.priority === 7, 'the vim save to serve');
    await pause(700);
    expect(context.dispatcher.flows.get('triage')!.version).not.toBe(version);
    expect([...context.board.all().keys()]).toEqual(['triage']);
    expect(context.dispatcher.flows.all().map((compiled) => compiled.flow.id)).toEqual(['triage']);
    // Had the moment without a file counted, the flow would have been removed and added back.
    expect(auditRows(context.db).map((row) => row.action)).toEqual(['hand_edit']);
    expect(context.board.get('triage')!.reason).toBe('Updated');
  });

  test('truncate then write in steps converges', async () => {
    const { context, file } = await start({ triage: flowDoc('triage') }, PATIENT);
    const finalText = flowText(flowDoc('triage', { priority: 9, description: 'x'.repeat(4000) }));

    const handle = fs.openSync(file('triage'), 'w');
    const step = Math.ceil(finalText.length / 4);
    for (let offset = 0; offset < finalText.length; offset += step) {
      fs.writeSync(handle, finalText.slice(offset, offset + step));
      await pause(3);
    }
    fs.closeSync(handle);

    await waitFor(() => context.dispatcher.flows.get('triage')!.flow.priority === 9, 'the final content to serve');
    await waitFor(() => auditRows(context.db, 'triage').length === 1, 'one audit row');
    await pause(700);
    const status = context.board.get('triage')!;
    expect(status.state).toBe('active');
    // `Recovered` would mean a half-written state was reported as a broken file on the way.
    expect(status.reason).toBe('Updated');
    expect(status.errors).toEqual([]);
    expect(auditRows(context.db, 'triage')).toHaveLength(1);
  });

  test('identical re-save changes nothing', async () => {
    const { service, context, file } = await start({ triage: flowDoc('triage') });
    const text = fs.readFileSync(file('triage'), 'utf8');
    const statusBefore = context.board.get('triage')!;
    const compiledBefore = context.dispatcher.flows.get('triage')!;
    const headBefore = git(service.dir, 'rev-parse', 'HEAD');

    saveByRename(file('triage'), text);
    fs.writeFileSync(file('triage'), text);
    await pause(400);

    expect(context.dispatcher.flows.get('triage')).toBe(compiledBefore);
    expect(context.board.get('triage')).toEqual(statusBefore);
    expect(auditRows(context.db)).toEqual([]);
    expect(git(service.dir, 'rev-parse', 'HEAD')).toBe(headBefore);
  });

  test('reformatted file keeps the flow', async () => {
    const { service, context, file } = await start({ triage: flowDoc('triage') });
    const compiled = context.dispatcher.flows.get('triage');
    const status = context.board.get('triage')!;

    saveByRename(file('triage'), `${JSON.stringify(flowDoc('triage'))}\n`);
    const [row] = await waitFor(() => {
      const rows = auditRows(context.db, 'triage');
      return rows.length > 0 && rows;
    }, 'the audit row');

    expect(context.dispatcher.flows.get('triage')).toBe(compiled);
    expect(context.board.get('triage')).toMatchObject({ state: status.state, reason: status.reason, since: status.since });
    expect(context.board.get('triage')!.observed_version).not.toBe(status.observed_version);
    expect(row.action).toBe('hand_edit');
    expect(row.diff).not.toMatch(/^[+-] /m);
    expect(row.commit).toBe(git(service.dir, 'rev-parse', 'HEAD'));
  });

  test('run in progress keeps its version', async () => {
    const slow = (description: string) => flowDoc('slow', {
      description,
      nodes: {
        opened: { type: 'trigger.webhook', args: { events: ['issues.opened'] } },
        wait: { type: 'exec.command', inputs: { event: 'opened.event' }, args: { command: 'pause' } },
      },
    });
    const { service, context, file } = await start({ slow: slow('first') }, {
      ...HAND_EDITOR, commands: { pause: { argv: ['sleep', '1'], timeout_ms: 10_000 } },
    });
    const firstVersion = context.dispatcher.flows.get('slow')!.version;

    const first = await postDelivery(service.url, { source: 'github', type: 'issues', payload: examplePayload('issues', 'opened') });
    const firstRun = first.body.runs[0].run as string;
    await waitFor(async () => (await service.request('GET', `/runs/${firstRun}`)).body.status === 'running', 'the first run to start');

    saveByRename(file('slow'), flowText(slow('second')));
    const secondVersion = await waitFor(() => {
      const version = context.dispatcher.flows.get('slow')!.version;
      return version !== firstVersion && version;
    }, 'the second version to serve');
    const second = await postDelivery(service.url, { source: 'github', type: 'issues', payload: examplePayload('issues', 'opened') });

    const firstRecord = await service.waitForRun(firstRun);
    const secondRecord = await service.waitForRun(second.body.runs[0].run);
    expect(firstRecord.status).toBe('succeeded');
    expect(firstRecord.flow_version).toBe(firstVersion);
    expect(secondRecord.flow_version).toBe(secondVersion);
  });
});
