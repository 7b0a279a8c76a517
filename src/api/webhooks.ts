import type { FastifyInstance } from 'fastify';
import { HookflowError } from '../errors.js';
import { normalizeEvent } from '../flow/event.js';
import type { ApiContext } from './context.js';
import { verifySignature } from './signature.js';
import { WEBHOOK_SOURCES, decodeWebhookBody, readDeliveryHeaders } from './webhook-request.js';

/** GitHub caps webhook payloads at 25 MB; a push of many commits comes close. */
export const WEBHOOK_BODY_LIMIT = 25 * 1024 * 1024;

/** `POST /webhooks/:source`: verify, decode, normalise, dispatch. */
export async function webhookRoutes(app: FastifyInstance, options: { context: ApiContext }): Promise<void> {
  const { context } = options;

  // Every content type arrives as raw bytes: the signature covers the exact body.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_request, body, done) => done(null, body));

  app.post<{ Params: { source: string } }>('/webhooks/:source', {
    bodyLimit: WEBHOOK_BODY_LIMIT,
    schema: {
      summary: 'Receive a webhook delivery',
      description: 'Authenticated by the HMAC signature of the body when the source has a secret: X-Hub-Signature-256 (GitHub), X-Gitea-Signature or X-Hub-Signature-256 (Gitea), X-Hookflow-Signature-256 (generic). JSON or form-encoded (payload field) bodies up to 25 MiB.',
      tags: ['webhooks'],
      params: { type: 'object', properties: { source: { type: 'string', description: 'github, gitea or generic' } }, required: ['source'] },
    },
  }, async (request, reply) => {
    const { source } = request.params;
    if (!(WEBHOOK_SOURCES as readonly string[]).includes(source)) {
      throw new HookflowError('UNKNOWN_SOURCE', `unknown webhook source ${source}; use one of ${WEBHOOK_SOURCES.join(', ')}`);
    }
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);

    const secret = context.webhookSecrets[source];
    if (secret !== undefined && !verifySignature(source, secret, body, request.headers)) {
      throw new HookflowError('SIGNATURE_INVALID', `the ${source} webhook signature is missing or does not match the body`);
    }

    const { type, delivery } = readDeliveryHeaders(source, request.headers);
    // Bindings passed per line: a child logger per request costs more than the two lines it would serve.
    const about = { delivery, source };
    if (body.length === 0) throw new HookflowError('BAD_REQUEST', 'the webhook body is empty');
    const payload = decodeWebhookBody(request.headers['content-type'], body);

    if (type === 'ping') {
      request.log.info({ ...about, event: 'ping' }, 'ping received');
      return reply.code(200).send({ ping: 'pong', delivery });
    }

    const event = normalizeEvent({ id: delivery, source, type, payload });
    const result = await context.dispatcher.accept(event);
    if (result.duplicate) {
      request.log.info({ ...about, event: result.event }, 'repeated delivery; nothing runs again');
      return reply.code(200).send({ duplicate: true, delivery, runs: result.runs });
    }

    request.log.info({ ...about, event: event.key, runs: result.runs.length, suppressed: result.suppressed.length }, 'event accepted');
    return reply.code(202).send({ delivery, event: event.key, runs: result.runs, suppressed: result.suppressed });
  });
}
