/**
 * `hookflow apply FILE...`: makes the server's flows match flow files, the way `kubectl apply`
 * makes a cluster match manifests. Each file is validated locally before any request. Then the
 * flow is created (POST), left alone when equal after defaults, or updated. An update is a PATCH
 * with a JSON Merge Patch and `If-Match` on the version read, so a concurrent change is never
 * overwritten.
 */
import path from 'node:path';
import type { Flow } from '../flow/model.js';
import { validateFlow } from '../flow/validate.js';
import type { Command } from './command.js';
import { CliError } from './errors.js';
import { EXIT } from './exit-codes.js';
import { checkFlowFile, expandFlowPaths, formatFileProblem, localRegistry, locateProblem } from './flow-files.js';
import { buildMergePatch, flowDiff, sameFlow } from './flow-diff.js';
import { ApiClient, responseError, CONNECTION_HELP, CONNECTION_OPTIONS, encodeId, isApiErrorBody, resolveTarget, type ApiResponse } from './http-client.js';
import type { Io } from './output.js';

export const applyCommand: Command = {
  name: 'apply',
  summary: 'create or update flows on the server so that they match flow files',
  help: `Usage: hookflow apply [--dry-run] [server options] FILE|FOLDER...

For each flow file (a folder stands for every *.json file directly inside it):
validate it locally, then make the server match it:
  created    the flow did not exist: POST /flows
  updated    the flow differed: PATCH /flows/ID with a JSON Merge Patch and If-Match
             on the version read; a short diff of the change follows
  unchanged  the flow is equal after defaults are applied: nothing is written
An invalid file is reported with file:line:column and sends no request. A flow that
changed on the server between the read and the write is not overwritten (conflict).
Default flows are forked, not edited: copy the file under a new id instead.

Options:
  --dry-run   print what would change and write nothing
  -h, --help  show this help

${CONNECTION_HELP}

Exit codes: 0 every file applied or unchanged, 1 a file failed (the others are still
applied), 2 wrong usage, 3 server unreachable or token rejected.`,
  options: { 'dry-run': { type: 'boolean' }, ...CONNECTION_OPTIONS },
  positionals: { min: 1, max: Infinity },

  async run({ values, positionals }, io) {
    const client = new ApiClient(resolveTarget(values, io.env, io.cwd));
    const dryRun = values['dry-run'] === true;
    const { files, emptyFolders } = expandFlowPaths(positionals, io.cwd);
    for (const folder of emptyFolders) io.stderr.line(`hookflow apply: ${folder} contains no *.json files`);

    const counts = { created: 0, updated: 0, unchanged: 0, failed: 0 };
    const ready: ReadyFile[] = [];
    const seen = new Map<string, string>();

    // Step 1, offline: every file is checked before the first request.
    for (const file of files) {
      const checked = checkFlowFile(file, io.cwd);
      if (!checked.ok) {
        counts.failed++;
        io.stderr.line(io.stderr.style.red(`failed ${file}: invalid flow file, nothing sent`));
        for (const problem of checked.problems) io.stderr.line(`  ${formatFileProblem(problem)}`);
        continue;
      }
      const earlier = seen.get(checked.flow.id);
      if (earlier !== undefined) {
        counts.failed++;
        io.stderr.line(io.stderr.style.red(`failed ${file}: flow ${checked.flow.id} is also defined by ${earlier}; apply one of them`));
        continue;
      }
      seen.set(checked.flow.id, file);
      ready.push(checked);
    }

    // Step 2: one flow at a time; a failure is reported and the next file still runs.
    for (const [index, file] of ready.entries()) {
      try {
        const outcome = await applyFile(client, file, dryRun, io);
        counts[outcome]++;
      } catch (error) {
        if (!(error instanceof CliError)) throw error;
        counts.failed++;
        io.stderr.line(io.stderr.style.red(`failed ${file.flow.id} (${file.file}): ${error.message}`));
        for (const detail of error.details) io.stderr.line(`  ${detail}`);
        if (error.exitCode === EXIT.UNREACHABLE) {
          const left = ready.length - index - 1;
          if (left > 0) io.stderr.line(`hookflow apply: stopped; ${left} more file${left === 1 ? '' : 's'} not applied`);
          return EXIT.UNREACHABLE;
        }
      }
    }

    if (files.length > 1) io.stdout.line(summarise(counts, dryRun));
    return counts.failed === 0 ? EXIT.OK : EXIT.FAILURE;
  },
};

interface ReadyFile {
  file: string;
  text: string;
  doc: Record<string, unknown>;
  flow: Flow;
}

type Outcome = 'created' | 'updated' | 'unchanged';

async function applyFile(client: ApiClient, file: ReadyFile, dryRun: boolean, io: Io): Promise<Outcome> {
  const { id } = file.flow;
  const flowPath = `/flows/${encodeId(id)}`;
  const out = io.stdout;

  const current = await client.request('GET', flowPath);
  if (current.status === 404) {
    checkSourceWritable(file);
    if (dryRun) {
      out.line(`${out.style.green('would create')} ${id} (${file.file})`);
      return 'created';
    }
    const created = await client.request('POST', '/flows', { body: file.doc });
    if (created.status === 409) throw new CliError(`flow ${id} was created on the server while apply ran; run apply again to compare with it`);
    if (created.status !== 201) throw rejection(created, `POST /flows`, client, file);
    out.line(`${out.style.green('created')} ${id} (${file.file})${versionNote(undefined, created.body)}`);
    return 'created';
  }
  if (current.status !== 200) throw responseError(current, `GET ${flowPath}`, client.target);

  const served = readServedFlow(current, flowPath, id);
  if (sameFlow(withDefaults(served.doc), file.flow)) {
    out.line(`${out.style.dim('unchanged')} ${id} (${file.file})`);
    return 'unchanged';
  }
  if (served.doc.source === 'default') throw forkAdvice(file, served.doc);
  checkSourceWritable(file);

  const { patch, unsettableNulls } = buildMergePatch(served.doc, file.doc);
  if (unsettableNulls.length > 0) {
    throw new CliError(`the update sets ${unsettableNulls.join(', ')} to null, and a JSON Merge Patch can only remove members, not set them to null`, {
      details: ['Leave the member out of the file, or replace null by another value.'],
    });
  }
  const diff = flowDiff(withDefaults(served.doc), file.flow, `${id} on the server${served.version ? ` (version ${served.version})` : ''}`, file.file);

  if (dryRun) {
    out.line(`${out.style.yellow('would update')} ${id} (${file.file})`);
    printDiff(io, diff);
    return 'updated';
  }
  if (!served.etag) throw new CliError(`the server sent no ETag for ${flowPath}, so the update cannot be guarded against a concurrent change`);

  const updated = await client.request('PATCH', flowPath, {
    body: patch,
    headers: { 'content-type': 'application/merge-patch+json', 'if-match': served.etag },
  });
  if (updated.status === 412) {
    throw new CliError(`conflict: flow ${id} changed on the server after apply read it (version ${served.version ?? served.etag}); nothing was written`, {
      details: [`Run "hookflow apply ${file.file}" again to compare the file with the new version, or "hookflow history ${id}" to see who changed it.`],
    });
  }
  if (updated.status !== 200) throw rejection(updated, `PATCH ${flowPath}`, client, file);
  out.line(`${out.style.yellow('updated')} ${id} (${file.file})${versionNote(served.version, updated.body)}`);
  printDiff(io, diff);
  return 'updated';
}

interface ServedFlow {
  doc: Record<string, unknown>;
  version?: string;
  etag?: string;
}

/**
 * Reads `{ flow, version }` and the ETag from a `GET /flows/:id` response. The flow there is the
 * version dispatch serves, with defaults applied. `flow: null` means that the file on the
 * server is invalid and no valid version serves, which a PATCH cannot repair.
 */
function readServedFlow(response: ApiResponse, flowPath: string, id: string): ServedFlow {
  const body = response.body as { flow?: unknown; version?: unknown; status?: { message?: string } } | undefined;
  if (body?.flow === null) {
    const reason = body.status?.message ? ` (${body.status.message})` : '';
    throw new CliError(`flow ${id} exists on the server, but its file there is invalid and no valid version serves${reason}`, {
      details: [`Fix that file on the server, or run "hookflow delete ${id}" and apply again; "hookflow get --json ${id}" lists its problems.`],
    });
  }
  if (typeof body?.flow !== 'object' || Array.isArray(body.flow)) {
    throw new CliError(`GET ${flowPath}: the response has no "flow" object; is the server a hookflow of the same version?`);
  }
  return {
    doc: body.flow as Record<string, unknown>,
    version: typeof body.version === 'string' ? body.version : undefined,
    etag: response.headers.get('etag') ?? undefined,
  };
}

/**
 * Applies the defaults to a served flow, node args included, with the validator that checked
 * the local file. A served flow that does not validate here, because the server is newer than
 * this client, is compared as it is. At worst that shows a difference that is not there.
 */
function withDefaults(doc: Record<string, unknown>): unknown {
  const result = validateFlow(doc, { registry: localRegistry() });
  return result.ok ? result.flow : doc;
}

/** Only flows shipped with hookflow carry `"source": "default"`; the API writes operator flows. */
function checkSourceWritable(file: ReadyFile): void {
  if (file.flow.source !== 'default') return;
  throw new CliError(`${file.file} sets "source": "default", which only the flows shipped with hookflow carry; set "source": "operator" (or leave it out) to apply it`);
}

function forkAdvice(file: ReadyFile, served: Record<string, unknown>): CliError {
  const id = file.flow.id;
  const group = typeof served.mutex_group === 'string' ? served.mutex_group : undefined;
  const details = [
    `Copy ${file.file} to ${path.join(path.dirname(file.file), `my-${id}.json`)}, set "id": "my-${id}" and "source": "operator", and apply that file.`,
  ];
  if (served.enabled === false) details.push(`${id} ships disabled: set "enabled": true in the fork so that it runs.`);
  if (group) details.push(`Give the fork mutex_group "${group}" and a priority above ${String(served.priority ?? 0)} so that it takes over from ${id}.`);
  return new CliError(`${id} is a default flow: defaults are forked, not edited, so apply did not change it`, { details });
}

/** Builds the error of a rejected write, with each validation problem placed at its line and column in the file. */
function rejection(response: ApiResponse, request: string, client: ApiClient, file: ReadyFile): CliError {
  const error = responseError(response, request, client.target);
  if (response.status !== 422 || !isApiErrorBody(response.body) || !Array.isArray(response.body.errors)) return error;
  const details = response.body.errors.map((problem) => {
    const { code, path: pointer, message } = problem as { code?: unknown; path?: unknown; message?: unknown };
    if (typeof code !== 'string' || typeof pointer !== 'string' || typeof message !== 'string') return JSON.stringify(problem);
    return formatFileProblem(locateProblem(file.file, file.text, { code, path: pointer, message }));
  });
  return new CliError(error.message, { details });
}

function versionNote(before: string | undefined, answerBody: unknown): string {
  const after = (answerBody as { version?: unknown } | undefined)?.version;
  if (typeof after !== 'string') return '';
  return before ? `, version ${before} → ${after}` : `, version ${after}`;
}

function printDiff(io: Io, diff: string): void {
  const { style } = io.stdout;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+') && !line.startsWith('+++')) io.stdout.line(style.green(line));
    else if (line.startsWith('-') && !line.startsWith('---')) io.stdout.line(style.red(line));
    else io.stdout.line(line);
  }
}

function summarise(counts: Record<Outcome | 'failed', number>, dryRun: boolean): string {
  const parts = dryRun
    ? [`${counts.created} to create`, `${counts.updated} to update`, `${counts.unchanged} unchanged`]
    : [`${counts.created} created`, `${counts.updated} updated`, `${counts.unchanged} unchanged`];
  return `${parts.join(', ')}, ${counts.failed} failed`;
}
