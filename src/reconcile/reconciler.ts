import { setImmediate as nextTick } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { FlowTable } from '../dispatch/selection.js';
import type { CompiledFlow } from '../engine/compile.js';
import { fileFingerprint } from '../flow/fingerprint.js';
import type { Problem } from '../flow/model.js';
import type { NodeRegistry } from '../nodes/registry.js';
import type { SerialQueue } from '../store/serial-queue.js';
import { describeProblems, failureReason, flowIdOfFile, loadFlowBytes } from './flow-file.js';
import type { HandChange, HandEditRecorder } from './hand-edits.js';
import { readFlowFile, type FileSignature } from './read-flow-file.js';
import type { StatusBoard } from './status.js';

export interface ReconcilerOptions {
  registry: NodeRegistry;
  table: FlowTable;
  board: StatusBoard;
  /** Shared with the API's writes: a file hookflow is writing is never read as a hand edit. */
  mutations: SerialQueue;
  recorder: HandEditRecorder;
  log: Logger;
}

/** How long a pass may hold the event loop between yields, in milliseconds. */
const YIELD_EVERY_MS = 5;

/** Most files a pass reads and applies without yielding while the record step runs (see `passDuringRecord`). */
const IMMEDIATE_PASS_MAX_FILES = 16;

/** Conditions a pass checks at the moment it applies, after its reads. */
export interface PassConditions {
  /** Whether a change to `file` may now be reported broken or removed (see ChangeQueue). */
  isSettled(file: string): boolean;
  /** Whether a git command is rewriting the work tree; the pass then applies nothing. */
  isGitBusy(): boolean;
  /** Whether the flows folder exists; a vanished folder removes no flow. */
  dirExists(): boolean;
}

export type PassResult =
  | { applied: true; settled: Set<string> }
  | { applied: false; why: 'git-busy' | 'dir-missing' };

/** The result of reading one file, before anything is applied. */
type Finding =
  | { kind: 'unchanged'; file: string; read: boolean }
  | { kind: 'deleted'; file: string; id: string }
  | { kind: 'valid'; file: string; id: string; compiled: CompiledFlow; fingerprint: string; bytes: Buffer }
  | { kind: 'invalid'; file: string; id: string; problems: Problem[]; fingerprint: string | null };

/**
 * Keeps the dispatcher equal to the flow files, one pass at a time. A pass, for each file:
 * reads it, fingerprints the bytes, compares the fingerprint with what the status board last
 * observed (equal: nothing to do), parses and validates, then swaps the new version into the
 * flow table and records the status. Hand changes get their audit rows and commits last.
 *
 * All files of a pass are read before any is applied, and the swaps happen in one
 * synchronous step. An event dispatched during a pass therefore meets the flows from before
 * it or from after it, never a mix, and a checkout of hundreds of files switches the set at once.
 */
export class Reconciler {
  /** Signature of every file when it was last read, so that a full scan reads only files that changed. */
  readonly signatures = new Map<string, FileSignature>();
  /** Hand changes applied but not yet recorded. */
  private readonly pendingChanges: HandChange[] = [];
  private recording = false;

  constructor(private readonly options: ReconcilerOptions) {}

  /** True while this reconciler records hand changes, inside the queue of flow changes. */
  get isRecording(): boolean {
    return this.recording;
  }

  /**
   * Runs a pass without waiting for the queue of flow changes, while this reconciler's own
   * record step holds that queue (it waits on git for tens of milliseconds per hand edit).
   * No API write can run meanwhile, so reading and applying is safe as long as the pass never
   * yields, because an API write could start in the gap. Returns null, and does nothing, when
   * no record step runs or the pass is too large to run without yielding. Its hand changes
   * join the records being written.
   */
  passDuringRecord(files: string[], conditions: PassConditions): PassResult | null {
    if (!this.recording || files.length > IMMEDIATE_PASS_MAX_FILES) return null;
    return this.applyFindings(files.map((file) => this.inspect(file)), conditions);
  }

  pass(files: string[], conditions: PassConditions): Promise<PassResult> {
    return this.options.mutations.run(async () => {
      const findings: Finding[] = [];
      let busySince = performance.now();
      for (const file of files) {
        findings.push(this.inspect(file));
        // Reading and validating are synchronous: yield now and then so webhooks keep flowing during a large pass.
        if (performance.now() - busySince >= YIELD_EVERY_MS) {
          await nextTick();
          busySince = performance.now();
        }
      }

      const result = this.applyFindings(findings, conditions);
      await this.recordPendingChanges();
      return result;
    });
  }

  /** Applies what a pass found, all in one synchronous step, and queues the hand changes for recording. */
  private applyFindings(findings: Finding[], conditions: PassConditions): PassResult {
    // Checked after the reads: git or a deletion may have started while they ran.
    if (!conditions.dirExists()) return { applied: false, why: 'dir-missing' };
    if (conditions.isGitBusy()) return { applied: false, why: 'git-busy' };

    const settled = new Set<string>();
    const applied: Finding[] = [];
    const changes: HandChange[] = [];
    for (const finding of findings) {
      const isSettled = conditions.isSettled(finding.file);
      if (isSettled) settled.add(finding.file);
      // A file caught empty, half-written or missing may be on its way to new content: wait until it settles.
      if ((finding.kind === 'invalid' || finding.kind === 'deleted') && !isSettled) continue;
      applied.push(finding);
      const change = this.apply(finding);
      if (change) changes.push(change);
    }

    this.logSummary(findings, applied, changes);
    this.pendingChanges.push(...changes);
    return { applied: true, settled };
  }

  /** Records every queued hand change, including those that immediate passes add meanwhile. */
  private async recordPendingChanges(): Promise<void> {
    this.recording = true;
    try {
      while (this.pendingChanges.length > 0) {
        await this.options.recorder.record(this.pendingChanges.splice(0));
      }
    } finally {
      this.recording = false;
    }
  }

  /** Reads one file and finds what changed since the status board last looked at it. */
  private inspect(file: string): Finding {
    const { board, table, registry } = this.options;
    const id = flowIdOfFile(file);
    const read = readFlowFile(file);

    if (read.kind === 'missing') {
      this.signatures.delete(file);
      return board.get(id) || table.get(id) ? { kind: 'deleted', file, id } : { kind: 'unchanged', file, read: false };
    }
    if (read.signature) this.signatures.set(file, read.signature);
    if (read.kind === 'unreadable') {
      const status = board.get(id);
      if (status?.reason === 'ReadFailed' && status.message === read.problem.message) return { kind: 'unchanged', file, read: false };
      return { kind: 'invalid', file, id, problems: [read.problem], fingerprint: null };
    }

    const fingerprint = fileFingerprint(read.bytes);
    if (board.get(id)?.observed_version === fingerprint) return { kind: 'unchanged', file, read: true };

    const result = loadFlowBytes(read.bytes, file, registry);
    if (!result.ok) return { kind: 'invalid', file, id, problems: result.problems, fingerprint };
    return { kind: 'valid', file, id, compiled: result.compiled, fingerprint, bytes: read.bytes };
  }

  /** Applies one finding to the flow table and the status board; returns the hand change to record, if any. */
  private apply(finding: Finding): HandChange | null {
    const { board, table } = this.options;
    if (finding.kind === 'unchanged') return null;

    const { id, file } = finding;
    const served = table.get(id);

    if (finding.kind === 'deleted') {
      table.remove(id);
      board.delete(id);
      return served ? { id, file, before: served.flow, after: null, bytes: null } : null;
    }

    if (finding.kind === 'invalid') {
      const keeps = served
        ? `so version ${served.version} keeps serving until the file is fixed`
        : 'so the flow does not serve until the file is fixed';
      board.set(id, {
        state: served ? 'stale' : 'invalid',
        reason: failureReason(finding.problems),
        message: `${file} is invalid, ${keeps}: ${describeProblems(finding.problems)}`,
        errors: finding.problems,
        observed_version: finding.fingerprint,
        file,
      });
      return null;
    }

    const { compiled } = finding;
    const previous = board.get(id);
    const recovered = previous?.state === 'stale' || previous?.state === 'invalid';
    if (served?.version === compiled.version && previous && !recovered) {
      // Only the formatting changed: the same flow keeps serving and its status stays, but the
      // file did change, so it is recorded (and committed) like any hand edit.
      board.set(id, { ...previous, observed_version: finding.fingerprint });
      return { id, file, before: served.flow, after: compiled.flow, bytes: finding.bytes };
    }
    table.upsert(compiled);
    board.set(id, {
      state: compiled.flow.enabled ? 'active' : 'disabled',
      reason: appliedReason(recovered, served !== undefined),
      message: recovered
        ? `flow ${id} recovered: ${file} is valid again and version ${compiled.version} serves`
        : `flow ${id} ${served ? 'updated' : 'added'}: version ${compiled.version} from ${file} serves`,
      errors: [],
      observed_version: finding.fingerprint,
      file,
    });
    // A recovery to the version that kept serving changes nothing about the flow, so nothing is recorded.
    if (served?.version === compiled.version) return null;
    return { id, file, before: served?.flow ?? null, after: compiled.flow, bytes: finding.bytes };
  }

  /** Logs one info line per pass that changed something; the counts show that work follows the changes, not the folder size. */
  private logSummary(findings: Finding[], applied: Finding[], changes: HandChange[]): void {
    const counts = { valid: 0, invalid: 0, deleted: 0 };
    for (const finding of applied) if (finding.kind !== 'unchanged') counts[finding.kind]++;
    if (counts.valid + counts.invalid + counts.deleted === 0) return;

    const read = findings.filter((finding) => finding.kind === 'valid' || finding.kind === 'invalid' || (finding.kind === 'unchanged' && finding.read)).length;
    const validated = findings.filter((finding) => finding.kind === 'valid' || (finding.kind === 'invalid' && finding.fingerprint !== null)).length;
    this.options.log.info({
      files_read: read, files_validated: validated, applied: counts.valid, invalid: counts.invalid, deleted: counts.deleted, hand_changes: changes.length,
    }, 'flow files reconciled');
  }
}

function appliedReason(recovered: boolean, wasServed: boolean): string {
  if (recovered) return 'Recovered';
  return wasServed ? 'Updated' : 'Added';
}
