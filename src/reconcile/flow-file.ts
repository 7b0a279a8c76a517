import path from 'node:path';
import { compileFlow, type CompiledFlow } from '../engine/compile.js';
import { fileFingerprint } from '../flow/fingerprint.js';
import type { Problem } from '../flow/model.js';
import { parseFlowText } from '../flow/parse.js';
import { validateFlow } from '../flow/validate.js';
import type { NodeRegistry } from '../nodes/registry.js';

export type FlowFileResult =
  | { ok: true; compiled: CompiledFlow; fingerprint: string }
  | { ok: false; problems: Problem[]; fingerprint: string };

/** Flow id that a flow file name stands for (`triage.json` → `triage`). */
export function flowIdOfFile(file: string): string {
  return path.basename(file, '.json');
}

/** Parses, validates and compiles the text of one flow file; files on disk may hold either source. */
export function loadFlowText(text: string, file: string, registry: NodeRegistry): FlowFileResult {
  const fingerprint = fileFingerprint(text);
  const parsed = parseFlowText(text);
  if (!parsed.ok) return { ok: false, problems: [parsed.problem], fingerprint };

  const result = validateFlow(parsed.doc, { registry, fileName: path.basename(file) });
  if (!result.ok) return { ok: false, problems: result.problems, fingerprint };
  return { ok: true, compiled: compileFlow(result.flow, registry), fingerprint };
}

/**
 * Loads the raw bytes of a flow file like loadFlowText, and never throws. The fingerprint is
 * taken over the bytes, so it matches the API's write path even for bytes that are not UTF-8.
 * A validator failure on pathological input, such as nesting deep enough to exhaust the
 * stack, becomes a problem of that file instead of an error of the loop.
 */
export function loadFlowBytes(bytes: Buffer, file: string, registry: NodeRegistry): FlowFileResult {
  const fingerprint = fileFingerprint(bytes);
  try {
    const result = loadFlowText(bytes.toString('utf8'), file, registry);
    return { ...result, fingerprint };
  } catch (err) {
    const message = `The flow file could not be validated: ${(err as Error).message}.`;
    return { ok: false, problems: [{ code: 'FLOW_UNLOADABLE', path: '', message }], fingerprint };
  }
}

/** Status reasons for a file that does not load, by the first problem found. */
export type LoadFailureReason = 'ReadFailed' | 'ParseFailed' | 'ValidationFailed';

const PARSE_PROBLEM_CODES = new Set(['FLOW_EMPTY', 'FLOW_JSON_SYNTAX', 'FLOW_NOT_OBJECT']);

export function failureReason(problems: Problem[]): LoadFailureReason {
  const code = problems[0]?.code ?? '';
  if (code === 'FLOW_FILE_UNREADABLE') return 'ReadFailed';
  return PARSE_PROBLEM_CODES.has(code) ? 'ParseFailed' : 'ValidationFailed';
}

/** One line per problem, for status messages and logs. */
export function describeProblems(problems: Problem[]): string {
  return problems.map((p) => `${p.path || '/'}: ${p.message}`).join('; ');
}
