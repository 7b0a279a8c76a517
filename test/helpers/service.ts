import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { configFromObject } from '../../src/config/load.js';
import { startService, type Service } from '../../src/service.js';
import type { RunRecord } from '../../src/store/runs.js';
import { makeRepo } from './git-repo.js';

export const TEST_TOKEN = 'test-operator-token';

export interface TestServiceOptions {
  /** Flow files by id: an object is written as pretty JSON, a string as is. */
  flows?: Record<string, unknown>;
  /** Raw configuration keys merged over the test defaults. */
  config?: Record<string, unknown>;
  env?: Record<string, string>;
  /** Reuse the folder of an earlier test service (for restarts). */
  dir?: string;
  /** A logger of the test's own, to read what the service logs. */
  log?: pino.Logger;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export interface TestService {
  service: Service;
  url: string;
  dir: string;
  flowsDir: string;
  request(method: string, urlPath: string, options?: { body?: unknown; headers?: Record<string, string>; auth?: boolean }): Promise<HttpAnswer>;
  /** Polls GET /runs/:id until the run has finished. */
  waitForRun(id: string): Promise<RunRecord>;
  close(): Promise<void>;
}

export function flowFileText(flow: unknown): string {
  return typeof flow === 'string' ? flow : `${JSON.stringify(flow, null, 2)}\n`;
}

/** Starts a real service on 127.0.0.1 over a temporary git repository and SQLite file. */
export async function startTestService(options: TestServiceOptions = {}): Promise<TestService> {
  const files: Record<string, string> = {};
  for (const [id, flow] of Object.entries(options.flows ?? {})) files[`flows.d/${id}.json`] = flowFileText(flow);
  const dir = options.dir ?? makeRepo(files);

  const config = configFromObject({
    server: { host: '127.0.0.1', port: 0 },
    flows_dir: 'flows.d',
    data_dir: 'data',
    log: { level: process.env.HOOKFLOW_TEST_LOG ?? 'silent' },
    ...options.config,
  }, dir);
  fs.mkdirSync(config.flows_dir, { recursive: true });

  // Node types read forge tokens from process.env, so the test's variables go there too.
  Object.assign(process.env, options.env);
  const env = { ...process.env, HOOKFLOW_OPERATOR_TOKEN: TEST_TOKEN, ...options.env };
  const log = options.log ?? pino({ level: config.log.level });
  const service = await startService(config, { env, log });

  async function request(method: string, urlPath: string, opts: { body?: unknown; headers?: Record<string, string>; auth?: boolean } = {}): Promise<HttpAnswer> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.auth !== false) headers.authorization ??= `Bearer ${TEST_TOKEN}`;
    let body: string | Buffer | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === 'string' || Buffer.isBuffer(opts.body) ? opts.body : JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${service.url}${urlPath}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON (metrics, empty bodies): the text stays as the body.
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  }

  async function waitForRun(id: string): Promise<RunRecord> {
    for (let attempt = 0; attempt < 500; attempt++) {
      const answer = await request('GET', `/runs/${id}`);
      if (answer.status === 200 && !['queued', 'running'].includes(answer.body.status)) return answer.body;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`run ${id} did not finish within 5 s`);
  }

  return {
    service, url: service.url, dir, flowsDir: config.flows_dir, request, waitForRun,
    close: () => service.close(),
  };
}

export function removeDir(dir: string): void {
  fs.rmSync(path.resolve(dir), { recursive: true, force: true });
}
