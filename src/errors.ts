/**
 * The catalogue of coded errors. The core throws `HookflowError` with one of these codes;
 * the API's error handler maps the code to its HTTP status. docs/errors.md lists the same table.
 */
export const ERROR_CATALOGUE = {
  BAD_REQUEST: { status: 400, summary: 'The request body is malformed or misses a required field.' },
  UNAUTHORIZED: { status: 401, summary: 'Credentials are missing or wrong.' },
  SIGNATURE_INVALID: { status: 401, summary: 'The webhook signature is missing or does not match the body.' },
  FLOW_READ_ONLY: { status: 403, summary: 'The flow is a default flow; fork it with POST /flows and a new id.' },
  SOURCE_FORBIDDEN: { status: 403, summary: 'The flow document sets a source the caller may not write.' },
  NOT_FOUND: { status: 404, summary: 'No such route, flow or run.' },
  FLOW_NOT_FOUND: { status: 404, summary: 'No flow has this id.' },
  RUN_NOT_FOUND: { status: 404, summary: 'No run has this id.' },
  UNKNOWN_SOURCE: { status: 404, summary: 'The webhook source is not github, gitea or generic.' },
  FLOW_EXISTS: { status: 409, summary: 'A flow with this id exists already.' },
  FLOW_NOT_SERVED: { status: 409, summary: 'The flow file is invalid and no valid version of it serves; fix the file or delete the flow.' },
  VERSION_MISMATCH: { status: 412, summary: 'If-Match names a version that is no longer current.' },
  BODY_TOO_LARGE: { status: 413, summary: 'The request body is over the route limit.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, summary: 'The content type is not accepted on this route.' },
  FLOW_INVALID: { status: 422, summary: 'The flow document failed validation; `errors` lists every problem.' },
  QUEUE_FULL: { status: 503, summary: 'The run queue is full; retry later.' },
  GIT_LOCKED: { status: 503, summary: 'The git repository is locked by another process (index.lock exists).' },
  NOT_READY: { status: 503, summary: 'The initial load of flows has not finished.' },
  GIT_FAILED: { status: 500, summary: 'A git command failed.' },
  INTERNAL: { status: 500, summary: 'An unexpected error; the log has the details.' },
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export class HookflowError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly errors?: unknown[];
  readonly headers?: Record<string, string>;

  constructor(code: ErrorCode, message: string, extra: { errors?: unknown[]; headers?: Record<string, string>; cause?: unknown } = {}) {
    super(message, { cause: extra.cause });
    this.name = 'HookflowError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.errors = extra.errors;
    this.headers = extra.headers;
  }
}
