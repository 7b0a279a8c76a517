/**
 * A local HTTP proxy in front of a test service that can run a step before it forwards a
 * request: the apply tests use it to change a flow between the CLI's read and its write,
 * which reproduces a concurrent change deterministically.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
  method: string;
  path: string;
}

export interface Proxy {
  url: string;
  requests: ProxiedRequest[];
  close(): Promise<void>;
}

export async function startProxy(targetUrl: string, beforeForward: (request: ProxiedRequest) => Promise<void> = async () => {}): Promise<Proxy> {
  const requests: ProxiedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const request = { method: req.method ?? 'GET', path: req.url ?? '/' };
      requests.push(request);
      await beforeForward(request);

      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string' && name !== 'host' && name !== 'connection') headers[name] = value;
      }
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      const answer = await fetch(`${targetUrl}${request.path}`, { method: request.method, headers, body });
      const answerHeaders: Record<string, string> = {};
      answer.headers.forEach((value, name) => {
        if (name !== 'content-length' && name !== 'transfer-encoding' && name !== 'connection') answerHeaders[name] = value;
      });
      res.writeHead(answer.status, answerHeaders);
      res.end(Buffer.from(await answer.arrayBuffer()));
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
