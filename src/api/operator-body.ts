import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HookflowError } from '../errors.js';

/**
 * Replaces the content-type parsers of an operator scope. JSON media types (`application/json`,
 * `application/merge-patch+json` and any `+json`) are parsed. An empty body counts as no body
 * whatever its Content-Type, so routes without a body accept `curl -X POST` with any headers.
 * Any other non-empty body is a 415. The scope's body limit (1 MiB) still applies.
 */
export function installOperatorBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request: FastifyRequest, body: Buffer | string, done) => {
    if (body.length === 0) {
      done(null, undefined);
      return;
    }

    const mediaType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (mediaType !== 'application/json' && !mediaType.endsWith('+json')) {
      done(new HookflowError('UNSUPPORTED_MEDIA_TYPE', `content type ${mediaType || '(none)'} is not accepted; send application/json`), undefined);
      return;
    }
    try {
      done(null, JSON.parse(body.toString()));
    } catch (err) {
      done(new HookflowError('BAD_REQUEST', `malformed JSON body: ${(err as Error).message}`), undefined);
    }
  });
}
