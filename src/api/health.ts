import type { FastifyInstance } from 'fastify';
import type { ApiContext } from './context.js';

/** `GET /healthz` and `GET /metrics`, both open without credentials. */
export async function healthRoutes(app: FastifyInstance, options: { context: ApiContext }): Promise<void> {
  const { context } = options;

  app.get('/healthz', { schema: { description: 'Liveness and reconcile state' } }, async (_request, reply) => {
    const counts = context.board.countByState();
    const body = {
      status: context.health.ready ? 'ok' : 'starting',
      flows: counts,
      queue_depth: context.dispatcher.queueDepth,
      reconcile: { last_pass: context.health.lastPass, flows_dir_missing: context.health.flowsDirMissing },
    };
    return reply.code(context.health.ready ? 200 : 503).send(body);
  });

  app.get('/metrics', { schema: { description: 'Prometheus metrics' } }, async (_request, reply) => {
    const counts = context.board.countByState();
    for (const [state, count] of Object.entries(counts)) context.metrics.flowsLoaded.set({ state }, count);
    reply.type(context.metrics.registry.contentType);
    return context.metrics.registry.metrics();
  });
}
