/** The commands that read or switch one flow, or list them: thin wrappers over the operator API. */
import { stringOption, UsageError, type Command, type OptionsConfig, type ParsedArgs } from './command.js';
import { EXIT } from './exit-codes.js';
import { ApiClient, CONNECTION_HELP, CONNECTION_OPTIONS, encodeId, resolveTarget } from './http-client.js';
import { formatTable, type Io } from './output.js';

const JSON_OPTION: OptionsConfig = { json: { type: 'boolean' } };
const LIMIT_OPTION: OptionsConfig = { limit: { type: 'string' } };
const LIMIT_HELP = '  --limit N   show the newest N entries (1 to 1000, default 100)';

/** Returns the `?limit=` query of `--limit`, checked so that a typo fails before the request. */
function limitQuery(args: ParsedArgs): string {
  const raw = stringOption(args.values, 'limit');
  if (raw === undefined) return '';
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError(`--limit must be a whole number from 1 to 1000; got "${raw}"`);
  return `?limit=${limit}`;
}

function clientFor(args: ParsedArgs, io: Io): ApiClient {
  return new ApiClient(resolveTarget(args.values, io.env, io.cwd));
}

function printJson(io: Io, value: unknown): void {
  io.stdout.line(JSON.stringify(value, null, 2));
}

function text(value: unknown): string {
  if (value === undefined || value === null) return '-';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function helpText(usage: string, description: string, options: string[]): string {
  return `Usage: ${usage}

${description}

Options:
${[...options, '  -h, --help  show this help'].join('\n')}

${CONNECTION_HELP}`;
}

/** One entry of `GET /flows`; the settings are null when no valid version of the flow serves. */
export interface FlowSummary {
  id: string;
  name: string | null;
  source: string | null;
  enabled: boolean | null;
  priority: number | null;
  mutex_group: string | null;
  version: string | null;
  commit: string | null;
  status: { state: string; reason: string; message: string; errors?: unknown[] } | null;
}

/** Fetches `GET /flows`: every flow's dispatch settings, version and status, without nodes. */
export async function fetchFlowList(client: ApiClient): Promise<FlowSummary[]> {
  const body = (await client.call('GET', '/flows', [200])) as { flows?: FlowSummary[] };
  return body.flows ?? [];
}

export const listCommand: Command = {
  name: 'list',
  summary: 'list the flows with their state, priority and version',
  help: helpText('hookflow list [--json] [server options]', 'Lists every flow the server knows, ordered as dispatch orders them\n(priority descending, then id).', ['  --json      print the raw answer of GET /flows']),
  options: { ...JSON_OPTION, ...CONNECTION_OPTIONS },
  positionals: { min: 0, max: 0 },

  async run(args, io) {
    const flows = await fetchFlowList(clientFor(args, io));
    if (args.values.json) {
      printJson(io, { flows });
      return EXIT.OK;
    }
    if (flows.length === 0) {
      io.stdout.line('no flows');
      return EXIT.OK;
    }
    const sorted = [...flows].sort((a, b) => (b.priority ?? 0) - (a.priority ?? 0) || a.id.localeCompare(b.id));
    const rows = sorted.map((flow) => [
      flow.id, text(flow.status?.state), text(flow.source), text(flow.priority), text(flow.mutex_group), text(flow.version), flow.name ?? '',
    ]);
    for (const line of formatTable(['ID', 'STATE', 'SOURCE', 'PRIORITY', 'GROUP', 'VERSION', 'NAME'], rows)) io.stdout.line(line);
    return EXIT.OK;
  },
};

export const getCommand: Command = {
  name: 'get',
  summary: 'print the flow the server serves, as a flow file',
  help: helpText('hookflow get [--json] [server options] ID', 'Prints the flow that dispatch serves now as JSON, fit to save as a flow file\n(hookflow get ID > flows/ID.json). When the file on the server is invalid or\nthe flow is disabled, a note on stderr says so.', ['  --json      print the whole answer: flow, version and status']),
  options: { ...JSON_OPTION, ...CONNECTION_OPTIONS },
  positionals: { min: 1, max: 1 },

  async run(args, io) {
    const id = args.positionals[0];
    const body = (await clientFor(args, io).call('GET', `/flows/${encodeId(id)}`, [200])) as { flow?: unknown; status?: FlowSummary['status'] };
    if (args.values.json) {
      printJson(io, body);
      return EXIT.OK;
    }
    printJson(io, body.flow);
    const state = body.status?.state;
    if (state && state !== 'active') {
      io.stderr.line(io.stderr.style.yellow(`note: ${id} is ${state}${body.status?.message ? `: ${body.status.message}` : ''}`));
    }
    return EXIT.OK;
  },
};

function switchCommand(action: 'enable' | 'disable'): Command {
  const past = `${action}d`;
  return {
    name: action,
    summary: `${action} a flow (a commit, unless it is ${past} already)`,
    help: helpText(`hookflow ${action} [server options] ID`, `Sets "enabled" to ${action === 'enable'}: the server writes the file, commits it and records it in the audit.\nWhen the flow is ${past} already, nothing is written. Default flows cannot be ${past}: fork them.`, []),
    options: { ...CONNECTION_OPTIONS },
    positionals: { min: 1, max: 1 },

    async run(args, io) {
      const id = args.positionals[0];
      const body = (await clientFor(args, io).call('POST', `/flows/${encodeId(id)}/${action}`, [200])) as { changed?: boolean; version?: string };
      if (body.changed === false) io.stdout.line(`${id} was ${past} already; nothing written`);
      else io.stdout.line(`${past} ${id}${body.version ? `, version ${body.version}` : ''}`);
      return EXIT.OK;
    },
  };
}

export const enableCommand = switchCommand('enable');
export const disableCommand = switchCommand('disable');

export const deleteCommand: Command = {
  name: 'delete',
  summary: 'delete a flow (its file, in a commit)',
  help: helpText('hookflow delete [server options] ID', 'Deletes the flow: the server removes its file in a commit and records it in the audit.\nThe flow stops serving at once. Default flows cannot be deleted: disable a fork\nwith a higher priority in the same mutex_group instead.', []),
  options: { ...CONNECTION_OPTIONS },
  positionals: { min: 1, max: 1 },

  async run(args, io) {
    const id = args.positionals[0];
    await clientFor(args, io).call('DELETE', `/flows/${encodeId(id)}`, [204, 200]);
    io.stdout.line(`deleted ${id}`);
    return EXIT.OK;
  },
};

/** One commit of `GET /flows/:id/history`, as the service reads it from `git log`. */
interface HistoryEntry {
  commit: string;
  author?: { name?: string; email?: string };
  /** Author date, ISO 8601. */
  at?: string;
  subject?: string;
  /** The action of a commit hookflow made (create, update…); null for other commits. */
  action?: string | null;
}

export const historyCommand: Command = {
  name: 'history',
  summary: 'show the git log of a flow\'s file',
  help: helpText('hookflow history [--limit N] [--json] [server options] ID', 'Lists the commits that changed the flow\'s file, newest first, with the action of\nthe commits hookflow made (create, update, enable, disable, delete, hand_edit).', [LIMIT_HELP, '  --json      print the raw answer of GET /flows/ID/history']),
  options: { ...LIMIT_OPTION, ...JSON_OPTION, ...CONNECTION_OPTIONS },
  positionals: { min: 1, max: 1 },

  async run(args, io) {
    const id = args.positionals[0];
    const body = (await clientFor(args, io).call('GET', `/flows/${encodeId(id)}/history${limitQuery(args)}`, [200])) as { history?: HistoryEntry[] };
    if (args.values.json) {
      printJson(io, body);
      return EXIT.OK;
    }
    const commits = body.history ?? [];
    if (commits.length === 0) {
      io.stdout.line(`no commits touch the file of ${id}`);
      return EXIT.OK;
    }
    const rows = commits.map((entry) => [
      entry.commit.slice(0, 10), text(entry.at), text(entry.author?.name), text(entry.action), text(entry.subject),
    ]);
    for (const line of formatTable(['COMMIT', 'DATE', 'AUTHOR', 'ACTION', 'SUBJECT'], rows)) io.stdout.line(line);
    return EXIT.OK;
  },
};

/** One row of `GET /flows/:id/audit`, from the `flow_audit` table. */
interface AuditRow {
  id: number;
  action: string;
  operator: string;
  /** ISO 8601 UTC. */
  at: string;
  commit: string | null;
  /** Unified diff of the pretty JSON before and after. */
  diff?: string;
}

export const auditCommand: Command = {
  name: 'audit',
  summary: 'show the audit rows of a flow (who changed what, with diffs)',
  help: helpText('hookflow audit [--diff] [--limit N] [--json] [server options] ID', 'Lists the flow_audit rows of the flow, newest first: action, operator, time and commit.', [
    '  --diff      print each row\'s unified diff under it',
    LIMIT_HELP,
    '  --json      print the raw answer of GET /flows/ID/audit',
  ]),
  options: { diff: { type: 'boolean' }, ...LIMIT_OPTION, ...JSON_OPTION, ...CONNECTION_OPTIONS },
  positionals: { min: 1, max: 1 },

  async run(args, io) {
    const id = args.positionals[0];
    const body = (await clientFor(args, io).call('GET', `/flows/${encodeId(id)}/audit${limitQuery(args)}`, [200])) as { audit?: AuditRow[] };
    if (args.values.json) {
      printJson(io, body);
      return EXIT.OK;
    }
    const rows = body.audit ?? [];
    if (rows.length === 0) {
      io.stdout.line(`no audit rows for ${id}`);
      return EXIT.OK;
    }
    if (!args.values.diff) {
      const table = rows.map((row) => [String(row.id), row.at, row.action, row.operator, (row.commit ?? '-').slice(0, 10)]);
      for (const line of formatTable(['ID', 'AT', 'ACTION', 'OPERATOR', 'COMMIT'], table)) io.stdout.line(line);
      return EXIT.OK;
    }
    for (const row of rows) {
      io.stdout.line(io.stdout.style.bold(`#${row.id} ${row.at} ${row.action} by ${row.operator} (commit ${(row.commit ?? '-').slice(0, 10)})`));
      // The service stores diffs made by the diff package, which start with a row of "=" that git does not print.
      if (row.diff) io.stdout.line(row.diff.split('\n').filter((line) => !line.startsWith('====')).join('\n').trimEnd());
      io.stdout.line();
    }
    return EXIT.OK;
  },
};
