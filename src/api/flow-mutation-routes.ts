import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ApiContext } from './context.js';
import type { FlowMutations, MutationOutcome } from './flow-mutations.js';
import {
  FLOW_TAG, OPERATOR_SECURITY, errorResponses, flowDocumentBody, flowIdParams, flowView, ifMatchHeaders,
} from './flow-schemas.js';
import { buildFlowView } from './flow-views.js';
import { entityTag } from './if-match.js';

interface IdRequest {
  Params: { id: string };
  Headers: { 'if-match'?: string };
}

const WRITE_ERRORS = errorResponses(400, 401, 403, 404, 412, 413, 415, 422, 503);

/** `POST /flows`, `PATCH /flows/:id`, `DELETE /flows/:id`, `POST /flows/:id/enable` and `/disable`. */
export async function flowMutationRoutes(app: FastifyInstance, options: { context: ApiContext; mutations: FlowMutations }): Promise<void> {
  const { context, mutations } = options;

  function answer(reply: FastifyReply, id: string, outcome: MutationOutcome) {
    if (outcome.compiled) reply.header('etag', entityTag(outcome.compiled.version));
    return { ...buildFlowView(context, id), changed: outcome.changed };
  }

  app.post<{ Body: Record<string, unknown> }>('/flows', {
    schema: {
      tags: [FLOW_TAG],
      summary: 'Create a flow',
      description: 'Validates the document, writes `<id>.json`, commits it as the operator, records an audit row and serves it at once. Forking a default flow is creating a copy under a new id.',
      security: OPERATOR_SECURITY,
      body: flowDocumentBody,
      response: { 201: flowView, ...errorResponses(400, 401, 403, 409, 413, 415, 422, 503) },
    },
  }, async (request, reply) => {
    const outcome = await mutations.create(request.body);
    const id = outcome.compiled!.flow.id;
    reply.code(201).header('location', `/flows/${id}`);
    return answer(reply, id, outcome);
  });

  app.patch<IdRequest & { Body: unknown }>('/flows/:id', {
    schema: {
      tags: [FLOW_TAG],
      summary: 'Change a flow with a JSON Merge Patch',
      description: 'Applies an RFC 7396 merge patch (`null` removes a member) to the flow as its file holds it. With `If-Match`, a flow changed since that ETag is rejected with 412; without it, the patch applies to the current version. A patch that changes nothing writes nothing and answers `changed: false`.',
      security: OPERATOR_SECURITY,
      params: flowIdParams,
      headers: ifMatchHeaders,
      body: { description: 'A JSON Merge Patch, sent as application/merge-patch+json or application/json.' },
      response: { 200: flowView, ...errorResponses(400, 401, 403, 404, 409, 412, 413, 415, 422, 503) },
    },
  }, async (request, reply) => {
    const { id } = request.params;
    return answer(reply, id, await mutations.patch(id, request.body, request.headers['if-match']));
  });

  app.delete<IdRequest>('/flows/:id', {
    schema: {
      tags: [FLOW_TAG],
      summary: 'Delete a flow',
      description: 'Deletes the file, commits the deletion, records an audit row and stops serving the flow.',
      security: OPERATOR_SECURITY,
      params: flowIdParams,
      headers: ifMatchHeaders,
      response: { 204: { type: 'null', description: 'Deleted.' }, ...WRITE_ERRORS },
    },
  }, async (request, reply) => {
    await mutations.remove(request.params.id, request.headers['if-match']);
    return reply.code(204).send();
  });

  for (const enabled of [true, false]) {
    const verb = enabled ? 'enable' : 'disable';
    app.post<IdRequest>(`/flows/:id/${verb}`, {
      schema: {
        tags: [FLOW_TAG],
        summary: enabled ? 'Enable a flow' : 'Disable a flow',
        description: `Sets \`enabled: ${enabled}\`. When the flow is ${verb}d already, nothing is written and the response has \`changed: false\`. Takes no body.`,
        security: OPERATOR_SECURITY,
        params: flowIdParams,
        headers: ifMatchHeaders,
        response: { 200: flowView, ...errorResponses(401, 403, 404, 409, 412, 503) },
      },
    }, async (request, reply) => {
      const { id } = request.params;
      return answer(reply, id, await mutations.setEnabled(id, enabled, request.headers['if-match']));
    });
  }
}
