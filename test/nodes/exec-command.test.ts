import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CommandConfig } from '../../src/config/model.js';
import { execCommand } from '../../src/nodes/exec-command.js';
import { exampleEvent } from '../helpers/events.js';
import { dryRunContext, realContext, type ContextOptions } from '../helpers/node-context.js';

const node = process.execPath;
const workDir = realpathSync(mkdtempSync(join(tmpdir(), 'hookflow-exec-')));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const commands: Record<string, CommandConfig> = {
  args: { argv: [node, '-e', 'process.stdout.write(JSON.stringify(process.argv.slice(1)))', '--'], timeout_ms: 5000 },
  upper: { argv: [node, '-e', "process.stdin.setEncoding('utf8'); let s=''; process.stdin.on('data', (d) => s += d).on('end', () => process.stdout.write(s.toUpperCase()))"], timeout_ms: 5000 },
  fail: { argv: [node, '-e', "process.stdout.write('partial'); process.exit(3)"], timeout_ms: 5000 },
  hang: { argv: [node, '-e', 'setTimeout(() => {}, 60000)'], timeout_ms: 300 },
  slow_config: { argv: [node, '-e', 'setTimeout(() => {}, 60000)'], timeout_ms: 60000 },
  flood: { argv: [node, '-e', "process.stdout.write('x'.repeat(3 * 1024 * 1024))"], timeout_ms: 5000 },
  pwd: { argv: [node, '-e', 'process.stdout.write(process.cwd())'], cwd: workDir, timeout_ms: 5000 },
  // Starts a grandchild that writes its pid to a file and shares the output pipes.
  group: {
    argv: [node, '-e', "const c = require('child_process').spawn(process.execPath, ['-e', 'require(\"fs\").writeFileSync(process.argv[1], String(process.pid)); setTimeout(() => {}, 60000)', process.argv[1]], { stdio: 'inherit' }); setTimeout(() => {}, 60000)", join(workDir, 'grandchild.pid')],
    timeout_ms: 1000,
  },
  missing: { argv: [join(workDir, 'no-such-program')], timeout_ms: 5000 },
};

const event = exampleEvent('issues', 'opened');

/**
 * Returns whether a process is alive. A killed process whose new parent (PID 1 in some containers)
 * never reaps it stays a zombie, which `kill(pid, 0)` still finds, so the state comes from /proc.
 */
function isRunning(pid: number): boolean {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

function options(args: Record<string, unknown>, inputs: Record<string, unknown> = {}): ContextOptions {
  return { args, event, inputs: { event, ...inputs }, config: { commands } };
}

async function exec(args: Record<string, unknown>, inputs: Record<string, unknown> = {}) {
  const context = realContext(execCommand, options(args, inputs));
  const result = await execCommand.run(context.ctx);
  return { ...context, outputs: (result as { outputs: Record<string, unknown> }).outputs };
}

describe('exec.command', () => {
  it('appends rendered argv templates as separate arguments', async () => {
    const { outputs, effects } = await exec({ command: 'args', argv: ['{{repository}}', 'title: {{payload.issue.title}}', '<&>'] });

    expect(JSON.parse(outputs.stdout as string)).toEqual(['Codertocat/Hello-World', 'title: Spelling error in the README file', '<&>']);
    expect(outputs.exit_code).toBe(0);
    expect(effects).toEqual([{
      kind: 'exec',
      mutating: true,
      command: 'args',
      argv: [...commands.args.argv, 'Codertocat/Hello-World', 'title: Spelling error in the README file', '<&>'],
      cwd: undefined,
    }]);
  });

  it('passes no shell: arguments with shell syntax stay literal', async () => {
    const { outputs } = await exec({ command: 'args', argv: ['$(echo hi); rm -rf x | cat'] });
    expect(JSON.parse(outputs.stdout as string)).toEqual(['$(echo hi); rm -rf x | cat']);
  });

  it('feeds the stdin input to the command', async () => {
    const { outputs } = await exec({ command: 'upper' }, { stdin: 'hello stdin' });
    expect(outputs).toEqual({ stdout: 'HELLO STDIN', exit_code: 0 });
  });

  it('outputs a non-zero exit code without failing', async () => {
    const { outputs } = await exec({ command: 'fail' });
    expect(outputs).toEqual({ stdout: 'partial', exit_code: 3 });
  });

  it('runs in the configured cwd', async () => {
    const { outputs, effects } = await exec({ command: 'pwd' });
    expect(outputs.stdout).toBe(workDir);
    expect(effects[0].cwd).toBe(workDir);
  });

  it('kills the command at the configured timeout', async () => {
    const started = Date.now();
    await expect(exec({ command: 'hang' })).rejects.toThrow('command hang timed out after 300 ms and was killed');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('kills what the command started at the timeout', async () => {
    await expect(exec({ command: 'group' })).rejects.toThrow('command group timed out after 1000 ms');
    const pid = Number(readFileSync(join(workDir, 'grandchild.pid'), 'utf8'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(isRunning(pid)).toBe(false);
  });

  it('uses a shorter timeout from the args', async () => {
    await expect(exec({ command: 'slow_config', timeout_ms: 200 })).rejects.toThrow('command slow_config timed out after 200 ms');
  });

  it('caps the args timeout at the configured one', async () => {
    await expect(exec({ command: 'hang', timeout_ms: 50_000 })).rejects.toThrow('timed out after 300 ms');
  });

  it('keeps the first MiB of stdout', async () => {
    const { outputs, logs } = await exec({ command: 'flood' });
    expect(outputs.stdout).toBe('x'.repeat(1024 * 1024));
    expect(outputs.exit_code).toBe(0);
    expect(logs.some((line) => line.level === 40 && /over 1 MiB/.test(line.msg))).toBe(true);
  });

  it('fails for a command that is not configured', async () => {
    await expect(exec({ command: 'nope' })).rejects.toThrow('command "nope" is not configured: add commands.nope to the config');
  });

  it('fails when the program cannot start', async () => {
    await expect(exec({ command: 'missing' })).rejects.toThrow(/command missing failed to start: .*ENOENT/);
  });

  it('records the effect in a dry run without running', async () => {
    const { ctx, effects } = dryRunContext(execCommand, options({ command: 'pwd' }));
    expect(await execCommand.run(ctx)).toEqual({ outputs: { stdout: '', exit_code: 0 } });
    expect(effects).toEqual([{ kind: 'exec', mutating: true, command: 'pwd', argv: commands.pwd.argv, cwd: workDir }]);
  });
});
