import type { Config, ForgeConfig } from '../config/model.js';
import type { HookEvent } from '../flow/model.js';
import { readResponseBody, readResponseText } from './read-response.js';
import { redactHeaders } from './redact-headers.js';
import type { Effect } from './types.js';

/** Time limit in milliseconds of one forge API call. The forge config has no setting for it. */
export const FORGE_TIMEOUT_MS = 30_000;

/** Characters of an error response quoted in the error message. */
const ERROR_EXCERPT_CHARS = 300;

/** The issue or pull request an event is about. */
export interface IssueRef {
  owner: string;
  repo: string;
  number: number;
}

/** A forge API call, complete except for the token, which `ForgeClient.send` adds. */
export interface ForgeRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
}

/**
 * Picks the forge a node talks to: the one named by `name`, else the first configured
 * forge whose kind equals the event's source.
 */
export function selectForge(config: Config, event: HookEvent, name?: string): { name: string; forge: ForgeConfig } {
  const forges = config.forges ?? {};
  if (name !== undefined) {
    const forge = forges[name];
    if (!forge) throw new Error(`forge "${name}" is not configured: add forges.${name} to the config or fix the node's forge arg`);
    return { name, forge };
  }
  const found = Object.entries(forges).find(([, forge]) => forge.kind === event.source);
  if (!found) {
    throw new Error(`no forge of kind "${event.source}" is configured under forges in the config: add one, or name a forge in the node's forge arg`);
  }
  return { name: found[0], forge: found[1] };
}

/** Reads the repository and the issue or pull request number from the event. */
export function issueRefOf(event: HookEvent): IssueRef {
  const payload = (event.payload ?? {}) as Record<string, any>;
  const number = payload.issue?.number ?? payload.pull_request?.number ?? payload.number;
  if (!Number.isInteger(number) || number < 1) {
    throw new Error(`event ${event.key} names no issue or pull request: payload.issue.number, payload.pull_request.number and payload.number are all missing`);
  }
  const slash = event.repository?.indexOf('/') ?? -1;
  if (!event.repository || slash < 1 || slash === event.repository.length - 1) {
    throw new Error(`event ${event.key} names no repository: payload.repository.full_name is missing or not owner/name`);
  }
  return { owner: event.repository.slice(0, slash), repo: event.repository.slice(slash + 1), number };
}

export class ForgeClient {
  constructor(
    readonly name: string,
    readonly forge: ForgeConfig,
  ) {}

  static forEvent(config: Config, event: HookEvent, forgeName?: string): ForgeClient {
    const { name, forge } = selectForge(config, event, forgeName);
    return new ForgeClient(name, forge);
  }

  /** The REST API root: `base_url` for GitHub, `base_url` + `/api/v1` for Gitea. */
  get apiRoot(): string {
    const base = this.forge.base_url.replace(/\/+$/, '');
    return this.forge.kind === 'gitea' ? `${base}/api/v1` : base;
  }

  repoPath(ref: Pick<IssueRef, 'owner' | 'repo'>): string {
    return `/repos/${encodeURIComponent(ref.owner)}/${encodeURIComponent(ref.repo)}`;
  }

  issuePath(ref: IssueRef): string {
    return `${this.repoPath(ref)}/issues/${ref.number}`;
  }

  buildRequest(method: string, path: string, body?: unknown): ForgeRequest {
    const headers: Record<string, string> = {
      accept: this.forge.kind === 'github' ? 'application/vnd.github+json' : 'application/json',
      'user-agent': 'hookflow',
    };
    if (this.forge.kind === 'github') headers['x-github-api-version'] = '2022-11-28';
    if (body !== undefined) headers['content-type'] = 'application/json';
    return { method, url: `${this.apiRoot}${path}`, headers, body };
  }

  /** Builds the trace record of a request, with the token shown as `[redacted]`. */
  effectOf(request: ForgeRequest): Effect {
    const headers = this.forge.token_env ? { ...request.headers, authorization: '' } : request.headers;
    return {
      kind: 'forge',
      mutating: request.method !== 'GET',
      method: request.method,
      url: request.url,
      headers: redactHeaders(headers),
      body: request.body,
    };
  }

  /**
   * Sends the request with the token from `token_env` and returns the response body.
   * A non-2xx status throws with the status and an excerpt of the body, except 404 when
   * `allowNotFound` is set, which returns null.
   */
  async send(request: ForgeRequest, options: { allowNotFound?: boolean } = {}): Promise<unknown> {
    const headers = { ...request.headers, authorization: this.authorization() };
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);

    let response: Response;
    try {
      response = await fetch(request.url, { method: request.method, headers, body, signal: AbortSignal.timeout(FORGE_TIMEOUT_MS) });
    } catch (err) {
      const reason = (err as Error).name === 'TimeoutError'
        ? `timed out after ${FORGE_TIMEOUT_MS} ms`
        : ((err as Error).cause as Error | undefined)?.message ?? (err as Error).message;
      throw new Error(`forge ${this.name}: ${request.method} ${request.url} failed: ${reason}`, { cause: err });
    }

    if (response.ok) return readResponseBody(response, request.url);
    const text = await readResponseText(response, request.url);
    if (response.status === 404 && options.allowNotFound) return null;
    throw new Error(`forge ${this.name}: ${request.method} ${request.url} failed with status ${response.status}: ${text.slice(0, ERROR_EXCERPT_CHARS)}`);
  }

  private authorization(): string {
    const variable = this.forge.token_env;
    if (!variable) throw new Error(`forges.${this.name}.token_env is not set in the config: the ${this.forge.kind} API needs a token`);
    const token = process.env[variable];
    if (!token) throw new Error(`environment variable ${variable} (forges.${this.name}.token_env) is empty or not set`);
    return this.forge.kind === 'github' ? `Bearer ${token}` : `token ${token}`;
  }
}
