import type { FastifyInstance } from 'fastify';
import { checkFlowsConsistency } from '../store/consistency.js';
import type { ApiContext } from './context.js';
import { OPERATOR_SECURITY, errorResponses } from './flow-schemas.js';

const report = {
  type: 'object',
  properties: {
    ok: { type: 'boolean' },
    checked: { type: 'object', additionalProperties: true },
    problems: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          kind: { type: 'string', enum: ['temp_file', 'pending_write', 'uncommitted', 'commit_not_audited', 'audit_commit_missing', 'audit_mismatch'] },
          flow: { type: 'string' }, file: { type: 'string' }, commit: { type: 'string' }, message: { type: 'string' },
        },
      },
    },
  },
} as const;

/** `GET /check`: compares the flow files, git and the audit table. */
export async function checkRoutes(app: FastifyInstance, options: { context: ApiContext }): Promise<void> {
  const { context } = options;

  app.get('/check', {
    schema: {
      tags: ['flows'],
      summary: 'Check files, git and the audit table against each other',
      description: 'Lists every disagreement: leftover temporary files, an interrupted write, flow files that differ from HEAD, hookflow commits without an audit row, audit rows naming a commit not in history, and flows whose newest audit row does not describe the file. Runs between two flow changes, never during one. Answers 200 with `ok: false` when it found problems.',
      security: OPERATOR_SECURITY,
      response: { 200: report, ...errorResponses(401) },
    },
  }, async () => {
    const { repo, journalFile } = context.flowsRepo;
    return context.mutations.run(() => checkFlowsConsistency(repo, context.db, journalFile, context.registry));
  });
}
