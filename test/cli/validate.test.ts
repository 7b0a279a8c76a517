import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, repoRoot, runCli } from './run-cli.js';

const validFlow = {
  id: 'greet',
  nodes: {
    opened: { type: 'trigger.webhook', args: { events: ['issues.opened'] } },
    log: { type: 'log.emit', inputs: { value: 'opened.event' }, args: { message: 'hello' } },
  },
};

const invalidText = `{
  "id": "broken",
  "priority": "high",
  "nodes": {
    "opened": { "type": "trigger.webhook", "args": { "events": ["issues.opened"] } },
    "odd": { "type": "no.such.type" },
    "log": { "type": "log.emit", "inputs": { "value": "ghost.event" }, "args": { "message": "m" } }
  }
}
`;

let dir: string;

beforeAll(async () => {
  await buildCli();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookflow-validate-'));
  fs.mkdirSync(path.join(dir, 'flows'));
  fs.writeFileSync(path.join(dir, 'flows', 'greet.json'), JSON.stringify(validFlow, null, 2));
  fs.writeFileSync(path.join(dir, 'flows', 'broken.json'), invalidText);
  fs.writeFileSync(path.join(dir, 'flows', 'notes.txt'), 'not a flow');
  fs.writeFileSync(path.join(dir, 'syntax.json'), '{\n  "id": "syntax",\n  "nodes": {,}\n}\n');
  fs.writeFileSync(path.join(dir, 'renamed.json'), JSON.stringify(validFlow, null, 2));
}, 120_000);

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('hookflow validate', () => {
  it('accepts a valid file silently', async () => {
    const result = await runCli(['validate', 'flows/greet.json'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('1 file checked, all valid');
  });

  it('accepts the shipped default flows', async () => {
    const result = await runCli(['validate', path.join(repoRoot, 'flows.d')], { cwd: dir });
    expect(result.stderr).toContain('all valid');
    expect(result.code).toBe(0);
  });

  it('prints every problem as file:line:column', async () => {
    const result = await runCli(['validate', 'flows/broken.json'], { cwd: dir });
    expect(result.code).toBe(1);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines).toContainEqual(expect.stringMatching(/^flows\/broken\.json:3:3: FLOW_SCHEMA .*priority/));
    expect(lines).toContainEqual(expect.stringMatching(/^flows\/broken\.json:6:14: FLOW_UNKNOWN_NODE_TYPE .*no\.such\.type/));
    expect(lines).toContainEqual(expect.stringMatching(/^flows\/broken\.json:7:46: FLOW_UNKNOWN_INPUT_NODE .*ghost/));
    expect(result.stderr).toContain('1 invalid (3 problems)');
  });

  it('places a JSON syntax error', async () => {
    const result = await runCli(['validate', 'syntax.json'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^syntax\.json:3:13: FLOW_JSON_SYNTAX /);
  });

  it('checks the file name against the id', async () => {
    const result = await runCli(['validate', 'renamed.json'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^renamed\.json:2:3: FLOW_FILE_NAME .*"greet\.json"/);
  });

  it('expands a folder to its json files', async () => {
    const result = await runCli(['validate', 'flows'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('flows/broken.json:');
    expect(result.stdout).not.toContain('notes.txt');
    expect(result.stderr).toContain('2 files checked, 1 invalid');
  });

  it('reports a missing file', async () => {
    const result = await runCli(['validate', 'flows/greet.json', 'nowhere.json'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('nowhere.json:1:1: FILE_UNREADABLE Cannot read the file: no such file or folder.\n');
  });

  it('prints problems as JSON with --json', async () => {
    const result = await runCli(['validate', '--json', 'syntax.json', 'flows/greet.json'], { cwd: dir });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.files).toBe(2);
    expect(report.problems).toEqual([
      expect.objectContaining({ file: 'syntax.json', line: 3, column: 13, code: 'FLOW_JSON_SYNTAX', path: '' }),
    ]);
  });

  it('exits 2 without a file', async () => {
    const result = await runCli(['validate'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('expected at least 1 argument, got 0');
  });

  it('exits 2 on an unknown option', async () => {
    const result = await runCli(['validate', '--strict', 'flows'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Unknown option '--strict'");
  });

  it('writes no colour codes to a pipe', async () => {
    const result = await runCli(['validate', 'flows'], { cwd: dir });
    expect(result.stdout + result.stderr).not.toContain('\u001b[');
  });
});
