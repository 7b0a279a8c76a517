import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { resolveOperatorToken } from './api/auth.js';
import type { ApiContext } from './api/context.js';
import { buildServer } from './api/server.js';
import { WEBHOOK_SOURCES } from './api/webhook-request.js';
import { deriveOperatorEmail } from './config/derive.js';
import type { Config } from './config/model.js';
import { Dispatcher } from './dispatch/dispatcher.js';
import { createMetrics } from './metrics.js';
import { buildRegistry } from './nodes/registry.js';
import { shippedFlowsDir } from './paths.js';
import { loadFlowsDir } from './reconcile/initial-load.js';
import { startReconcileLoop } from './reconcile/loop.js';
import type { FileSignature } from './reconcile/read-flow-file.js';
import { StatusBoard } from './reconcile/status.js';
import { openDatabase } from './store/db.js';
import { openFlowsRepository } from './store/flows-repository.js';
import { failInterruptedRuns } from './store/runs.js';
import { SerialQueue } from './store/serial-queue.js';

export interface Service {
  app: FastifyInstance;
  context: ApiContext;
  /** `http://host:port` of the listening socket. */
  url: string;
  close(): Promise<void>;
}

export interface StartOptions {
  log?: Logger;
  env?: NodeJS.ProcessEnv;
}

/** Opens the database, loads the flows, and starts listening. */
export async function startService(config: Config, options: StartOptions = {}): Promise<Service> {
  const env = options.env ?? process.env;
  const log = options.log ?? pino({ level: config.log.level, base: { service: 'hookflow' } });

  const db = openDatabase(path.join(config.data_dir, 'hookflow.db'));
  const interrupted = failInterruptedRuns(db, new Date().toISOString());
  if (interrupted > 0) log.warn({ runs: interrupted }, 'marked runs left unfinished by the previous process as failed');

  const registry = buildRegistry();
  const metrics = createMetrics();
  const board = new StatusBoard(log);
  const dispatcher = new Dispatcher({ db, config, registry, metrics, log });
  const flowsRepo = await openFlowsRepository({
    flowsDir: config.flows_dir, dataDir: config.data_dir, db, log, shippedFlowsDir,
    operator: { name: config.auth.operator_user, email: config.auth.operator_email ?? deriveOperatorEmail(config.auth.operator_user) },
  });
  const context: ApiContext = {
    config, log, db, registry, metrics, dispatcher, board,
    operatorToken: resolveOperatorToken(config, log, env),
    mutations: new SerialQueue(),
    flowsRepo,
    webhookSecrets: readWebhookSecrets(config, env, log),
    health: { ready: false, lastPass: null, flowsDirMissing: false },
  };

  const app = await buildServer(context);
  await app.listen({ host: config.server.host, port: config.server.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.server.port;
  const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
  const url = `http://${host}:${port}`;
  log.info({ url, flows_dir: config.flows_dir, data_dir: config.data_dir }, 'hookflow listening');

  const signatures = new Map<string, FileSignature>();
  await loadFlowsDir({ flowsDir: config.flows_dir, registry, table: dispatcher.flows, board, log, signatures, repo: flowsRepo.repo });
  context.health.ready = true;
  context.health.lastPass = new Date().toISOString();
  log.info({ flows: board.countByState() }, 'flows loaded');
  const stopReconcile = await startReconcileLoop({
    config, log, db, registry, table: dispatcher.flows, board, mutations: context.mutations, health: context.health, signatures, flowsRepo,
  });

  return {
    app, context, url,
    async close() {
      await stopReconcile();
      await app.close();
      await dispatcher.drain();
      db.close();
    },
  };
}

function readWebhookSecrets(config: Config, env: NodeJS.ProcessEnv, log: Logger): Record<string, string | undefined> {
  const secrets: Record<string, string | undefined> = {};
  for (const source of WEBHOOK_SOURCES) {
    const variable = config.webhooks[source]?.secret_env;
    const secret = variable ? env[variable] : undefined;
    if (variable && !secret) {
      throw new Error(`webhooks.${source}.secret_env names ${variable}, but that environment variable is unset or empty`);
    }
    if (!secret) log.warn({ source }, 'no webhook secret configured; unsigned deliveries are accepted');
    secrets[source] = secret || undefined;
  }
  return secrets;
}
