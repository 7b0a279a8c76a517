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

/** One line per problem, for status messages and logs. */
export function describeProblems(problems: Problem[]): string {
  return problems.map((p) => `${p.path || '/'}: ${p.message}`).join('; ');
}
