import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { signBody } from '../../src/api/signature.js';

interface ExampleGroup {
  name: string;
  examples: Record<string, any>[];
}

const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as ExampleGroup[];

/** A real GitHub payload from `@octokit/webhooks-examples`, copied so tests may change it. */
export function examplePayload(type: string, action?: string): Record<string, any> {
  const group = examples.find((candidate) => candidate.name === type);
  const payload = group?.examples.find((example) => action === undefined || example.action === action);
  if (!payload) throw new Error(`no example payload for ${type}${action ? `.${action}` : ''}`);
  return structuredClone(payload);
}

export interface Delivery {
  source: 'github' | 'gitea' | 'generic';
  type: string;
  payload: unknown;
  id?: string;
  /** Signs the body with this secret the way the source does. */
  secret?: string;
  /** Sends `payload=<json>` form-encoded, as GitHub does for that content type. */
  form?: boolean;
  headers?: Record<string, string>;
}

/** Builds the headers and body a forge sends for one delivery. */
export function buildDelivery(delivery: Delivery): { headers: Record<string, string>; body: string; id: string } {
  const id = delivery.id ?? randomUUID();
  const json = JSON.stringify(delivery.payload);
  const body = delivery.form ? `payload=${encodeURIComponent(json)}` : json;
  const headers: Record<string, string> = {
    'content-type': delivery.form ? 'application/x-www-form-urlencoded' : 'application/json',
  };

  if (delivery.source === 'github') {
    headers['x-github-event'] = delivery.type;
    headers['x-github-delivery'] = id;
    if (delivery.secret) headers['x-hub-signature-256'] = `sha256=${signBody(delivery.secret, body)}`;
  } else if (delivery.source === 'gitea') {
    // Gitea sends its own headers and, for compatibility, GitHub's event header too.
    headers['x-gitea-event'] = delivery.type;
    headers['x-gitea-delivery'] = id;
    headers['x-github-event'] = delivery.type;
    if (delivery.secret) headers['x-gitea-signature'] = signBody(delivery.secret, body);
  } else {
    headers['x-hookflow-event'] = delivery.type;
    headers['x-hookflow-delivery'] = id;
    if (delivery.secret) headers['x-hookflow-signature-256'] = `sha256=${signBody(delivery.secret, body)}`;
  }
  return { headers: { ...headers, ...delivery.headers }, body, id };
}

/** Posts one delivery to `POST /webhooks/<source>` and returns the status and JSON answer. */
export async function postDelivery(baseUrl: string, delivery: Delivery): Promise<{ status: number; body: any; id: string; headers: Headers }> {
  const { headers, body, id } = buildDelivery(delivery);
  const response = await fetch(`${baseUrl}/webhooks/${delivery.source}`, { method: 'POST', headers, body });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, id, headers: response.headers };
}
