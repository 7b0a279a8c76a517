import fs from 'node:fs';
import path from 'node:path';
import { completeConfig } from './derive.js';
import { ConfigError } from './errors.js';
import type { Config } from './model.js';
import { validateConfigDocument } from './validate.js';
import { parseYaml } from './yaml.js';

/**
 * Reads, validates and completes the service configuration.
 *
 * With no `file`, every key takes its default and relative paths resolve against `cwd`
 * (default: the process's working folder). With a file, relative paths in it resolve against
 * the file's folder. Throws a `ConfigError` naming the file and every problem: an unreadable
 * file, YAML syntax errors with line and column, and each invalid key as a dotted path.
 */
export function loadConfig(file?: string, options: { cwd?: string } = {}): Config {
  const cwd = options.cwd ?? process.cwd();
  if (file === undefined) return configFromObject({}, cwd);

  const filePath = path.resolve(cwd, file);
  let text: string;
  try {
    text = fs.readFileSync(filePath, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(file, [{ path: '', message: `the file could not be read: ${reason}` }], { cause: error });
  }

  const parsed = parseYaml(text);
  if ('errors' in parsed) throw new ConfigError(file, parsed.errors);

  const document = parsed.value ?? {};
  const problems = validateConfigDocument(document);
  if (problems.length > 0) {
    const located = problems.map(({ segments, ...problem }) => ({ ...problem, ...parsed.locate(segments) }));
    located.sort((a, b) => a.line - b.line || a.column - b.column);
    throw new ConfigError(file, located);
  }

  return completeConfig(document as Config, path.dirname(filePath));
}

/**
 * Validates and completes a configuration given as a plain object, the same way `loadConfig`
 * does for a file; relative paths resolve against `baseDir`. The object is not modified.
 * `label` stands for the file name in error messages.
 */
export function configFromObject(value: unknown, baseDir: string, label = 'configuration'): Config {
  const document = value === undefined || value === null ? {} : structuredClone(value);

  const problems = validateConfigDocument(document);
  if (problems.length > 0) {
    throw new ConfigError(label, problems.map(({ segments: _segments, ...problem }) => problem));
  }

  return completeConfig(document as Config, path.resolve(baseDir));
}
