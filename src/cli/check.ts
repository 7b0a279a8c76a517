/** `hookflow check`: do the flow files, git and the audit table agree? */
import type { Command } from './command.js';
import { EXIT } from './exit-codes.js';
import { ApiClient, CONNECTION_HELP, CONNECTION_OPTIONS, resolveTarget } from './http-client.js';
import { formatTable } from './output.js';

interface CheckProblem {
  kind: string;
  flow?: string;
  file?: string;
  commit?: string;
  message: string;
}

interface CheckReport {
  ok: boolean;
  checked?: Record<string, unknown>;
  problems: CheckProblem[];
}

export const checkCommand: Command = {
  name: 'check',
  summary: 'check that flow files, git and the audit table agree',
  help: `Usage: hookflow check [--json] [server options]

Asks the service (GET /check) to compare the flow files, the git history and the
flow_audit table, between two flow changes. It lists every disagreement: leftover
temporary files, an interrupted write, flow files that differ from HEAD, hookflow
commits without an audit row, audit rows that name a commit git does not have, and
flows whose newest audit row does not describe the file.

Options:
  --json      print the raw report
  -h, --help  show this help

${CONNECTION_HELP}

Exit codes: 0 everything agrees, 1 a problem was found, 3 server unreachable or
token rejected.`,
  options: { json: { type: 'boolean' }, ...CONNECTION_OPTIONS },
  positionals: { min: 0, max: 0 },

  async run({ values }, io) {
    const client = new ApiClient(resolveTarget(values, io.env, io.cwd));
    const report = (await client.call('GET', '/check', [200])) as CheckReport;
    if (values.json) {
      io.stdout.line(JSON.stringify(report, null, 2));
      return report.ok ? EXIT.OK : EXIT.FAILURE;
    }

    const checked = Object.entries(report.checked ?? {}).map(([what, count]) => `${String(count)} ${what.replace(/_/g, ' ')}`).join(', ');
    if (report.ok) {
      io.stdout.line(io.stdout.style.green(`consistent${checked ? `: checked ${checked}` : ''}`));
      return EXIT.OK;
    }
    io.stdout.line(io.stdout.style.red(`${report.problems.length} problem${report.problems.length === 1 ? '' : 's'} found${checked ? ` (checked ${checked})` : ''}`));
    const rows = report.problems.map((problem) => [problem.kind, problem.flow ?? problem.file ?? '-', (problem.commit ?? '-').slice(0, 10), problem.message]);
    for (const line of formatTable(['KIND', 'FLOW', 'COMMIT', 'MESSAGE'], rows)) io.stdout.line(line);
    return EXIT.FAILURE;
  },
};
