import { parseArgs } from 'node:util';
import { serve } from './serve.js';

const USAGE = `Usage: hookflow <command> [options]

Commands:
  serve [--config FILE]   start the service (no file: embedded defaults)

Run "hookflow <command> --help" for the options of a command.`;

/** Entry point of bin/hookflow. Exit codes: 0 success, 1 failure, 2 usage error. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }

  if (command === 'serve') {
    const { values } = parseArgs({ args: rest, options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } } });
    if (values.help) {
      process.stdout.write('Usage: hookflow serve [--config FILE]\n\nStarts the service. FILE is a webhook-config.yaml; without it every key takes its default.\n');
      return 0;
    }
    await serve(values.config);
    return -1;
  }

  process.stderr.write(`hookflow: unknown command ${command}\n\n${USAGE}\n`);
  return 2;
}
