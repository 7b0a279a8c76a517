import { loadConfig } from '../config/load.js';
import { startService } from '../service.js';

/** `hookflow serve [--config FILE]`: runs until SIGINT or SIGTERM. */
export async function serve(configFile: string | undefined): Promise<void> {
  const config = loadConfig(configFile);
  const service = await startService(config);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    service.context.log.info({ signal }, 'hookflow stopping');
    await service.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
