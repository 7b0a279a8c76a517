import type { FastifyInstance } from 'fastify';
import { HookflowError } from '../errors.js';
import { checkRoutes } from './check-routes.js';
import type { ApiContext } from './context.js';
import { dryRunRoutes } from './dry-run-routes.js';
import { FlowMutations } from './flow-mutations.js';
import { flowMutationRoutes } from './flow-mutation-routes.js';
import { flowReadRoutes } from './flow-read-routes.js';
import { flowRecordRoutes } from './flow-record-routes.js';
import { installOperatorBodyParser } from './operator-body.js';

/** Registers every `/flows…` route and `/check`. The caller registers operator auth on this scope. */
export async function flowRoutes(app: FastifyInstance, options: { context: ApiContext }): Promise<void> {
  const { context } = options;
  installOperatorBodyParser(app);
  // Before the initial load, a flow on disk is not served yet and would look broken or absent.
  app.addHook('preHandler', async () => {
    if (!context.health.ready) {
      throw new HookflowError('NOT_READY', 'the flows are still loading; retry in a moment', { headers: { 'retry-after': '1' } });
    }
  });

  const mutations = new FlowMutations(context);
  await app.register(flowReadRoutes, { context });
  await app.register(flowMutationRoutes, { context, mutations });
  await app.register(flowRecordRoutes, { context });
  await app.register(dryRunRoutes, { context });
  await app.register(checkRoutes, { context });
}
