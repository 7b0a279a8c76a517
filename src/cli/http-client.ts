/**
 * The client side of the operator API: where the server is, which token to send, and how a
 * failed request turns into a message an operator can act on.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { OptionValues, OptionsConfig } from './command.js';
import { stringOption, UsageError } from './command.js';
import { CliError } from './errors.js';
import { EXIT } from './exit-codes.js';

export const DEFAULT_URL = 'http://127.0.0.1:8787';
export const TOKEN_ENV = 'HOOKFLOW_OPERATOR_TOKEN';
export const URL_ENV = 'HOOKFLOW_URL';
/** Long enough for a mutation behind a queue of others; a hung server still fails in bounded time. */
export const REQUEST_TIMEOUT_MS = 30_000;

export const CONNECTION_OPTIONS: OptionsConfig = {
  url: { type: 'string' },
  'token-file': { type: 'string' },
  'data-dir': { type: 'string' },
};

export const CONNECTION_HELP = `Server options:
  --url URL          address of the service (default: $${URL_ENV}, else ${DEFAULT_URL})
  --token-file FILE  file that contains the operator token
  --data-dir DIR     the service's data folder, whose operator-token file is read
                     when neither --token-file nor $${TOKEN_ENV} is set (default: data)`;

export interface ServerTarget {
  /** Base URL without a trailing slash. */
  url: string;
  token?: string;
  /** Description of the token's origin, for the message on a 401. */
  tokenSource: string;
}

/** The body of every error response of the API. */
export interface ApiErrorBody {
  error: string;
  message: string;
  errors?: unknown[];
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  /** The parsed JSON body; the raw text when the body is not JSON; undefined when there is none. */
  body: unknown;
}

/**
 * Finds the server and the token. The token comes from `--token-file`, else
 * `$HOOKFLOW_OPERATOR_TOKEN`, else `<data-dir>/operator-token`, the file the service generates
 * at first start. A missing default file is not an error here. The request then goes out
 * without credentials, and the 401 message names the places where the token was looked for.
 */
export function resolveTarget(values: OptionValues, env: NodeJS.ProcessEnv, cwd: string): ServerTarget {
  const url = normaliseUrl(stringOption(values, 'url') ?? (env[URL_ENV] || DEFAULT_URL));

  const tokenFile = stringOption(values, 'token-file');
  if (tokenFile !== undefined) {
    const file = path.resolve(cwd, tokenFile);
    const token = readTokenFile(file);
    if (token === undefined) throw new UsageError(`--token-file ${tokenFile}: the file does not exist`);
    if (token === '') throw new UsageError(`--token-file ${tokenFile}: the file is empty`);
    return { url, token, tokenSource: `--token-file ${tokenFile}` };
  }

  const fromEnv = env[TOKEN_ENV]?.trim();
  if (fromEnv) return { url, token: fromEnv, tokenSource: `$${TOKEN_ENV}` };

  const dataDir = stringOption(values, 'data-dir') ?? 'data';
  const defaultFile = path.join(dataDir, 'operator-token');
  const token = readTokenFile(path.resolve(cwd, defaultFile));
  if (token) return { url, token, tokenSource: defaultFile };
  return { url, tokenSource: `none (no --token-file, $${TOKEN_ENV} unset, ${defaultFile} missing)` };
}

function normaliseUrl(raw: string): string {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new UsageError(`the server URL "${raw}" is invalid: give one like ${DEFAULT_URL}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`the server URL "${raw}" must start with http:// or https://`);
  }
  return parsed.href.replace(/\/+$/, '');
}

function readTokenFile(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(`cannot read the token file ${file}: ${(error as Error).message}`);
  }
}

export class ApiClient {
  constructor(
    readonly target: ServerTarget,
    private readonly timeoutMs = REQUEST_TIMEOUT_MS,
  ) {}

  /**
   * Sends one request. A body that is not a string is sent as JSON. Throws a CliError with exit
   * code 3 when the server cannot be reached, and returns every HTTP response, error statuses included.
   */
  async request(method: string, urlPath: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (this.target.token) headers.authorization = `Bearer ${this.target.token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }

    let response: Response;
    try {
      response = await fetch(`${this.target.url}${urlPath}`, { method, headers, body, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      throw this.unreachable(error);
    }
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: parseBody(text) };
  }

  /** Sends one request and returns the body of a response with an expected status; any other status throws its error. */
  async call(method: string, urlPath: string, expected: number[], options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<unknown> {
    const response = await this.request(method, urlPath, options);
    if (expected.includes(response.status)) return response.body;
    throw responseError(response, `${method} ${urlPath}`, this.target);
  }

  private unreachable(error: unknown): CliError {
    const cause = (error as { cause?: NodeJS.ErrnoException }).cause;
    const code = cause?.code ?? (error as NodeJS.ErrnoException).code;
    if ((error as Error).name === 'TimeoutError') {
      return new CliError(`hookflow at ${this.target.url} did not respond within ${this.timeoutMs / 1000} s`, { exitCode: EXIT.UNREACHABLE });
    }
    if (code === 'ECONNREFUSED') {
      return new CliError(`cannot reach hookflow at ${this.target.url}: is it running? (hookflow serve)`, { exitCode: EXIT.UNREACHABLE });
    }
    const reason = cause?.message ?? (error as Error).message;
    return new CliError(`cannot reach hookflow at ${this.target.url}: ${reason}`, { exitCode: EXIT.UNREACHABLE });
  }
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function isApiErrorBody(body: unknown): body is ApiErrorBody {
  return typeof body === 'object' && body !== null && typeof (body as ApiErrorBody).error === 'string' && typeof (body as ApiErrorBody).message === 'string';
}

/**
 * Turns an error response into a CliError: the server's message, and one detail line per listed
 * problem. A 401 names where the token came from and exits with code 3, like a server that is down.
 */
export function responseError(response: ApiResponse, request: string, target: ServerTarget): CliError {
  const body = isApiErrorBody(response.body) ? response.body : undefined;
  if (response.status === 401) {
    const reason = body?.message ?? 'the credentials are wrong';
    const summary = target.token === undefined
      ? `no operator token was found, so none was sent: ${target.tokenSource.replace(/^none \((.*)\)$/, '$1')}`
      : `the server rejected the operator token (${reason}); token from ${target.tokenSource}`;
    return new CliError(`${request}: ${summary}`, {
      exitCode: EXIT.UNREACHABLE,
      details: [`Set $${TOKEN_ENV} or --token-file to the token the service uses (by default <data_dir>/operator-token next to the service).`],
    });
  }
  if (!body) {
    const text = typeof response.body === 'string' ? `: ${response.body.slice(0, 200)}` : '';
    return new CliError(`${request}: unexpected response ${response.status} from ${target.url}${text}`);
  }
  const details = (body.errors ?? []).map(formatApiProblem);
  return new CliError(`${request}: ${body.message} (${response.status} ${body.error})`, { details });
}

/** Formats one problem of an error response: `path: CODE message` for validation problems, else its JSON. */
export function formatApiProblem(problem: unknown): string {
  if (typeof problem === 'object' && problem !== null && typeof (problem as { message?: unknown }).message === 'string') {
    const { code, path: pointer, message } = problem as { code?: string; path?: string; message: string };
    return `${pointer || '/'}: ${code ? `${code} ` : ''}${message}`;
  }
  return JSON.stringify(problem);
}

export function encodeId(id: string): string {
  return encodeURIComponent(id);
}
