import type { HookEvent } from '../flow/model.js';
import { eventView, renderTemplate } from './render-template.js';
import { runCommand } from './run-command.js';
import type { Effect, NodeType } from './types.js';

interface ExecOutputs {
  stdout: string;
  exit_code: number;
}

/** Dry runs output empty stdout and exit code 0: nothing ran. */
const SIMULATED: ExecOutputs = { stdout: '', exit_code: 0 };

export const execCommand: NodeType = {
  type: 'exec.command',
  description: 'Runs a command from config commands without a shell, with rendered argv appended and the optional stdin input, and outputs its stdout (first 1 MiB) and its exit code, which is output rather than failing the node when non-zero.',
  mutating: true,
  inputs: { stdin: { type: 'text' }, event: { type: 'event', required: true } },
  outputs: { stdout: 'text', exit_code: 'number' },
  args: {
    type: 'object',
    additionalProperties: false,
    required: ['command'],
    properties: {
      command: { type: 'string', minLength: 1, description: 'Name of a command under commands in the config; never a shell string.' },
      argv: {
        type: 'array', items: { type: 'string' }, default: [],
        description: "Arguments appended to the command's configured argv, each a Mustache template over the event, without escaping, passed as one argument.",
      },
      timeout_ms: {
        type: 'integer', minimum: 1,
        description: "Time limit in milliseconds. The command's configured timeout_ms is both the default and the maximum.",
      },
    },
  },
  async run(ctx) {
    const name = ctx.args.command as string;
    const command = ctx.config.commands?.[name];
    if (!command) throw new Error(`command "${name}" is not configured: add commands.${name} to the config or fix the node's command arg`);
    if (command.argv.length === 0) throw new Error(`commands.${name}.argv is empty in the config: it must start with the program to run`);

    const event = ctx.inputs.event as HookEvent;
    const extra = ((ctx.args.argv ?? []) as string[]).map((template, i) => renderTemplate(template, eventView(event), `args.argv[${i}]`));
    const argv = [...command.argv, ...extra];
    const timeoutMs = Math.min(ctx.args.timeout_ms ?? command.timeout_ms, command.timeout_ms);
    const stdin = ctx.inputs.stdin as string | undefined;
    const effect: Effect = { kind: 'exec', mutating: true, command: name, argv, cwd: command.cwd };

    const perform = async (): Promise<ExecOutputs> => {
      const result = await runCommand(name, { argv, cwd: command.cwd, stdin, timeoutMs });
      if (result.stdoutTruncated) ctx.log.warn({ node: ctx.nodeId, command: name }, 'command stdout is over 1 MiB, so the rest was dropped');
      ctx.log.debug({ node: ctx.nodeId, command: name, exit_code: result.exitCode, stderr: result.stderr }, 'command finished');
      return { stdout: result.stdout, exit_code: result.exitCode };
    };
    const outputs = await ctx.effect(effect, perform, SIMULATED);
    return { outputs: { ...outputs } };
  },
};
