import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shippedFlowsDir } from '../../src/paths.js';
import { startMockServer, type MockServer } from '../helpers/mock-server.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { examplePayload, postDelivery } from '../helpers/webhooks.js';

const shipped = Object.fromEntries(
  fs.readdirSync(shippedFlowsDir).filter((name) => name.endsWith('.json'))
    .map((name) => [path.basename(name, '.json'), fs.readFileSync(path.join(shippedFlowsDir, name), 'utf8')]),
);

/** An agent stand-in: prints its arguments and what it read on stdin. */
const AGENT_SCRIPT = "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>process.stdout.write('agent for '+process.argv.slice(1).join(' ')+': '+s.trim()))";

describe('default flows', () => {
  let forge: MockServer;
  let hookflow: TestService;

  beforeAll(async () => {
    forge = await startMockServer(() => ({ status: 201, body: { id: 7 } }));
    const agentFork = JSON.parse(shipped['answer-mentions-with-agent']);
    hookflow = await startTestService({
      flows: {
        ...shipped,
        'agent-replies': { ...agentFork, id: 'agent-replies', source: 'operator', enabled: true, priority: 10 },
      },
      config: {
        forges: { hub: { kind: 'github', base_url: forge.url, token_env: 'DEFAULTS_TOKEN' } },
        commands: { agent: { argv: [process.execPath, '-e', AGENT_SCRIPT] } },
      },
      env: { DEFAULTS_TOKEN: 'token' },
    });
  });

  afterAll(async () => {
    await hookflow?.close();
    await forge?.close();
  });

  it('all load as valid default flows', () => {
    for (const id of Object.keys(shipped)) {
      const served = hookflow.service.context.dispatcher.flows.get(id);
      expect(served?.flow.source, id).toBe('default');
    }
  });

  it('acknowledge a new issue opened by a person', async () => {
    const payload = examplePayload('issues', 'opened');
    payload.sender.type = 'User';
    const answer = await postDelivery(hookflow.url, { source: 'github', type: 'issues', payload });

    expect(answer.body.runs.map((r: any) => r.flow)).toEqual(['acknowledge-new-issues']);
    expect((await hookflow.waitForRun(answer.body.runs[0].run)).status).toBe('succeeded');
    const comment = JSON.parse(forge.requests.at(-1)!.body).body;
    expect(comment).toBe(`Thanks for opening this issue, @${payload.sender.login}. A maintainer will look at it soon.`);
  });

  it('leave an issue opened by a bot alone', async () => {
    const payload = examplePayload('issues', 'opened');
    payload.sender.type = 'Bot';
    const before = forge.requests.length;
    const answer = await postDelivery(hookflow.url, { source: 'github', type: 'issues', payload });

    expect((await hookflow.waitForRun(answer.body.runs[0].run)).status).toBe('halted');
    expect(forge.requests.length).toBe(before);
  });

  it('hand a mention to the agent through an enabled fork, which claims the mutex group', async () => {
    const payload = examplePayload('issue_comment', 'created');
    payload.sender.type = 'User';
    payload.comment.body = '@hookflow why does this fail?';
    const answer = await postDelivery(hookflow.url, { source: 'github', type: 'issue_comment', payload });

    expect(answer.body.runs.map((r: any) => r.flow)).toEqual(['agent-replies']);
    const run = await hookflow.waitForRun(answer.body.runs[0].run);
    expect(run.error).toBeNull();
    const comment = JSON.parse(forge.requests.at(-1)!.body).body;
    expect(comment).toBe(`agent for ${payload.repository.full_name} ${payload.issue.number}: @hookflow why does this fail?`);
  });
});
