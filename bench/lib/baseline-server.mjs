/**
 * The throughput baseline: a bare Fastify route that does only what any webhook receiver must.
 * It reads the raw body with the same content-type parser and body limit as hookflow's webhook
 * route, checks the same HMAC-SHA256 signature with the same constant-time function, parses the
 * JSON and answers 202. No logger, no dispatch, no storage.
 */
import Fastify from 'fastify';
import { verifySignature } from '../../dist/api/signature.js';
import { WEBHOOK_BODY_LIMIT } from '../../dist/api/webhooks.js';

/** Starts the baseline on 127.0.0.1 with an ephemeral port; returns its URL and `close`. */
export async function startBaselineServer({ secret }) {
  const app = Fastify({ bodyLimit: WEBHOOK_BODY_LIMIT });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_request, body, done) => done(null, body));

  app.post('/webhooks/github', async (request, reply) => {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    if (!verifySignature('github', secret, body, request.headers)) return reply.code(401).send({ error: 'SIGNATURE_INVALID' });
    const payload = JSON.parse(body.toString('utf8'));
    return reply.code(202).send({ delivery: request.headers['x-github-delivery'], action: payload.action });
  });

  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url, close: () => app.close() };
}
