import type { FastifyError, FastifyInstance } from 'fastify';
import { HookflowError } from '../errors.js';

interface ErrorBody {
  error: string;
  message: string;
  errors?: unknown[];
}

/** Maps Fastify's own error codes to the catalogue's codes. */
const FASTIFY_CODES: Record<string, { code: string; status: number }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'BODY_TOO_LARGE', status: 413 },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', status: 415 },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'BAD_REQUEST', status: 400 },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'BAD_REQUEST', status: 400 },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'BAD_REQUEST', status: 400 },
};

/** One place that turns every error into the JSON error shape `{ error, message, errors? }`. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | HookflowError, request, reply) => {
    let status = 500;
    const body: ErrorBody = { error: 'INTERNAL', message: 'internal error; the service log has the details' };

    if (err instanceof HookflowError) {
      status = err.status;
      body.error = err.code;
      body.message = err.message;
      if (err.errors) body.errors = err.errors;
      if (err.headers) reply.headers(err.headers);
    } else if (err.validation) {
      status = 400;
      body.error = 'BAD_REQUEST';
      body.message = `request ${err.validationContext ?? 'body'} is invalid: ${err.message}`;
      body.errors = err.validation;
    } else if (err.code && FASTIFY_CODES[err.code]) {
      ({ status } = FASTIFY_CODES[err.code]);
      body.error = FASTIFY_CODES[err.code].code;
      body.message = err.message;
    } else if (err instanceof SyntaxError) {
      status = 400;
      body.error = 'BAD_REQUEST';
      body.message = `malformed JSON body: ${err.message}`;
    } else if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      status = err.statusCode;
      body.error = 'BAD_REQUEST';
      body.message = err.message;
    }

    if (status >= 500) request.log.error({ err }, 'request failed');
    else request.log.info({ code: body.error, status }, body.message);
    reply.code(status).type('application/json').send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: 'NOT_FOUND', message: `no route ${request.method} ${request.url}` });
  });
}
