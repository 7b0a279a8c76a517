/** `hookflow status`: is the service up, and which flows need attention. */
import type { Command } from './command.js';
import { EXIT } from './exit-codes.js';
import { fetchFlowList } from './flows-commands.js';
import { ApiClient, CONNECTION_HELP, CONNECTION_OPTIONS, resolveTarget } from './http-client.js';
import { formatTable } from './output.js';

interface HealthAnswer {
  status?: string;
  flows?: Record<string, number>;
  queue_depth?: number;
  reconcile?: { last_pass?: string | null; flows_dir_missing?: boolean };
}

/** States in which the served flow differs from the file, so an operator must act. */
const ATTENTION_STATES = new Set(['stale', 'invalid']);

export const statusCommand: Command = {
  name: 'status',
  summary: 'show the service\'s health and every flow that is stale or invalid',
  help: `Usage: hookflow status [--json] [server options]

Prints the service's health (GET /healthz): readiness, flows by state, run queue
depth and the reconcile loop's last pass; then every flow whose file is invalid
(stale: the last valid version still serves; invalid: nothing serves), with its errors.

Options:
  --json      print {"health", "flows"} as JSON
  -h, --help  show this help

${CONNECTION_HELP}

Exit codes: 0 ready and every flow active or disabled, 1 starting, flows folder
missing, or a flow stale or invalid, 3 server unreachable or token rejected.`,
  options: { json: { type: 'boolean' }, ...CONNECTION_OPTIONS },
  positionals: { min: 0, max: 0 },

  async run({ values }, io) {
    const client = new ApiClient(resolveTarget(values, io.env, io.cwd));
    const health = (await client.call('GET', '/healthz', [200, 503])) as HealthAnswer;
    const flows = await fetchFlowList(client);
    const troubled = flows.filter((flow) => ATTENTION_STATES.has(flow.status?.state ?? ''));
    const healthy = health.status === 'ok' && !health.reconcile?.flows_dir_missing && troubled.length === 0;

    if (values.json) {
      io.stdout.line(JSON.stringify({ health, flows }, null, 2));
      return healthy ? EXIT.OK : EXIT.FAILURE;
    }

    const { style } = io.stdout;
    const counts = Object.entries(health.flows ?? {}).map(([state, count]) => `${count} ${state}`).join(', ');
    const ready = health.status === 'ok' ? style.green('ready') : style.yellow(health.status ?? 'unknown');
    io.stdout.line(`hookflow at ${client.target.url}: ${ready}`);
    io.stdout.line(`flows: ${counts || 'none'}`);
    io.stdout.line(`run queue: ${health.queue_depth ?? 0} waiting`);
    io.stdout.line(`reconcile: last pass ${health.reconcile?.last_pass ?? 'not yet'}`);
    if (health.reconcile?.flows_dir_missing) io.stdout.line(style.red('the flows folder is missing; flows keep serving their last version'));

    if (troubled.length > 0) {
      io.stdout.line();
      const rows = troubled.map((flow) => [flow.id, flow.status?.state ?? '', flow.status?.message ?? flow.status?.reason ?? '']);
      for (const line of formatTable(['ID', 'STATE', 'MESSAGE'], rows)) io.stdout.line(line);
    }
    return healthy ? EXIT.OK : EXIT.FAILURE;
  },
};
