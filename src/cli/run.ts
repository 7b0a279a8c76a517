/** `hookflow run ID`: one run of a flow, with its trace. */
import type { Command } from './command.js';
import { printTrace, type TraceEntry } from './dry-run.js';
import { EXIT } from './exit-codes.js';
import { ApiClient, CONNECTION_HELP, CONNECTION_OPTIONS, encodeId, resolveTarget } from './http-client.js';

interface RunAnswer {
  id: string;
  flow_id: string;
  flow_version: string;
  event_id: string;
  source: string;
  event_key: string;
  status: string;
  trace: TraceEntry[] | null;
  error: string | null;
  queued_at: string;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
}

export const runCommand: Command = {
  name: 'run',
  summary: 'print one run and its trace',
  help: `Usage: hookflow run [--json] [server options] RUN_ID

Prints a run (GET /runs/RUN_ID): the flow and version it ran, the event, its status,
and the trace of every node as a table. The run ids are in the webhook answer.

Options:
  --json      print the raw answer
  -h, --help  show this help

${CONNECTION_HELP}`,
  options: { json: { type: 'boolean' }, ...CONNECTION_OPTIONS },
  positionals: { min: 1, max: 1 },

  async run({ values, positionals }, io) {
    const client = new ApiClient(resolveTarget(values, io.env, io.cwd));
    const run = (await client.call('GET', `/runs/${encodeId(positionals[0])}`, [200])) as RunAnswer;
    if (values.json) {
      io.stdout.line(JSON.stringify(run, null, 2));
      return EXIT.OK;
    }

    io.stdout.line(`run ${run.id}: flow ${run.flow_id} (version ${run.flow_version}) for ${run.source} ${run.event_key}, delivery ${run.event_id}`);
    const duration = run.duration_ms === null ? '' : ` in ${run.duration_ms} ms`;
    io.stdout.line(`status ${run.status}${duration}; queued ${run.queued_at}${run.finished_at ? `, finished ${run.finished_at}` : ''}`);
    if (run.error) io.stdout.line(`error: ${run.error}`);
    printTrace(io, run.trace ?? []);
    return EXIT.OK;
  },
};
