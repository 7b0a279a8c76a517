import type { FastifyInstance } from 'fastify';
import { HookflowError } from '../errors.js';
import { OPERATOR_SECURITY } from './flow-schemas.js';
import { findRun } from '../store/runs.js';
import type { ApiContext } from './context.js';

/** `GET /runs/:id`: a run with its trace. The caller registers operator auth on this scope. */
export async function runRoutes(app: FastifyInstance, options: { context: ApiContext }): Promise<void> {
  const { db, dispatcher } = options.context;

  app.get<{ Params: { id: string } }>('/runs/:id', {
    schema: {
      summary: 'Read a run and its trace',
      description: 'A run of one flow for one delivery: status, the flow version it ran, timings and the trace of every node. Operator credentials required.',
      tags: ['runs'],
      security: OPERATOR_SECURITY,
      params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
    },
  }, async (request) => {
    dispatcher.flushRunStatus();
    const run = findRun(db, request.params.id);
    if (!run) throw new HookflowError('RUN_NOT_FOUND', `no run has id ${request.params.id}`);
    return run;
  });
}
