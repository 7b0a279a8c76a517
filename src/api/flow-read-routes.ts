import type { FastifyInstance } from 'fastify';
import { HookflowError } from '../errors.js';
import type { ApiContext } from './context.js';
import { FLOW_TAG, OPERATOR_SECURITY, errorResponses, flowIdParams, flowSummary, flowView } from './flow-schemas.js';
import { buildFlowSummaries, buildFlowView, isKnownFlow } from './flow-views.js';
import { entityTag } from './if-match.js';

/** `GET /flows` and `GET /flows/:id`. */
export async function flowReadRoutes(app: FastifyInstance, options: { context: ApiContext }): Promise<void> {
  const { context } = options;

  app.get('/flows', {
    schema: {
      tags: [FLOW_TAG],
      summary: 'List flows',
      description: 'Every flow the service serves or has a file status for, by id, with its version, newest commit and status; without nodes.',
      security: OPERATOR_SECURITY,
      response: { 200: { type: 'object', properties: { flows: { type: 'array', items: flowSummary } } }, ...errorResponses(401) },
    },
  }, async () => {
    await context.flowsRepo.commits.sync();
    return { flows: buildFlowSummaries(context) };
  });

  app.get<{ Params: { id: string } }>('/flows/:id', {
    schema: {
      tags: [FLOW_TAG],
      summary: 'Read a flow',
      description: 'The version the dispatcher serves (`flow`, `version`, `ETag` header) and, in `status`, what the service last saw in the file. A flow whose file is invalid and that has no valid version shows `flow: null` and the problems in `status.errors`.',
      security: OPERATOR_SECURITY,
      params: flowIdParams,
      response: { 200: flowView, ...errorResponses(400, 401, 404) },
    },
  }, async (request, reply) => {
    const { id } = request.params;
    if (!isKnownFlow(context, id)) throw new HookflowError('FLOW_NOT_FOUND', `no flow has id ${id}`);
    await context.flowsRepo.commits.sync();
    const view = buildFlowView(context, id);
    if (view.version) reply.header('etag', entityTag(view.version));
    return view;
  });
}
