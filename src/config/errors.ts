/** One problem in a configuration: a bad key, or a YAML syntax error. */
export interface ConfigProblem {
  /** Dotted path of the key (`server.port`, `commands.lint.argv[0]`); empty for the whole document or a syntax error. */
  path: string;
  /** Description of the problem, starting with the key when there is one (`server.port must be an integer`). */
  message: string;
  /** 1-based position in the YAML file, when the problem can be located there. */
  line?: number;
  column?: number;
}

/**
 * Thrown when the configuration cannot be read or is invalid. The message has one line per
 * problem, each starting with the file name, so the service can print it as it is and stop.
 */
export class ConfigError extends Error {
  /** The configuration file as given, or the label passed to `configFromObject` (default `configuration`). */
  readonly file: string;
  readonly problems: readonly ConfigProblem[];

  constructor(file: string, problems: readonly ConfigProblem[], options: { cause?: unknown } = {}) {
    super(problems.map((problem) => formatProblem(file, problem)).join('\n'), options);
    this.name = 'ConfigError';
    this.file = file;
    this.problems = problems;
  }
}

function formatProblem(file: string, problem: ConfigProblem): string {
  if (problem.line === undefined) return `${file}: ${problem.message}`;
  return `${file}: ${problem.message} (line ${problem.line}, column ${problem.column ?? 1})`;
}
