/**
 * Reading and checking flow files on the operator's side: the same parser and validator as the
 * service, with every problem placed at a line and column of the file.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Flow } from '../flow/model.js';
import { parseFlowText } from '../flow/parse.js';
import { validateFlow } from '../flow/validate.js';
import { buildRegistry, type NodeRegistry } from '../nodes/registry.js';
import { locatePointer } from './locate-pointer.js';

export interface FileProblem {
  /** The file as the command line named it (a folder's files: joined to the folder). */
  file: string;
  line: number;
  column: number;
  code: string;
  message: string;
  /** JSON Pointer into the flow document; empty for problems of the whole file. */
  path: string;
}

export type CheckedFlowFile =
  | { ok: true; file: string; text: string; doc: Record<string, unknown>; flow: Flow }
  | { ok: false; file: string; problems: FileProblem[] };

export interface ExpandedPaths {
  files: string[];
  /** Folders that held no `*.json` file, for a warning. */
  emptyFolders: string[];
}

/**
 * Replaces every folder by the `*.json` files directly inside it, sorted by name. Files are
 * kept whatever their extension, because the operator named them. A path that does not exist
 * is kept too, so that checking it reports it.
 */
export function expandFlowPaths(args: string[], cwd: string): ExpandedPaths {
  const files: string[] = [];
  const emptyFolders: string[] = [];
  for (const arg of args) {
    const stat = fs.statSync(path.resolve(cwd, arg), { throwIfNoEntry: false });
    if (!stat?.isDirectory()) {
      files.push(arg);
      continue;
    }
    const names = fs.readdirSync(path.resolve(cwd, arg), { withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
      .map((entry) => entry.name)
      .sort();
    if (names.length === 0) emptyFolders.push(arg);
    files.push(...names.map((name) => path.join(arg, name)));
  }
  return { files, emptyFolders };
}

let registry: NodeRegistry | undefined;

/** Returns the built-in node types, built once per process. */
export function localRegistry(): NodeRegistry {
  registry ??= buildRegistry();
  return registry;
}

/** Parses and validates one flow file as the service would load it from `flows_dir`. */
export function checkFlowFile(file: string, cwd: string): CheckedFlowFile {
  let text: string;
  try {
    text = fs.readFileSync(path.resolve(cwd, file), 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (error as Error).message;
    return { ok: false, file, problems: [{ file, line: 1, column: 1, code: 'FILE_UNREADABLE', message: `Cannot read the file: ${reason}.`, path: '' }] };
  }
  return checkFlowText(file, text);
}

export function checkFlowText(file: string, text: string): CheckedFlowFile {
  const parsed = parseFlowText(text);
  if (!parsed.ok) {
    const { line, column, code, message, path: pointer } = parsed.problem;
    return { ok: false, file, problems: [{ file, line, column, code, message, path: pointer }] };
  }

  const result = validateFlow(parsed.doc, { registry: localRegistry(), fileName: path.basename(file) });
  if (!result.ok) return { ok: false, file, problems: result.problems.map((problem) => locateProblem(file, text, problem)) };
  return { ok: true, file, text, doc: parsed.doc, flow: result.flow };
}

/** Places a validation problem (from the local validator or from the server) at its line and column in the file. */
export function locateProblem(file: string, text: string, problem: { code: string; path: string; message: string }): FileProblem {
  return { file, ...locatePointer(text, problem.path), code: problem.code, message: problem.message, path: problem.path };
}

/** Formats a problem as `file:line:column: code message`, the form that editors and CI annotations read. */
export function formatFileProblem(problem: FileProblem): string {
  return `${problem.file}:${problem.line}:${problem.column}: ${problem.code} ${problem.message}`;
}
