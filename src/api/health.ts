import type { FastifyInstance } from 'fastify';
import type { ApiContext } from './context.js';

/** `GET /healthz` and `GET /metrics`, both open without credentials. */
export async function healthRoutes(app: FastifyInstance, options: { context: ApiContext }): Promise<void> {
  const { context } = options;

  app.get('/healthz', { schema: { summary: 'Liveness and reconcile state', description: 'Open without credentials. 503 until the initial load of flows_dir has finished.', tags: ['health'] } }, async (_request, reply) => {
    const counts = context.board.countByState();
    const body = {
      status: context.health.ready ? 'ok' : 'starting',
      flows: counts,
      queue_depth: context.dispatcher.queueDepth,
      reconcile: { last_pass: context.health.lastPass, flows_dir_missing: context.health.flowsDirMissing },
    };
    return reply.code(context.health.ready ? 200 : 503).send(body);
  });

  app.get('/metrics', { schema: { summary: 'Prometheus metrics', description: 'Open without credentials, in the Prometheus text format.', tags: ['health'] } }, async (_request, reply) => {
    const counts = context.board.countByState();
    for (const [state, count] of Object.entries(counts)) context.metrics.flowsLoaded.set({ state }, count);
    reply.type(context.metrics.registry.contentType);
    return context.metrics.registry.metrics();
  });
}
