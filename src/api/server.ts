import swagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { operatorAuth } from './auth.js';
import type { ApiContext } from './context.js';
import { installErrorHandler } from './error-handler.js';
import { flowRoutes } from './flows.js';
import { healthRoutes } from './health.js';
import { runRoutes } from './runs.js';
import { webhookRoutes } from './webhooks.js';

/** Operator routes take JSON bodies up to 1 MiB; webhook routes set their own limit. */
export const OPERATOR_BODY_LIMIT = 1024 * 1024;

export async function buildServer(context: ApiContext): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: context.log as FastifyBaseLogger,
    bodyLimit: OPERATOR_BODY_LIMIT,
    // Fastify's per-request lines are replaced by one debug line per response, below.
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: false,
  });
  installErrorHandler(app);
  app.addHook('onResponse', async (request, reply) => {
    request.log.debug({ method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request finished');
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'hookflow', version: '0.1.0', description: 'Webhook flow manager: operator API and webhook receiver.' },
      components: {
        securitySchemes: {
          basic: { type: 'http', scheme: 'basic' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
    },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(webhookRoutes, { context });
  await app.register(healthRoutes, { context });
  await app.register(async (operatorScope) => {
    operatorScope.addHook('onRequest', operatorAuth(context.config.auth.operator_user, context.operatorToken));
    await operatorScope.register(runRoutes, { context });
    await operatorScope.register(flowRoutes, { context });
  });
  return app;
}
