import type { Logger } from 'pino';
import type { Config } from '../config/model.js';
import type { Dispatcher } from '../dispatch/dispatcher.js';
import type { Metrics } from '../metrics.js';
import type { NodeRegistry } from '../nodes/registry.js';
import type { StatusBoard } from '../reconcile/status.js';
import type { Db } from '../store/db.js';
import type { FlowsRepository } from '../store/flows-repository.js';
import type { SerialQueue } from '../store/serial-queue.js';

/** The parts of a running service that the HTTP routes use. */
export interface ApiContext {
  config: Config;
  log: Logger;
  db: Db;
  registry: NodeRegistry;
  metrics: Metrics;
  dispatcher: Dispatcher;
  board: StatusBoard;
  operatorToken: string;
  /** Serialises flow mutations (API writes, applied hand edits) with each other. */
  mutations: SerialQueue;
  /** The git repository of the flows folder, its commit index and the write journal. */
  flowsRepo: FlowsRepository;
  /** Webhook secret by source; a source without one accepts unsigned deliveries. */
  webhookSecrets: Record<string, string | undefined>;
  /** Facts about the initial load and the reconcile loop, for /healthz. */
  health: { ready: boolean; lastPass: string | null; flowsDirMissing: boolean };
}
