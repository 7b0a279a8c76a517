import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Reply {
  status?: number;
  /** A string is sent as text/plain, anything else as JSON; undefined sends no body. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Milliseconds to wait before responding. */
  delayMs?: number;
}

export interface MockServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Starts a local HTTP server on 127.0.0.1 that records every request and responds with `reply`. */
export async function startMockServer(reply: (request: RecordedRequest) => Reply = () => ({ status: 200, body: {} })): Promise<MockServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      const answer = reply(recorded);
      setTimeout(() => {
        const headers: Record<string, string> = { ...answer.headers };
        let body: string | undefined;
        if (typeof answer.body === 'string') {
          headers['content-type'] ??= 'text/plain; charset=utf-8';
          body = answer.body;
        } else if (answer.body !== undefined) {
          headers['content-type'] ??= 'application/json; charset=utf-8';
          body = JSON.stringify(answer.body);
        }
        res.writeHead(answer.status ?? 200, headers);
        res.end(body);
      }, answer.delayMs ?? 0);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
