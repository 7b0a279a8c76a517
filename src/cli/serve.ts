import type { Service } from '../service.js';
import { stringOption, type Command } from './command.js';

/** `hookflow serve [--config FILE]`: runs until SIGINT or SIGTERM. */
export async function serve(configFile: string | undefined): Promise<void> {
  // Imported here so that the other commands start without loading Fastify, SQLite and git.
  const { loadConfig } = await import('../config/load.js');
  const { startService } = await import('../service.js');
  const config = loadConfig(configFile);

  // Handlers go in before the start, so that a signal during a long start-up still stops
  // the service cleanly once it is up instead of killing it halfway.
  let service: Service | undefined;
  let stopSignal: string | undefined;
  const stop = async (signal: string) => {
    if (stopSignal) return;
    stopSignal = signal;
    if (!service) return;
    service.context.log.info({ signal }, 'hookflow stopping');
    await service.close();
    service.context.log.info({ signal }, 'hookflow stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  service = await startService(config);
  if (stopSignal) {
    const signal = stopSignal;
    stopSignal = undefined;
    await stop(signal);
  }
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'start the service',
  help: `Usage: hookflow serve [--config FILE]

Starts the service and runs until SIGINT or SIGTERM. FILE is a webhook-config.yaml;
without it every key takes its default (127.0.0.1:8787, flows.d, data).

Options:
  -c, --config FILE  the configuration file
  -h, --help         show this help`,
  options: { config: { type: 'string', short: 'c' } },
  positionals: { min: 0, max: 0 },

  async run({ values }) {
    await serve(stringOption(values, 'config'));
    return -1;
  },
};
