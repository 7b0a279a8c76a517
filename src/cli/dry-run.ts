/** `hookflow dry-run ID --event FILE`: what a flow would do with an event, without doing it. */
import fs from 'node:fs';
import path from 'node:path';
import { stringOption, UsageError, type Command } from './command.js';
import { CliError } from './errors.js';
import { EXIT } from './exit-codes.js';
import { checkFlowFile, formatFileProblem } from './flow-files.js';
import { ApiClient, CONNECTION_HELP, CONNECTION_OPTIONS, encodeId, resolveTarget } from './http-client.js';
import { formatTable, type Io, type Style } from './output.js';

const SOURCES = ['github', 'gitea', 'generic'];

export const dryRunCommand: Command = {
  name: 'dry-run',
  summary: 'run a flow on an event without effects and print its trace',
  help: `Usage: hookflow dry-run [options] [server options] ID|FLOW_FILE --event FILE

Runs flow ID on the event in FILE the way dispatch would, except that no mutating
node touches the outside world and no budget is spent; disabled and default flows
work too. Prints whether the flow would be selected (and why not), the trace of
every node as a table, and the budget the run would spend.

Given a flow file (a name ending in .json) instead of an ID, the file is validated
locally and dry-run as if it replaced the served flow of its id, without saving it.

FILE is either an event, {"source": "github", "type": "issues", "payload": {...}}
(optionally wrapped as {"event": {...}}), or a raw forge payload as a forge sends
it; for a raw payload, give --type.

Options:
  --event FILE     the event or payload (required)
  --type TYPE      FILE is a raw payload of this event type (the X-GitHub-Event
                   or X-Gitea-Event header value, such as issues or push)
  --source SOURCE  github, gitea or generic (default: the event's, else github)
  --json           print the raw answer of POST /flows/ID/dry-run
  -h, --help       show this help

${CONNECTION_HELP}

Exit codes: 0 the dry run ran (whatever the flow would do), 1 the server rejected
it, 2 wrong usage or an unreadable FILE, 3 server unreachable or token rejected.`,
  options: {
    event: { type: 'string' },
    type: { type: 'string' },
    source: { type: 'string' },
    json: { type: 'boolean' },
    ...CONNECTION_OPTIONS,
  },
  positionals: { min: 1, max: 1 },

  async run({ values, positionals }, io) {
    const eventFile = stringOption(values, 'event');
    if (eventFile === undefined) throw new UsageError('--event FILE is required');
    const source = stringOption(values, 'source');
    if (source !== undefined && !SOURCES.includes(source)) throw new UsageError(`--source must be one of ${SOURCES.join(', ')}; got "${source}"`);
    const event = readEvent(path.resolve(io.cwd, eventFile), eventFile, stringOption(values, 'type'), source);

    const client = new ApiClient(resolveTarget(values, io.env, io.cwd));
    const target = positionals[0];
    let answer: DryRunAnswer;
    if (target.endsWith('.json')) {
      // Flow ids cannot contain a dot, so a name ending in .json is always a file.
      const checked = checkFlowFile(target, io.cwd);
      if (!checked.ok) {
        throw new CliError(`${target} is invalid, nothing sent`, { details: checked.problems.map(formatFileProblem) });
      }
      answer = (await client.call('POST', '/flows/dry-run', [200], { body: { flow: checked.doc, event } })) as DryRunAnswer;
    } else {
      answer = (await client.call('POST', `/flows/${encodeId(target)}/dry-run`, [200], { body: { event } })) as DryRunAnswer;
    }
    if (values.json) io.stdout.line(JSON.stringify(answer, null, 2));
    else printDryRun(io, answer);
    return EXIT.OK;
  },
};

interface EventBody {
  source: string;
  type: string;
  action?: string;
  payload: unknown;
}

/** Reads FILE as an event, or as a raw payload when `type` is given. */
export function readEvent(file: string, shownName: string, type: string | undefined, source: string | undefined): EventBody {
  let content: unknown;
  try {
    content = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`--event ${shownName}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }

  if (type !== undefined) return { source: source ?? 'github', type, payload: content };

  const candidate = isObject(content) && isObject(content.event) ? content.event : content;
  if (!isObject(candidate) || typeof candidate.type !== 'string' || !('payload' in candidate)) {
    throw new UsageError(`--event ${shownName} is not an event with "type" and "payload"; if it is a raw forge payload, pass --type (such as --type issues)`);
  }
  const event: EventBody = { source: source ?? (typeof candidate.source === 'string' ? candidate.source : 'github'), type: candidate.type, payload: candidate.payload };
  if (typeof candidate.action === 'string') event.action = candidate.action;
  return event;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface TraceEntry {
  node: string;
  type: string;
  status: string;
  duration_ms?: number;
  effect?: Effect[] | null;
  error?: string | null;
  reason?: string;
}

interface Effect {
  kind?: string;
  mutating?: boolean;
  method?: string;
  url?: string;
  command?: string;
  argv?: string[];
}

export interface DryRunAnswer {
  flow: string;
  version?: string;
  /** The event key, `type.action` or `type`. */
  event?: string;
  selected: boolean;
  reason?: string | null;
  /** The status the run would end with: succeeded, halted, failed or budget_exhausted. */
  status?: string;
  trace?: TraceEntry[];
  effects?: Effect[];
  budget?: { would_spend?: number; remaining?: number };
}

export function printDryRun(io: Io, answer: DryRunAnswer): void {
  const { style } = io.stdout;
  const version = answer.version ? ` (version ${answer.version})` : '';
  const event = answer.event ? ` for ${answer.event}` : '';
  const selection = answer.selected ? style.green('would be selected') : style.yellow(`would not be selected: ${answer.reason ?? 'no reason given'}`);
  io.stdout.line(`flow ${answer.flow}${version}${event} ${selection}`);
  if (answer.status) io.stdout.line(`the run would end with status ${answer.status}`);

  printTrace(io, answer.trace ?? []);

  const effects = answer.effects ?? [];
  const mutating = effects.filter((effect) => effect.mutating).length;
  io.stdout.line();
  io.stdout.line(`effects: ${effects.length} (${mutating} mutating)`);
  if (answer.budget) {
    io.stdout.line(`budget: would spend ${answer.budget.would_spend ?? 0} of ${answer.budget.remaining ?? '?'} mutating calls left`);
  }
}

/** Prints a run's trace as a table, one row per node, coloured by status on a terminal. */
export function printTrace(io: Io, trace: TraceEntry[]): void {
  if (trace.length === 0) return;
  const { style } = io.stdout;
  io.stdout.line();
  const rows = trace.map((entry) => [entry.node, entry.type, entry.status, formatDuration(entry.duration_ms), describeOutcome(entry)]);
  const lines = formatTable(['NODE', 'TYPE', 'STATUS', 'DURATION', 'EFFECT / ERROR'], rows);
  io.stdout.line(style.bold(lines[0]));
  lines.slice(1).forEach((line, index) => io.stdout.line(colourByStatus(style, trace[index].status, line)));
}

function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '-';
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

function describeOutcome(entry: TraceEntry): string {
  if (entry.error) return `error: ${entry.error}`;
  const effects = (entry.effect ?? []).map(describeEffect);
  if (effects.length > 0) return effects.join('; ');
  return entry.reason ?? '';
}

export function describeEffect(effect: Effect): string {
  if (effect.command !== undefined) return [effect.command, ...(effect.argv ?? [])].join(' ');
  if (effect.url !== undefined) return `${effect.method ?? 'GET'} ${effect.url}`;
  return effect.kind ?? JSON.stringify(effect);
}

function colourByStatus(style: Style, status: string, line: string): string {
  if (status === 'failed' || status === 'budget_exhausted') return style.red(line);
  if (status === 'simulated') return style.yellow(line);
  if (status === 'halted' || status === 'skipped') return style.dim(line);
  return line;
}
