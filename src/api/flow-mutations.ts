import { compileFlow, type CompiledFlow } from '../engine/compile.js';
import { HookflowError } from '../errors.js';
import { fileFingerprint, flowVersion } from '../flow/fingerprint.js';
import type { Flow, Problem } from '../flow/model.js';
import { validateFlow } from '../flow/validate.js';
import type { AuditAction } from '../store/audit.js';
import { writeFlowChange, type FlowWriterDeps } from '../store/flow-writer.js';
import type { GitIdentity } from '../store/git.js';
import type { ApiContext } from './context.js';
import { readCurrentFlow, isAbsent, type CurrentFlow } from './flow-views.js';
import { entityTag, ifMatchHolds } from './if-match.js';
import { applyMergePatch } from './merge-patch.js';

export interface MutationOutcome {
  /** The flow serving after the change; null after a delete. */
  compiled: CompiledFlow | null;
  commit: string | null;
  /** False when the request asked for the state the flow is in already; then nothing was written. */
  changed: boolean;
}

const STATUS_REASONS: Partial<Record<AuditAction, string>> = {
  create: 'Created', update: 'Updated', enable: 'Enabled', disable: 'Disabled',
};

/**
 * The operator's changes to flows: validate, then write through `writeFlowChange` (file, commit,
 * audit row) and swap the result into the dispatcher. Every change runs in the service's mutation
 * queue, one at a time, together with the reconcile loop's. Errors are HookflowErrors, and
 * nothing here depends on HTTP.
 */
export class FlowMutations {
  private readonly writer: FlowWriterDeps;
  private readonly operator: GitIdentity;

  constructor(private readonly context: ApiContext) {
    const { flowsRepo, db, log, metrics, config } = context;
    this.writer = {
      repo: flowsRepo.repo, db, commits: flowsRepo.commits, journalFile: flowsRepo.journalFile, log,
      observeStep: (step, seconds) => metrics.mutationSeconds.observe({ step }, seconds),
    };
    this.operator = { name: config.auth.operator_user, email: config.auth.operator_email ?? flowsRepo.repo.identity.email };
  }

  /** Creates a flow from a document; FLOW_EXISTS when the id is taken. */
  create(doc: unknown): Promise<MutationOutcome> {
    return this.context.mutations.run(async () => {
      const flow = this.validate(doc, []);
      const current = await readCurrentFlow(this.context, flow.id);
      if (!isAbsent(current)) {
        const hint = current.served?.flow.source === 'default'
          ? 'it is a default flow; fork it by creating a copy under a new id'
          : `change it with PATCH /flows/${flow.id}`;
        throw new HookflowError('FLOW_EXISTS', `flow ${flow.id} exists already; ${hint}`);
      }
      return this.write(current, 'create', doc as Record<string, unknown>, flow);
    });
  }

  /** Applies a JSON Merge Patch to the flow; VERSION_MISMATCH when `ifMatch` names an old version. */
  patch(id: string, patch: unknown, ifMatch?: string): Promise<MutationOutcome> {
    return this.context.mutations.run(async () => {
      const current = await this.readWritable(id, ifMatch);
      const next = applyMergePatch(baseDocument(current), patch);
      const idProblems: Problem[] = isObject(next) && next.id !== id
        ? [{ code: 'FLOW_ID_CHANGED', path: '/id', message: `The id of flow "${id}" cannot change; create a flow under the new id with POST /flows and delete this one.` }]
        : [];
      const flow = this.validate(next, idProblems);

      const served = current.served!;
      if (flowVersion(flow) === served.version && current.fileVersion === served.version) {
        return { compiled: served, commit: null, changed: false };
      }
      return this.write(current, 'update', next as Record<string, unknown>, flow);
    });
  }

  /** Switches `enabled`; asking for the current state writes nothing. */
  setEnabled(id: string, enabled: boolean, ifMatch?: string): Promise<MutationOutcome> {
    return this.context.mutations.run(async () => {
      const current = await this.readWritable(id, ifMatch);
      const served = current.served!;
      if (served.flow.enabled === enabled) return { compiled: served, commit: null, changed: false };

      const next = { ...baseDocument(current), enabled };
      const flow = this.validate(next, []);
      return this.write(current, enabled ? 'enable' : 'disable', next, flow);
    });
  }

  /** Deletes the flow's file and stops serving it. */
  remove(id: string, ifMatch?: string): Promise<MutationOutcome> {
    return this.context.mutations.run(async () => {
      const current = await readCurrentFlow(this.context, id);
      if (isAbsent(current)) throw notFound(id);
      assertNotDefault(current);
      assertIfMatch(current, ifMatch);

      const { board, dispatcher } = this.context;
      const { commit } = await writeFlowChange(this.writer, {
        id, action: 'delete', text: null, before: current.bytes, operator: this.operator,
        apply: () => {
          dispatcher.flows.remove(id);
          board.delete(id);
        },
      });
      return { compiled: null, commit, changed: true };
    });
  }

  /** Reads the flow for a change of an existing flow and checks that the change is allowed. */
  private async readWritable(id: string, ifMatch: string | undefined): Promise<CurrentFlow> {
    const current = await readCurrentFlow(this.context, id);
    if (isAbsent(current)) throw notFound(id);
    assertNotDefault(current);
    if (!current.served) {
      throw new HookflowError('FLOW_NOT_SERVED', `flow ${id} has no valid version: ${current.file} is invalid (GET /flows/${id} lists the problems); fix the file or delete the flow`);
    }
    assertIfMatch(current, ifMatch);
    return current;
  }

  /** Validates a document for writing: every problem at once, and only the operator source. */
  private validate(doc: unknown, extraProblems: Problem[]): Flow {
    const started = performance.now();
    const result = validateFlow(doc, { registry: this.context.registry, allowedSources: ['operator'] });
    this.context.metrics.mutationSeconds.observe({ step: 'validate' }, (performance.now() - started) / 1000);

    const problems = [...extraProblems, ...(result.ok ? [] : result.problems)];
    if (result.ok && problems.length === 0) return result.flow;
    if (problems.every((problem) => problem.code === 'FLOW_SOURCE_FORBIDDEN')) {
      throw new HookflowError('SOURCE_FORBIDDEN', problems[0].message, { errors: problems });
    }
    const first = problems[0];
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problems, listed in errors)` : '';
    throw new HookflowError('FLOW_INVALID', `the flow is invalid: ${first.path || '/'}: ${first.message}${more}`, { errors: problems });
  }

  private async write(current: CurrentFlow, action: AuditAction, doc: Record<string, unknown>, flow: Flow): Promise<MutationOutcome> {
    const compiled = compileFlow(flow, this.context.registry);
    const text = `${JSON.stringify(doc, null, 2)}\n`;
    const { board, dispatcher } = this.context;

    const { commit } = await writeFlowChange(this.writer, {
      id: flow.id, action, text, before: current.bytes, operator: this.operator,
      apply: () => {
        dispatcher.flows.upsert(compiled);
        board.set(flow.id, {
          state: flow.enabled ? 'active' : 'disabled',
          reason: STATUS_REASONS[action] ?? 'Written',
          message: `flow ${flow.id} ${action === 'create' ? 'created' : `${action}d`} by ${this.operator.name} through the API`,
          errors: [],
          // The reconcile loop compares this with the file it reads, and so recognises hookflow's own write.
          observed_version: fileFingerprint(text),
          file: current.file,
        });
      },
    });
    return { compiled, commit, changed: true };
  }
}

/**
 * Returns the document a PATCH or a switch of `enabled` starts from. That is the file as written
 * when it contains the served version, so that defaults left out stay left out, and otherwise
 * (a stale flow whose file is invalid) the served flow.
 */
function baseDocument(current: CurrentFlow): Record<string, unknown> {
  if (current.doc && current.fileVersion === current.served?.version) return structuredClone(current.doc);
  return structuredClone(current.served!.flow) as unknown as Record<string, unknown>;
}

function assertNotDefault(current: CurrentFlow): void {
  const source = current.served?.flow.source ?? current.doc?.source;
  if (source !== 'default') return;
  throw new HookflowError(
    'FLOW_READ_ONLY',
    `flow ${current.id} is a default flow and read-only; fork it: POST /flows with a copy under a new id and "source": "operator" (give it a higher priority in the same mutex_group to take over its events)`,
  );
}

function assertIfMatch(current: CurrentFlow, ifMatch: string | undefined): void {
  if (ifMatchHolds(ifMatch, current.served?.version)) return;
  const now = current.served ? `the current version is ${entityTag(current.served.version)}` : 'no valid version serves';
  throw new HookflowError('VERSION_MISMATCH', `If-Match ${ifMatch} does not match flow ${current.id}: ${now}; read the flow again and retry`);
}

function notFound(id: string): HookflowError {
  return new HookflowError('FLOW_NOT_FOUND', `no flow has id ${id}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
