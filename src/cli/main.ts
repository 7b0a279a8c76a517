import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../paths.js';
import { applyCommand } from './apply.js';
import { checkCommand } from './check.js';
import { parseCommandArgs, UsageError, type Command } from './command.js';
import { dryRunCommand } from './dry-run.js';
import { CliError } from './errors.js';
import { EXIT } from './exit-codes.js';
import { auditCommand, deleteCommand, disableCommand, enableCommand, getCommand, historyCommand, listCommand } from './flows-commands.js';
import { processIo, type Io } from './output.js';
import { runCommand } from './run.js';
import { serveCommand } from './serve.js';
import { statusCommand } from './status.js';
import { validateCommand } from './validate.js';

/** Every command, in the order `hookflow --help` lists them. */
export const COMMANDS: readonly Command[] = [
  serveCommand,
  applyCommand,
  validateCommand,
  listCommand,
  getCommand,
  enableCommand,
  disableCommand,
  deleteCommand,
  dryRunCommand,
  runCommand,
  historyCommand,
  auditCommand,
  statusCommand,
  checkCommand,
];

function usage(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  const lines = COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return `Usage: hookflow <command> [options]

Commands:
${lines.join('\n')}

Run "hookflow <command> --help" for the arguments and options of a command.
Exit codes: 0 success, 1 failure, 2 wrong usage, 3 server unreachable or token rejected.`;
}

function packageVersion(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

/** Entry point of bin/hookflow; returns the exit code, or -1 when the process must keep running (serve). */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr.line(usage());
    return EXIT.USAGE;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout.line(usage());
    return EXIT.OK;
  }
  if (name === '--version' || name === '-V') {
    io.stdout.line(packageVersion());
    return EXIT.OK;
  }

  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    io.stderr.line(`hookflow: unknown command "${name}"\n\n${usage()}`);
    return EXIT.USAGE;
  }

  try {
    const args = parseCommandArgs(command, rest);
    if (args.values.help) {
      io.stdout.line(command.help);
      return EXIT.OK;
    }
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      const usageLine = command.help.split('\n')[0];
      io.stderr.line(`hookflow ${command.name}: ${error.message}\n${usageLine}\nRun "hookflow ${command.name} --help" for more.`);
      return EXIT.USAGE;
    }
    if (error instanceof CliError) {
      io.stderr.line(io.stderr.style.red(`hookflow ${command.name}: ${error.message}`));
      for (const detail of error.details) io.stderr.line(`  ${detail}`);
      return error.exitCode;
    }
    throw error;
  }
}
