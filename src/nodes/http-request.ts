import type { HookEvent } from '../flow/model.js';
import { isHostAllowed } from './allowed-hosts.js';
import { readResponseBody } from './read-response.js';
import { redactHeaders } from './redact-headers.js';
import { eventView, insertAsText, insertAsUriComponent, renderTemplate } from './render-template.js';
import type { Effect, NodeType } from './types.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const READ_ONLY_METHODS = new Set(['GET', 'HEAD']);

export const MAX_HTTP_TIMEOUT_MS = 120_000;

interface HttpArgs {
  method: (typeof METHODS)[number];
  url: string;
  headers: Record<string, string>;
  timeout_ms: number;
}

interface HttpOutputs {
  response: unknown;
  status: number;
}

/** Dry runs output status 0 and a null response, because nothing was sent. */
const SIMULATED: HttpOutputs = { response: null, status: 0 };

function buildUrl(args: HttpArgs, event: HookEvent, allowedHosts: readonly string[]): URL {
  const text = renderTemplate(args.url, eventView(event), 'args.url', insertAsUriComponent);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`args.url rendered to "${text}", which is not an absolute URL`);
  }
  if (!isHostAllowed(url, allowedHosts)) {
    throw new Error(`host ${url.host} of ${url.origin} is not allowed: add it to http.allowed_hosts in the config (http and https only)`);
  }
  return url;
}

function buildHeaders(args: HttpArgs, event: HookEvent): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, template] of Object.entries(args.headers ?? {})) {
    const value = renderTemplate(template, eventView(event), `args.headers.${name}`, insertAsText);
    if (/[\r\n]/.test(value)) throw new Error(`header ${name} contains a line break after rendering`);
    headers[name] = value;
  }
  return headers;
}

/** Encodes the body input: a string is sent as text, anything else as JSON. */
function encodeBody(body: unknown, headers: Record<string, string>): string | undefined {
  if (body === undefined) return undefined;
  const hasContentType = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
  if (typeof body === 'string') {
    if (!hasContentType) headers['content-type'] = 'text/plain; charset=utf-8';
    return body;
  }
  if (!hasContentType) headers['content-type'] = 'application/json';
  return JSON.stringify(body);
}

/** Returns the URL to record in traces, with user info replaced because it is a credential. */
function redactUrl(url: URL): string {
  if (!url.username && !url.password) return url.href;
  const copy = new URL(url.href);
  copy.username = '[redacted]';
  copy.password = '';
  return copy.href;
}

async function send(method: string, url: URL, headers: Record<string, string>, body: string | undefined, timeoutMs: number): Promise<HttpOutputs> {
  const shownUrl = redactUrl(url);
  try {
    // Redirects are not followed, so a redirect cannot lead to a host outside the allow-list.
    const response = await fetch(url, { method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    return { status: response.status, response: await readResponseBody(response, shownUrl) };
  } catch (err) {
    if ((err as Error).name === 'TimeoutError') throw new Error(`${method} ${shownUrl} timed out after ${timeoutMs} ms`, { cause: err });
    const cause = (err as Error).cause as Error | undefined;
    throw new Error(`${method} ${shownUrl} failed: ${cause?.message ?? (err as Error).message}`, { cause: err });
  }
}

export const httpRequest: NodeType = {
  type: 'http.request',
  description: 'Sends an HTTP request to a host allowed by http.allowed_hosts, without following redirects, and outputs the status, which never fails the node, and the response (parsed JSON or text).',
  mutating: (args) => !READ_ONLY_METHODS.has(args.method ?? 'POST'),
  mutatingNote: 'yes, unless the method is GET or HEAD',
  inputs: { body: { type: 'any' }, event: { type: 'event', required: true } },
  outputs: { response: 'json', status: 'number' },
  args: {
    type: 'object',
    additionalProperties: false,
    required: ['url'],
    properties: {
      method: { enum: [...METHODS], default: 'POST', description: 'HTTP method. GET and HEAD are not mutating and take no body.' },
      url: {
        type: 'string', minLength: 1,
        description: 'Absolute http(s) URL, a Mustache template over the event: {{name}} percent-encodes the value and {{{name}}} inserts it as is.',
      },
      headers: {
        type: 'object', default: {},
        propertyNames: { pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$" },
        additionalProperties: { type: 'string' },
        description: 'Request headers, each value a Mustache template over the event without escaping.',
      },
      timeout_ms: {
        type: 'integer', minimum: 1, maximum: MAX_HTTP_TIMEOUT_MS, default: 10_000,
        description: 'Time limit in milliseconds for the whole request, body included.',
      },
    },
  },
  async run(ctx) {
    const args = { method: 'POST', timeout_ms: 10_000, ...ctx.args } as HttpArgs;
    const timeoutMs = Math.min(args.timeout_ms, MAX_HTTP_TIMEOUT_MS);
    const event = ctx.inputs.event as HookEvent;
    const body = ctx.inputs.body;
    if (body !== undefined && READ_ONLY_METHODS.has(args.method)) {
      throw new Error(`a ${args.method} request cannot have a body: disconnect the body input or use another method`);
    }

    const url = buildUrl(args, event, ctx.config.http.allowed_hosts);
    const headers = buildHeaders(args, event);
    const encoded = encodeBody(body, headers);
    const effect: Effect = {
      kind: 'http',
      mutating: !READ_ONLY_METHODS.has(args.method),
      method: args.method,
      url: redactUrl(url),
      headers: redactHeaders(headers),
      body,
    };

    const outputs = await ctx.effect(effect, () => send(args.method, url, headers, encoded, timeoutMs), SIMULATED);
    return { outputs: { ...outputs } };
  },
};
