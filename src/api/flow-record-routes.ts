import type { FastifyInstance } from 'fastify';
import { HookflowError } from '../errors.js';
import { listAuditRows } from '../store/audit.js';
import { logFile } from '../store/git-log.js';
import type { ApiContext } from './context.js';
import { FLOW_TAG, OPERATOR_SECURITY, auditRow, errorResponses, flowIdParams, historyEntry, pageQuery } from './flow-schemas.js';
import { isKnownFlow } from './flow-views.js';

interface RecordRequest {
  Params: { id: string };
  Querystring: { limit: number; before?: number };
}

/**
 * Registers `GET /flows/:id/audit` and `GET /flows/:id/history`. Both work for a deleted flow
 * too, as long as it left audit rows or commits. An id with neither, and no flow, is a 404.
 */
export async function flowRecordRoutes(app: FastifyInstance, options: { context: ApiContext }): Promise<void> {
  const { context } = options;

  app.get<RecordRequest>('/flows/:id/audit', {
    schema: {
      tags: [FLOW_TAG],
      summary: 'List the audit rows of a flow',
      description: 'Newest first: action, operator, UTC time, the document before and after, the unified diff and the commit. Page with `before=<id of the last row>`.',
      security: OPERATOR_SECURITY,
      params: flowIdParams,
      querystring: pageQuery,
      response: { 200: { type: 'object', properties: { flow: { type: 'string' }, audit: { type: 'array', items: auditRow } } }, ...errorResponses(400, 401, 404) },
    },
  }, async (request) => {
    const { id } = request.params;
    const rows = listAuditRows(context.db, id, { limit: request.query.limit, beforeId: request.query.before });
    if (rows.length === 0 && !isKnownFlow(context, id) && request.query.before === undefined) {
      throw new HookflowError('FLOW_NOT_FOUND', `no flow has id ${id}, and no audit row names it`);
    }
    return { flow: id, audit: rows };
  });

  app.get<RecordRequest>('/flows/:id/history', {
    schema: {
      tags: [FLOW_TAG],
      summary: 'List the git commits of a flow file',
      description: 'The git log of `<id>.json`, newest first, with author, date, subject and, for hookflow\'s own commits, the action.',
      security: OPERATOR_SECURITY,
      params: flowIdParams,
      querystring: pageQuery,
      response: { 200: { type: 'object', properties: { flow: { type: 'string' }, history: { type: 'array', items: historyEntry } } }, ...errorResponses(400, 401, 404) },
    },
  }, async (request) => {
    const { id } = request.params;
    const history = await logFile(context.flowsRepo.repo, `${id}.json`, { limit: request.query.limit });
    if (history.length === 0 && !isKnownFlow(context, id)) {
      throw new HookflowError('FLOW_NOT_FOUND', `no flow has id ${id}, and git has no commit of ${id}.json`);
    }
    return { flow: id, history };
  });
}
