import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/main.js';
import { removeDir, startTestService, TEST_TOKEN, type TestService } from '../helpers/service.js';
import { examplePayload } from '../helpers/webhooks.js';
import { buildCli, runCli } from './run-cli.js';

const triage = {
  id: 'triage',
  name: 'Triage new issues',
  priority: 10,
  nodes: {
    opened: { type: 'trigger.webhook', args: { events: ['issues.opened'] } },
    thanks: { type: 'text.template', inputs: { event: 'opened.event' }, args: { template: 'Thanks @{{payload.sender.login}}' } },
    reply: { type: 'forge.comment', inputs: { event: 'opened.event', body: 'thanks.text' } },
  },
};

const spare = {
  id: 'spare',
  nodes: {
    pushed: { type: 'trigger.webhook', args: { events: ['push'] } },
    log: { type: 'log.emit', inputs: { value: 'pushed.event' }, args: { message: 'pushed' } },
  },
};

let service: TestService;
let work: string;
let env: Record<string, string>;

function cli(args: string[], extraEnv: Record<string, string> = {}) {
  return runCli(args, { cwd: work, env: { ...env, ...extraEnv } });
}

beforeAll(async () => {
  await buildCli();
  service = await startTestService({
    flows: { triage, spare },
    config: { forges: { hub: { kind: 'github', base_url: 'http://127.0.0.1:9' } } },
  });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'hookflow-cli-'));
  env = { HOOKFLOW_URL: service.url, HOOKFLOW_OPERATOR_TOKEN: TEST_TOKEN };
}, 120_000);

afterAll(async () => {
  await service?.close();
  if (service) removeDir(service.dir);
  if (work) removeDir(work);
});

describe('hookflow list and get', { timeout: 30_000 }, () => {
  it('lists flows by priority', async () => {
    const result = await cli(['list']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+STATE\s+SOURCE\s+PRIORITY\s+GROUP\s+VERSION\s+NAME$/);
    expect(lines[1]).toMatch(/^triage\s+active\s+operator\s+10\s+-\s+[0-9a-f]{16}\s+Triage new issues$/);
    expect(lines[2]).toMatch(/^spare\s+active\s+operator\s+0\s/);
  });

  it('lists flows as JSON', async () => {
    const result = await cli(['list', '--json']);
    expect(result.code).toBe(0);
    const ids = JSON.parse(result.stdout).flows.map((flow: { id: string }) => flow.id);
    expect(ids.sort()).toEqual(['spare', 'triage']);
  });

  it('prints a flow as a flow file', async () => {
    const result = await cli(['get', 'triage']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject(triage);
    expect(result.stderr).toBe('');
  });

  it('prints flow, version and status with --json', async () => {
    const result = await cli(['get', '--json', 'triage']);
    const answer = JSON.parse(result.stdout);
    expect(answer.flow.id).toBe('triage');
    expect(answer.version).toMatch(/^[0-9a-f]{16}$/);
    expect(answer.status.state).toBe('active');
  });

  it('reports an unknown flow', async () => {
    const result = await cli(['get', 'nothing-here']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^hookflow get: GET \/flows\/nothing-here: .*nothing-here.* \(404 FLOW_NOT_FOUND\)/);
  });
});

describe('hookflow enable, disable, delete', { timeout: 30_000 }, () => {
  it('disables and enables a flow', async () => {
    const disabled = await cli(['disable', 'spare']);
    expect(disabled.code).toBe(0);
    expect(disabled.stdout).toMatch(/^disabled spare/);
    expect((await service.request('GET', '/flows/spare')).body.flow.enabled).toBe(false);

    const again = await cli(['disable', 'spare']);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('spare was disabled already; nothing written\n');

    const enabled = await cli(['enable', 'spare']);
    expect(enabled.stdout).toMatch(/^enabled spare/);
    expect((await service.request('GET', '/flows/spare')).body.flow.enabled).toBe(true);
  });

  it('shows the history and the audit of a flow', async () => {
    await cli(['disable', 'spare']);
    await cli(['enable', 'spare']);

    const history = await cli(['history', 'spare']);
    expect(history.code).toBe(0);
    const lines = history.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^COMMIT\s+DATE\s+AUTHOR\s+ACTION\s+SUBJECT$/);
    expect(lines[1]).toMatch(/^[0-9a-f]{10}\s+\S+\s+.*\benable\b/);
    expect(lines.length).toBeGreaterThanOrEqual(3);

    const audit = await cli(['audit', 'spare']);
    expect(audit.code).toBe(0);
    expect(audit.stdout).toMatch(/^ID\s+AT\s+ACTION\s+OPERATOR\s+COMMIT/);
    expect(audit.stdout).toMatch(/\benable\b/);
    expect(audit.stdout).toMatch(/\bdisable\b/);

    const withDiff = await cli(['audit', '--diff', 'spare']);
    expect(withDiff.stdout).toContain('-  "enabled": false');
  });

  it('deletes a flow', async () => {
    await service.request('POST', '/flows', { body: { ...spare, id: 'doomed' } });

    const result = await cli(['delete', 'doomed']);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('deleted doomed\n');
    expect((await service.request('GET', '/flows/doomed')).status).toBe(404);
  });
});

describe('hookflow dry-run', { timeout: 30_000 }, () => {
  function writeJson(name: string, value: unknown): string {
    fs.writeFileSync(path.join(work, name), JSON.stringify(value));
    return name;
  }

  it('prints the trace as a table', async () => {
    const event = writeJson('event.json', { source: 'github', type: 'issues', payload: examplePayload('issues', 'opened') });

    const result = await cli(['dry-run', 'triage', '--event', event]);

    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^flow triage \(version [0-9a-f]{16}\) for issues\.opened would be selected$/);
    expect(lines[1]).toBe('the run would end with status succeeded');
    expect(result.stdout).toMatch(/NODE\s+TYPE\s+STATUS\s+DURATION\s+EFFECT \/ ERROR/);
    expect(result.stdout).toMatch(/opened\s+trigger\.webhook\s+ok\s+/);
    expect(result.stdout).toMatch(/reply\s+forge\.comment\s+simulated\s+[\d.]+ ms\s+POST http:\/\/127\.0\.0\.1:9\/repos\/.+\/comments/);
    expect(result.stdout).toContain('effects: 1 (1 mutating)');
    expect(result.stdout).toMatch(/budget: would spend 1 of 20 mutating calls left/);
  });

  it('takes a raw payload with --type', async () => {
    const payload = writeJson('payload.json', examplePayload('issues', 'opened'));

    const result = await cli(['dry-run', 'triage', '--event', payload, '--type', 'issues', '--json']);

    expect(result.code).toBe(0);
    const answer = JSON.parse(result.stdout);
    expect(answer.selected).toBe(true);
    expect(answer.trace.map((entry: { node: string }) => entry.node)).toEqual(['opened', 'thanks', 'reply']);
  });

  it('says why a flow is not selected', async () => {
    const event = writeJson('push.json', { type: 'push', payload: examplePayload('push') });

    const result = await cli(['dry-run', 'triage', '--event', event]);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^flow triage \(version [0-9a-f]{16}\) for push would not be selected: .+/);
  });

  it('runs an unsaved flow file', async () => {
    const event = writeJson('event.json', { source: 'github', type: 'issues', payload: examplePayload('issues', 'opened') });
    const draft = writeJson('draft.json', { ...triage, id: 'draft', priority: 99 });

    const result = await cli(['dry-run', draft, '--event', event]);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^flow draft \(version [0-9a-f]{16}\) for issues\.opened would be selected$/m);
    expect((await service.request('GET', '/flows/draft')).status).toBe(404);
  });

  it('rejects an invalid unsaved flow before sending it', async () => {
    const event = writeJson('event.json', { source: 'github', type: 'issues', payload: {} });
    const draft = writeJson('draft.json', { ...triage, id: 'draft', priority: 'high' });

    const result = await cli(['dry-run', draft, '--event', event]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('draft.json is invalid, nothing sent');
    expect(result.stderr).toMatch(/draft\.json:1:\d+: FLOW_SCHEMA .*priority/);
  });

  it('asks for --type when the file is a raw payload', async () => {
    const payload = writeJson('raw.json', examplePayload('issues', 'opened'));

    const result = await cli(['dry-run', 'triage', '--event', payload]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('pass --type');
  });
});

describe('hookflow status', { timeout: 30_000 }, () => {
  it('reports a ready service', async () => {
    const result = await cli(['status']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`hookflow at ${service.url}: ready`);
    expect(result.stdout).toMatch(/flows: \d+ active/);
  });
});

describe('hookflow check', { timeout: 30_000 }, () => {
  it('reports consistent files, git and audit', async () => {
    const result = await cli(['check']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^consistent: checked \d+ flow files, \d+ commits/);
  });

  it('reports a leftover temporary file', async () => {
    // The name an interrupted atomic write leaves behind; the reconcile loop ignores it.
    const leftover = path.join(service.flowsDir, '.spare.json.0123456789ab.hookflow-tmp');
    fs.writeFileSync(leftover, '{');
    try {
      const result = await cli(['check']);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^1 problem found/);
      expect(result.stdout).toMatch(/temp_file\s+\.spare\.json\.0123456789ab\.hookflow-tmp\s+-\s+.*interrupted write/);
    } finally {
      fs.rmSync(leftover);
    }
  });
});

describe('server and token options', { timeout: 30_000 }, () => {
  it('reads the token from the data folder', async () => {
    fs.mkdirSync(path.join(work, 'state'), { recursive: true });
    fs.writeFileSync(path.join(work, 'state', 'operator-token'), `${TEST_TOKEN}\n`);

    const result = await runCli(['list', '--data-dir', 'state'], { cwd: work, env: { HOOKFLOW_URL: service.url } });

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('triage');
  });

  it('prefers --token-file over the environment', async () => {
    fs.writeFileSync(path.join(work, 'token'), TEST_TOKEN);

    const result = await cli(['list', '--token-file', 'token'], { HOOKFLOW_OPERATOR_TOKEN: 'stale' });

    expect(result.code).toBe(0);
  });

  it('takes the server from --url', async () => {
    const result = await runCli(['list', '--url', service.url], { cwd: work, env: { HOOKFLOW_OPERATOR_TOKEN: TEST_TOKEN } });
    expect(result.code).toBe(0);
  });

  it('says where the token was looked for', async () => {
    const result = await runCli(['list'], { cwd: work, env: { HOOKFLOW_URL: service.url } });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('no operator token was found, so none was sent: no --token-file, $HOOKFLOW_OPERATOR_TOKEN unset, data/operator-token missing');
  });

  it('rejects a URL that is not http', async () => {
    const result = await cli(['list', '--url', 'ftp://example.test']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('must start with http:// or https://');
  });
});

describe('help', { timeout: 60_000 }, () => {
  it('prints help for every command', async () => {
    for (const command of COMMANDS) {
      const result = await cli([command.name, '--help']);
      expect(result.code, command.name).toBe(0);
      expect(result.stdout, command.name).toMatch(new RegExp(`^Usage: hookflow ${command.name}`));
    }
  });

  it('lists every command', async () => {
    const result = await cli(['--help']);
    expect(result.code).toBe(0);
    for (const command of COMMANDS) expect(result.stdout).toContain(`  ${command.name} `);
  });

  it('exits 2 on an unknown command', async () => {
    const result = await cli(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command "frobnicate"');
  });
});

describe('hookflow run', { timeout: 30_000 }, () => {
  it('prints a run with its trace table', async () => {
    const response = await fetch(`${service.url}/webhooks/github`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': 'cli-run-1' },
      body: JSON.stringify(examplePayload('push')),
    });
    const runId = (await response.json()).runs[0].run;
    await service.waitForRun(runId);

    const result = await cli(['run', runId]);

    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^run ${runId}: flow spare \\(version [0-9a-f]{16}\\) for github push, delivery cli-run-1$`));
    expect(lines[1]).toMatch(/^status succeeded in [\d.]+ ms; queued \S+, finished \S+$/);
    expect(lines[3]).toMatch(/^NODE\s+TYPE\s+STATUS\s+DURATION\s+EFFECT \/ ERROR$/);
    expect(lines[4]).toMatch(/^pushed\s+trigger\.webhook\s+ok\s/);
    expect(lines[5]).toMatch(/^log\s+log\.emit\s+ok\s/);
  });

  it('says when the run does not exist', async () => {
    const result = await cli(['run', 'no-such-run']);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no run has id no-such-run (404 RUN_NOT_FOUND)');
  });
});
