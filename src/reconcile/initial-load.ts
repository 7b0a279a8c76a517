import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { FlowTable } from '../dispatch/selection.js';
import type { NodeRegistry } from '../nodes/registry.js';
import { readFileAtCommit, type FlowsGit } from '../store/git.js';
import { describeProblems, failureReason, flowIdOfFile, loadFlowBytes, loadFlowText } from './flow-file.js';
import { isFlowFileName, readFlowFile, type FileSignature } from './read-flow-file.js';
import type { StatusBoard } from './status.js';

export interface InitialLoadOptions {
  flowsDir: string;
  registry: NodeRegistry;
  table: FlowTable;
  board: StatusBoard;
  log: Logger;
  /** The repository of the flows folder, for the HEAD version of a file that fails validation. */
  repo?: FlowsGit;
  /** Filled with the signature of every file read, so the reconcile loop's first scan reads only what changed since. */
  signatures?: Map<string, FileSignature>;
}

/**
 * Loads every `*.json` in the flows folder. A file that fails validation serves its version
 * at git HEAD when that one is valid (state `stale`); otherwise the flow is `invalid` and
 * does not serve. One bad file never stops the others from loading.
 */
export async function loadFlowsDir(options: InitialLoadOptions): Promise<void> {
  const { flowsDir, registry, table, board } = options;
  const files = listFlowFiles(flowsDir);

  for (const file of files) {
    const id = flowIdOfFile(file);
    const read = readFlowFile(file);
    if (read.kind === 'missing') continue;
    if (read.kind === 'unreadable') {
      board.set(id, {
        state: 'invalid', reason: 'ReadFailed', message: read.problem.message,
        errors: [read.problem], observed_version: null, file,
      });
      continue;
    }
    options.signatures?.set(file, read.signature);

    const result = loadFlowBytes(read.bytes, file, registry);
    if (result.ok) {
      table.upsert(result.compiled);
      const enabled = result.compiled.flow.enabled;
      board.set(id, {
        state: enabled ? 'active' : 'disabled', reason: 'Loaded', message: `flow ${id} loaded`,
        errors: [], observed_version: result.fingerprint, file,
      }, { quiet: true });
      continue;
    }

    const fallback = options.repo ? await loadHeadVersion(options.repo, file, registry) : null;
    if (fallback) table.upsert(fallback);
    board.set(id, {
      state: fallback ? 'stale' : 'invalid',
      reason: failureReason(result.problems),
      message: `${file} is invalid${fallback ? ', serving the version at git HEAD' : ''}: ${describeProblems(result.problems)}`,
      errors: result.problems,
      observed_version: result.fingerprint,
      file,
    });
  }
}

export function listFlowFiles(flowsDir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(flowsDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names.filter(isFlowFileName).sort().map((name) => path.join(flowsDir, name));
}

async function loadHeadVersion(repo: FlowsGit, file: string, registry: NodeRegistry) {
  try {
    const text = await readFileAtCommit(repo, 'HEAD', path.basename(file));
    if (text === null) return null;
    const result = loadFlowText(text, file, registry);
    return result.ok ? result.compiled : null;
  } catch {
    // The HEAD version is only a fallback: no commit yet, a git failure, or a version the
    // validator cannot handle all leave the flow without one.
    return null;
  }
}
