import type { FastifyInstance } from 'fastify';
import { compileFlow } from '../engine/compile.js';
import { HookflowError } from '../errors.js';
import { validateFlow } from '../flow/validate.js';
import type { ApiContext } from './context.js';
import { dryRunFlow, readDryRunEvent } from './dry-run.js';
import { FLOW_TAG, OPERATOR_SECURITY, dryRunAnswer, dryRunEventBody, dryRunQuery, errorResponses, flowIdParams } from './flow-schemas.js';
import { readCurrentFlow, isAbsent } from './flow-views.js';

interface DryRunQuery {
  event?: string;
  source?: string;
}

/** `POST /flows/:id/dry-run` for a served flow and `POST /flows/dry-run` for a document not saved yet. */
export async function dryRunRoutes(app: FastifyInstance, options: { context: ApiContext }): Promise<void> {
  const { context } = options;

  app.post<{ Params: { id: string }; Querystring: DryRunQuery; Body: unknown }>('/flows/:id/dry-run', {
    schema: {
      tags: [FLOW_TAG],
      summary: 'Dry-run a flow on an event',
      description: 'Whether the flow would be selected and why not, the full node trace, the effects it would have had and the budget it would spend. Nothing reaches the outside world and no budget is spent. Works on disabled and default flows.',
      security: OPERATOR_SECURITY,
      params: flowIdParams,
      querystring: dryRunQuery,
      body: dryRunEventBody,
      response: { 200: dryRunAnswer, ...errorResponses(400, 401, 404, 409, 413, 415) },
    },
  }, async (request) => {
    const { id } = request.params;
    const event = readDryRunEvent(request.body, request.query);
    const compiled = context.dispatcher.flows.get(id);
    if (!compiled) {
      const current = await readCurrentFlow(context, id);
      if (isAbsent(current)) throw new HookflowError('FLOW_NOT_FOUND', `no flow has id ${id}`);
      throw new HookflowError('FLOW_NOT_SERVED', `flow ${id} has no valid version to run: ${current.file} is invalid; dry-run the fixed document with POST /flows/dry-run (from the command line: hookflow dry-run FILE.json --event EVENT.json)`);
    }
    return dryRunFlow(context, compiled, event);
  });

  app.post<{ Body: unknown }>('/flows/dry-run', {
    schema: {
      tags: [FLOW_TAG],
      summary: 'Dry-run a flow document that is not saved',
      description: 'Body `{ "flow": <flow document>, "event": { "source", "type", "action"?, "payload" } }`. The document is validated first (422 with every problem); then it runs as a dry run, and `selected` compares it with the flows served now, as if it replaced the flow of the same id.',
      security: OPERATOR_SECURITY,
      body: { type: 'object', required: ['flow', 'event'], properties: { flow: { type: 'object', additionalProperties: true }, event: { type: 'object', additionalProperties: true } } },
      response: { 200: dryRunAnswer, ...errorResponses(400, 401, 413, 415, 422) },
    },
  }, async (request) => {
    const body = request.body as { flow: unknown };
    const event = readDryRunEvent(body, {});
    const result = validateFlow(body.flow, { registry: context.registry });
    if (!result.ok) {
      throw new HookflowError('FLOW_INVALID', `the flow is invalid: ${result.problems.length} problems, listed in errors`, { errors: result.problems });
    }
    return dryRunFlow(context, compileFlow(result.flow, context.registry), event, { draft: true });
  });
}
