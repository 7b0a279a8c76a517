import path from 'node:path';
import type { CompiledFlow } from '../engine/compile.js';
import { flowVersion } from '../flow/fingerprint.js';
import type { Flow } from '../flow/model.js';
import { parseFlowText } from '../flow/parse.js';
import { validateFlow } from '../flow/validate.js';
import type { FlowStatus } from '../reconcile/status.js';
import { readFileIfExists } from '../store/files.js';
import type { ApiContext } from './context.js';

/** The version the service serves for one flow id, and the current content of its file. */
export interface CurrentFlow {
  id: string;
  file: string;
  served: CompiledFlow | undefined;
  /** The file's bytes; null when there is no file. */
  bytes: Buffer | null;
  /** The file's JSON object, when it parses. */
  doc: Record<string, unknown> | undefined;
  /** The file's flow version, when the file is a valid flow. */
  fileVersion: string | undefined;
}

export async function readCurrentFlow(context: ApiContext, id: string): Promise<CurrentFlow> {
  const file = path.join(context.flowsRepo.repo.dir, `${id}.json`);
  const served = context.dispatcher.flows.get(id);
  const bytes = await readFileIfExists(file);
  if (bytes === null) return { id, file, served, bytes, doc: undefined, fileVersion: undefined };

  const parsed = parseFlowText(bytes.toString('utf8'));
  if (!parsed.ok) return { id, file, served, bytes, doc: undefined, fileVersion: undefined };
  const validated = validateFlow(parsed.doc, { registry: context.registry, fileName: `${id}.json` });
  return { id, file, served, bytes, doc: parsed.doc, fileVersion: validated.ok ? flowVersion(validated.flow) : undefined };
}

/** True when neither a served version nor a file exists for the id. */
export function isAbsent(current: CurrentFlow): boolean {
  return current.served === undefined && current.bytes === null;
}

/** The flow as `GET /flows/:id` shows it. */
export interface FlowView {
  id: string;
  /** The flow the dispatcher serves, defaults applied; null when no valid version serves. */
  flow: Flow | null;
  /** The served flow's content hash: the ETag without quotes, and the version runs record. */
  version: string | null;
  /** The newest git commit of the flow's file; null when git does not hold the file. */
  commit: string | null;
  /** The status of the file as the service last read it. */
  status: FlowStatus | null;
}

export function buildFlowView(context: ApiContext, id: string): FlowView {
  const served = context.dispatcher.flows.get(id);
  return {
    id,
    flow: served?.flow ?? null,
    version: served?.version ?? null,
    commit: commitOf(context, id),
    status: context.board.get(id) ?? null,
  };
}

/** One entry of `GET /flows`: the dispatch settings without the nodes. */
export interface FlowSummary {
  id: string;
  name: string | null;
  source: string | null;
  enabled: boolean | null;
  priority: number | null;
  mutex_group: string | null;
  version: string | null;
  commit: string | null;
  status: FlowStatus | null;
}

export function buildFlowSummaries(context: ApiContext): FlowSummary[] {
  const ids = new Set([...context.dispatcher.flows.all().map((compiled) => compiled.flow.id), ...context.board.all().keys()]);
  return [...ids].sort().map((id) => {
    const flow = context.dispatcher.flows.get(id)?.flow;
    return {
      id,
      name: flow?.name ?? null,
      source: flow?.source ?? null,
      enabled: flow?.enabled ?? null,
      priority: flow?.priority ?? null,
      mutex_group: flow?.mutex_group ?? null,
      version: context.dispatcher.flows.get(id)?.version ?? null,
      commit: commitOf(context, id),
      status: context.board.get(id) ?? null,
    };
  });
}

/** True when the service serves a version of the id or has a status for its file. */
export function isKnownFlow(context: ApiContext, id: string): boolean {
  return context.dispatcher.flows.get(id) !== undefined || context.board.get(id) !== undefined;
}

function commitOf(context: ApiContext, id: string): string | null {
  const entry = context.flowsRepo.commits.get(`${id}.json`);
  return entry && !entry.deleted ? entry.commit : null;
}
