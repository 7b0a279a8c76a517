import { randomUUID } from 'node:crypto';
import { HookflowError } from '../errors.js';

type Headers = Record<string, string | string[] | undefined>;

export const WEBHOOK_SOURCES = ['github', 'gitea', 'generic'] as const;

/** Headers that name the event type and the delivery id, by source. */
const EVENT_HEADERS: Record<string, { event: string; delivery: string }> = {
  github: { event: 'x-github-event', delivery: 'x-github-delivery' },
  gitea: { event: 'x-gitea-event', delivery: 'x-gitea-delivery' },
  generic: { event: 'x-hookflow-event', delivery: 'x-hookflow-delivery' },
};

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text?.trim() || undefined;
}

/** Reads the event type and delivery id; only the generic source may omit the delivery id. */
export function readDeliveryHeaders(source: string, headers: Headers): { type: string; delivery: string } {
  const names = EVENT_HEADERS[source];
  const type = header(headers, names.event);
  if (!type) throw new HookflowError('BAD_REQUEST', `the ${names.event} header is missing; it names the event type`);
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(type)) throw new HookflowError('BAD_REQUEST', `the ${names.event} header is not an event name: ${type.slice(0, 100)}`);

  let delivery = header(headers, names.delivery);
  if (!delivery) {
    if (source !== 'generic') throw new HookflowError('BAD_REQUEST', `the ${names.delivery} header is missing; it identifies the delivery`);
    delivery = randomUUID();
  }
  if (delivery.length > 200) throw new HookflowError('BAD_REQUEST', `the ${names.delivery} header is longer than 200 characters`);
  return { type, delivery };
}

/**
 * Decodes the body once its signature checked out: JSON as is, and form-encoded GitHub
 * deliveries from their `payload` field. Other content types are rejected.
 */
export function decodeWebhookBody(contentType: string | undefined, body: Buffer): unknown {
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  let text: string;
  if (mediaType === 'application/json' || mediaType.endsWith('+json')) {
    text = body.toString('utf8');
  } else if (mediaType === 'application/x-www-form-urlencoded') {
    const payload = new URLSearchParams(body.toString('utf8')).get('payload');
    if (payload === null) {
      throw new HookflowError('BAD_REQUEST', 'the form-encoded body has no payload field; send JSON with content-type: application/json, or a form whose payload field holds the JSON (curl -d sends a form unless you set the content type)');
    }
    text = payload;
  } else {
    throw new HookflowError('UNSUPPORTED_MEDIA_TYPE', `content type ${mediaType || '(none)'} is not accepted; send application/json or application/x-www-form-urlencoded`);
  }

  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (err) {
    throw new HookflowError('BAD_REQUEST', `malformed JSON payload: ${(err as Error).message}`);
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new HookflowError('BAD_REQUEST', 'the payload must be a JSON object');
  }
  return payload;
}
