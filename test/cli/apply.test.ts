import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { git } from '../helpers/git-repo.js';
import { startMockServer } from '../helpers/mock-server.js';
import { removeDir, startTestService, TEST_TOKEN, type TestService } from '../helpers/service.js';
import { startProxy } from './proxy.js';
import { buildCli, repoRoot, runCli } from './run-cli.js';

function triageFlow(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'triage',
    name: 'Triage',
    nodes: {
      opened: { type: 'trigger.webhook', args: { events: ['issues.opened'] } },
      log: { type: 'log.emit', inputs: { value: 'opened.event' }, args: { message: 'new issue' } },
    },
    ...overrides,
  };
}

let service: TestService;
let work: string;
let env: Record<string, string>;

function writeFlow(name: string, flow: unknown): string {
  const file = path.join(work, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, typeof flow === 'string' ? flow : `${JSON.stringify(flow, null, 2)}\n`);
  return name;
}

function commitCount(): number {
  return Number(git(service.dir, 'rev-list', '--count', 'HEAD'));
}

async function servedFlow(id: string): Promise<Record<string, any> | undefined> {
  const answer = await service.request('GET', `/flows/${id}`);
  return answer.status === 200 ? answer.body.flow : undefined;
}

beforeAll(async () => {
  await buildCli();
}, 120_000);

beforeEach(async () => {
  service = await startTestService();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'hookflow-apply-'));
  env = { HOOKFLOW_URL: service.url, HOOKFLOW_OPERATOR_TOKEN: TEST_TOKEN };
});

afterEach(async () => {
  await service.close();
  removeDir(service.dir);
  removeDir(work);
});

describe('hookflow apply', { timeout: 30_000 }, () => {
  it('creates a flow that does not exist', async () => {
    const file = writeFlow('triage.json', triageFlow());
    const commits = commitCount();

    const result = await runCli(['apply', file], { cwd: work, env });

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^created triage \(triage\.json\)/);
    expect(await servedFlow('triage')).toMatchObject({ id: 'triage', name: 'Triage' });
    expect(commitCount()).toBe(commits + 1);
  });

  it('leaves an equal flow unchanged without a commit', async () => {
    const file = writeFlow('triage.json', triageFlow());
    expect((await runCli(['apply', file], { cwd: work, env })).code).toBe(0);
    const commits = commitCount();
    const audit = await service.request('GET', '/flows/triage/audit');

    const result = await runCli(['apply', file], { cwd: work, env });

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('unchanged triage (triage.json)\n');
    expect(commitCount()).toBe(commits);
    expect((await service.request('GET', '/flows/triage/audit')).body).toEqual(audit.body);
  });

  it('treats spelled-out defaults as unchanged', async () => {
    expect((await runCli(['apply', writeFlow('triage.json', triageFlow())], { cwd: work, env })).code).toBe(0);
    const commits = commitCount();
    const explicit = triageFlow({ source: 'operator', enabled: true, priority: 0, budget: { mutating_calls: 20, window_seconds: 3600 } });

    const result = await runCli(['apply', writeFlow('explicit/triage.json', explicit)], { cwd: work, env });

    expect(result.stdout).toBe('unchanged triage (explicit/triage.json)\n');
    expect(commitCount()).toBe(commits);
  });

  it('updates an edited flow and prints a diff', async () => {
    const file = writeFlow('triage.json', triageFlow());
    expect((await runCli(['apply', file], { cwd: work, env })).code).toBe(0);
    const commits = commitCount();
    writeFlow('triage.json', triageFlow({ priority: 5, name: undefined, description: 'Sorts new issues.' }));

    const result = await runCli(['apply', file], { cwd: work, env });

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^updated triage \(triage\.json\)/);
    expect(result.stdout).toContain('--- triage on the server');
    expect(result.stdout).toContain('+++ triage.json');
    expect(result.stdout).toContain('-  "priority": 0,');
    expect(result.stdout).toContain('+  "priority": 5,');
    expect(result.stdout).toContain('-  "name": "Triage",');
    expect(result.stdout).toContain('+  "description": "Sorts new issues.",');
    const served = await servedFlow('triage');
    expect(served?.priority).toBe(5);
    expect(served?.description).toBe('Sorts new issues.');
    expect(served).not.toHaveProperty('name');
    expect(commitCount()).toBe(commits + 1);
  });

  it('refuses to overwrite a concurrent change', async () => {
    const file = writeFlow('triage.json', triageFlow());
    expect((await runCli(['apply', file], { cwd: work, env })).code).toBe(0);
    writeFlow('triage.json', triageFlow({ priority: 5 }));
    // Another operator changes the flow after the CLI has read it and before it writes.
    const proxy = await startProxy(service.url, async (request) => {
      if (request.method !== 'PATCH') return;
      const other = await service.request('PATCH', '/flows/triage', { body: { priority: 9 }, headers: { 'content-type': 'application/merge-patch+json' } });
      expect(other.status).toBe(200);
    });

    try {
      const result = await runCli(['apply', file], { cwd: work, env: { ...env, HOOKFLOW_URL: proxy.url } });

      expect(result.code).toBe(1);
      expect(result.stderr).toContain('conflict: flow triage changed on the server after apply read it');
      expect(result.stderr).toContain('nothing was written');
      expect(result.stdout).not.toContain('updated');
      expect((await servedFlow('triage'))?.priority).toBe(9);
    } finally {
      await proxy.close();
    }
  });

  it('sends no request for an invalid file', async () => {
    const recorder = await startMockServer();
    const file = writeFlow('triage.json', triageFlow({ priority: 'high' }));

    try {
      const result = await runCli(['apply', file], { cwd: work, env: { ...env, HOOKFLOW_URL: recorder.url } });

      expect(result.code).toBe(1);
      expect(result.stderr).toContain('failed triage.json: invalid flow file, nothing sent');
      expect(result.stderr).toMatch(/triage\.json:\d+:\d+: FLOW_SCHEMA .*priority/);
      expect(recorder.requests).toHaveLength(0);
    } finally {
      await recorder.close();
    }
  });

  it('applies the valid files beside an invalid one', async () => {
    const good = writeFlow('flows/triage.json', triageFlow());
    const bad = writeFlow('flows/broken.json', '{ "id": "broken", ');

    const result = await runCli(['apply', 'flows'], { cwd: work, env });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`failed ${bad}: invalid flow file, nothing sent`);
    expect(result.stdout).toContain(`created triage (${good})`);
    expect(result.stdout).toContain('1 created, 0 updated, 0 unchanged, 1 failed');
    expect(await servedFlow('triage')).toBeDefined();
  });

  it('writes nothing with --dry-run', async () => {
    const existing = writeFlow('flows/triage.json', triageFlow());
    expect((await runCli(['apply', existing], { cwd: work, env })).code).toBe(0);
    writeFlow('flows/triage.json', triageFlow({ priority: 3 }));
    writeFlow('flows/fresh.json', triageFlow({ id: 'fresh' }));
    const commits = commitCount();

    const result = await runCli(['apply', '--dry-run', 'flows'], { cwd: work, env });

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('would create fresh (flows/fresh.json)');
    expect(result.stdout).toContain('would update triage (flows/triage.json)');
    expect(result.stdout).toContain('+  "priority": 3,');
    expect(result.stdout).toContain('1 to create, 1 to update, 0 unchanged, 0 failed');
    expect(commitCount()).toBe(commits);
    expect(await servedFlow('fresh')).toBeUndefined();
    expect((await servedFlow('triage'))?.priority).toBe(0);
  });

  it('explains that default flows are forked', async () => {
    const shipped = await servedFlow('acknowledge-new-issues');
    expect(shipped?.source).toBe('default');
    const edited = { ...shipped, source: 'operator', priority: 50 };
    const commits = commitCount();

    const result = await runCli(['apply', writeFlow('acknowledge-new-issues.json', edited)], { cwd: work, env });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('acknowledge-new-issues is a default flow: defaults are forked, not edited');
    expect(result.stderr).toContain('"id": "my-acknowledge-new-issues"');
    expect(commitCount()).toBe(commits);
  });

  it('leaves an unedited default flow unchanged', async () => {
    const shipped = await servedFlow('acknowledge-new-issues');

    const result = await runCli(['apply', writeFlow('acknowledge-new-issues.json', shipped)], { cwd: work, env });

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('unchanged acknowledge-new-issues (acknowledge-new-issues.json)\n');
  });

  it('runs through just flows-apply', async () => {
    const file = writeFlow('flows/triage.json', triageFlow());
    const just = path.join(repoRoot, 'node_modules', '.bin', 'just');

    const result = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(just, ['--justfile', path.join(repoRoot, 'justfile'), 'flows-apply', file], { cwd: work, env: { ...process.env, ...env } }, (error, stdout) => {
        resolve({ code: error ? Number(error.code) : 0, stdout });
      });
    });

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('created triage (flows/triage.json), version ' + (await service.request('GET', '/flows/triage')).body.version + '\n');
  });

  it('reports a server that is down', async () => {
    const closed = await startMockServer();
    await closed.close();
    const file = writeFlow('triage.json', triageFlow());

    const result = await runCli(['apply', file], { cwd: work, env: { ...env, HOOKFLOW_URL: closed.url } });

    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`cannot reach hookflow at ${closed.url}: is it running? (hookflow serve)`);
  });

  it('reports a wrong token', async () => {
    const file = writeFlow('triage.json', triageFlow());

    const result = await runCli(['apply', file], { cwd: work, env: { ...env, HOOKFLOW_OPERATOR_TOKEN: 'wrong' } });

    expect(result.code).toBe(3);
    expect(result.stderr).toContain('the server rejected the operator token');
    expect(result.stderr).toContain('token from $HOOKFLOW_OPERATOR_TOKEN');
    expect(await servedFlow('triage')).toBeUndefined();
  });
});
