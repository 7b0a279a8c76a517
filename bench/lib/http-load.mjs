/**
 * A small HTTP load generator: a fixed number of POST requests over keep-alive connections
 * with bounded concurrency, to 127.0.0.1 only. `runLoad` works in the calling process.
 * `runLoadInChild` runs it in a child process, so that the loader and the server under test
 * share neither an event loop nor, on a machine with two or more cores, a core.
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

/**
 * @typedef {object} LoadSpec
 * @property {string} url            `http://127.0.0.1:<port>/<path>`; any other host is rejected
 * @property {string} body           the same body for every request
 * @property {Record<string, string>} headers  headers for every request
 * @property {string} [idHeader]     header that gets a unique value per request
 * @property {string} [idPrefix]     prefix of that value; the request number follows it
 * @property {number} requests       requests to send
 * @property {number} concurrency    requests in flight at once, and open connections
 * @property {number} timeLimitMs    no new request starts after this time
 * @property {number} [requestTimeoutMs]  a request open longer than this counts as an error
 */

/**
 * Sends the requests and returns counts by status (`error` for failed requests), the elapsed
 * time from the first request to the last response, the rate of each status per second, and
 * the CPU time the loader used. A loader near 100 % of one core limits the measured rate.
 */
export async function runLoad(spec) {
  const target = new URL(spec.url);
  if (target.protocol !== 'http:' || target.hostname !== '127.0.0.1') {
    throw new Error(`the load generator only sends to http://127.0.0.1, not ${spec.url}`);
  }

  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const body = Buffer.from(spec.body);
  const statuses = {};
  const deadline = performance.now() + spec.timeLimitMs;
  let next = 0;

  const sendOne = (index) => new Promise((resolve) => {
    const headers = { ...spec.headers, 'content-length': String(body.length) };
    if (spec.idHeader) headers[spec.idHeader] = `${spec.idPrefix ?? ''}${index}`;
    const request = http.request({
      host: '127.0.0.1', port: target.port, path: target.pathname + target.search, method: 'POST', agent, headers,
    }, (response) => {
      response.resume();
      response.on('end', () => resolve(String(response.statusCode)));
      response.on('error', () => resolve('error'));
    });
    request.setTimeout(spec.requestTimeoutMs ?? 10_000, () => request.destroy(new Error('request timed out')));
    request.on('error', () => resolve('error'));
    request.end(body);
  });

  const worker = async () => {
    while (next < spec.requests && performance.now() < deadline) {
      const status = await sendOne(next++);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };

  const started = performance.now();
  const cpuStart = process.cpuUsage();
  await Promise.all(Array.from({ length: spec.concurrency }, worker));
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuStart);
  agent.destroy();

  const rates = Object.fromEntries(Object.entries(statuses).map(([status, count]) => [status, count / (elapsedMs / 1000)]));
  return { sent: next, statuses, elapsedMs, rates, timedOut: next < spec.requests, loaderCpuMs: (cpu.user + cpu.system) / 1000 };
}

const workerFile = fileURLToPath(new URL('./load-worker.mjs', import.meta.url));

/** Runs `runLoad(spec)` in a child Node process and returns its result. */
export function runLoadInChild(spec) {
  return new Promise((resolve, reject) => {
    // No inherited execArgv, so a --cpu-prof of the benchmark profiles the server side only.
    const child = fork(workerFile, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result;
    child.once('message', (message) => {
      if (message.error) reject(new Error(`load generator failed: ${message.error}`));
      else result = message.result;
    });
    child.once('error', reject);
    child.once('close', (code) => {
      if (result) resolve(result);
      else reject(new Error(`load generator exited with code ${code} and no result`));
    });
    child.send(spec);
  });
}
