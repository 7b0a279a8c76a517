/**
 * JSON Schemas of the flow routes, for request validation and the OpenAPI document. Response
 * schemas keep `additionalProperties: true` wherever a flow, a trace or a status is nested, because
 * Fastify's serializer drops every property a response schema does not allow.
 */
import { FLOW_ID_PATTERN } from '../flow/model.js';

export const FLOW_TAG = 'flows';

/** Both operator schemes of the OpenAPI document; either one is enough. */
export const OPERATOR_SECURITY: { [scheme: string]: string[] }[] = [{ basic: [] }, { bearer: [] }];

export const flowIdParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: FLOW_ID_PATTERN.source, description: 'The flow id, also its file name without `.json`.' } },
} as const;

export const ifMatchHeaders = {
  type: 'object',
  properties: {
    'if-match': { type: 'string', description: 'The ETag of GET /flows/:id; the change is rejected with 412 when the flow has changed since.' },
  },
} as const;

const anyObject = { type: 'object', additionalProperties: true } as const;

const problem = {
  type: 'object',
  additionalProperties: true,
  properties: {
    code: { type: 'string' }, path: { type: 'string', description: 'JSON Pointer into the flow document.' },
    message: { type: 'string' }, node: { type: 'string' },
  },
} as const;

export const errorResponse = {
  type: 'object',
  description: 'An error; `errors` lists every validation problem of a 422.',
  properties: {
    error: { type: 'string', description: 'A stable code from the error catalogue.' },
    message: { type: 'string' },
    errors: { type: 'array', items: anyObject },
  },
} as const;

export const flowStatus = {
  type: ['object', 'null'],
  additionalProperties: true,
  description: 'What the service last saw of the flow file.',
  properties: {
    state: { type: 'string', enum: ['active', 'disabled', 'stale', 'invalid'] },
    reason: { type: 'string' },
    message: { type: 'string' },
    errors: { type: 'array', items: problem },
    observed_version: { type: ['string', 'null'], description: 'SHA-256 of the file bytes last read.' },
    since: { type: 'string' },
    file: { type: 'string' },
  },
} as const;

export const flowView = {
  type: 'object',
  additionalProperties: true,
  properties: {
    id: { type: 'string' },
    flow: { type: ['object', 'null'], additionalProperties: true, description: 'The served flow with its defaults applied; null when no valid version serves.' },
    version: { type: ['string', 'null'], description: 'Content hash of the served flow; the ETag without quotes.' },
    commit: { type: ['string', 'null'], description: 'The newest git commit of the flow file.' },
    status: flowStatus,
    changed: { type: 'boolean', description: 'On changes: false when the request asked for the current state and nothing was written.' },
  },
} as const;

export const flowSummary = {
  type: 'object',
  additionalProperties: true,
  properties: {
    id: { type: 'string' },
    name: { type: ['string', 'null'] },
    source: { type: ['string', 'null'] },
    enabled: { type: ['boolean', 'null'] },
    priority: { type: ['integer', 'null'] },
    mutex_group: { type: ['string', 'null'] },
    version: { type: ['string', 'null'] },
    commit: { type: ['string', 'null'] },
    status: flowStatus,
  },
} as const;

export const flowDocumentBody = {
  type: 'object',
  additionalProperties: true,
  description: 'A flow document, as in schemas/flow.schema.json; `source` must be `operator` or absent.',
} as const;

export const dryRunQuery = {
  type: 'object',
  properties: {
    event: { type: 'string', description: 'Event type of a raw forge payload sent as the body, e.g. `issues`.' },
    source: { type: 'string', description: 'Source of the raw payload: github (default), gitea or generic.' },
  },
} as const;

export const dryRunEventBody = {
  description: '`{ "event": { "source", "type", "action"?, "payload" } }`, or a raw forge payload with `?event=<type>`.',
} as const;

export const dryRunAnswer = {
  type: 'object',
  additionalProperties: true,
  properties: {
    flow: { type: 'string' },
    version: { type: 'string' },
    event: { type: 'string', description: 'The event key.' },
    selected: { type: 'boolean' },
    reason: { type: 'string' },
    status: { type: 'string' },
    trace: { type: 'array', items: anyObject },
    effects: { type: 'array', items: anyObject },
    budget: {
      type: 'object',
      properties: { would_spend: { type: 'integer' }, remaining: { type: 'integer' } },
    },
  },
} as const;

export const auditRow = {
  type: 'object',
  additionalProperties: true,
  properties: {
    id: { type: 'integer' },
    flow_id: { type: 'string' },
    action: { type: 'string', enum: ['create', 'update', 'delete', 'enable', 'disable', 'hand_edit', 'hand_delete'] },
    operator: { type: 'string' },
    at: { type: 'string' },
    before: { description: 'The flow document before; null when there was none.' },
    after: { description: 'The flow document after; null after a deletion.' },
    diff: { type: 'string', description: 'Unified diff of the pretty JSON.' },
    commit: { type: ['string', 'null'] },
  },
} as const;

export const historyEntry = {
  type: 'object',
  additionalProperties: true,
  properties: {
    commit: { type: 'string' },
    author: { type: 'object', properties: { name: { type: 'string' }, email: { type: 'string' } } },
    at: { type: 'string' },
    subject: { type: 'string' },
    action: { type: ['string', 'null'], description: 'The action of a commit hookflow made; null for other commits.' },
    files: { type: 'array', items: { type: 'object', properties: { status: { type: 'string' }, file: { type: 'string' } } } },
  },
} as const;

export const pageQuery = {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    before: { type: 'integer', minimum: 1, description: 'Audit only: rows with a smaller id than this (the next page).' },
  },
} as const;

/** Error responses by status, so the OpenAPI document lists them. */
export function errorResponses(...statuses: number[]): Record<number, typeof errorResponse> {
  return Object.fromEntries(statuses.map((status) => [status, errorResponse]));
}
