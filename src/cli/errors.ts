/** Failures a command reports: one message line, optional detail lines, and the exit code. */
import { EXIT, type ExitCode } from './exit-codes.js';

export class CliError extends Error {
  readonly exitCode: ExitCode;
  /** Lines printed under the message, such as every problem of a rejected flow. */
  readonly details: string[];

  constructor(message: string, options: { exitCode?: ExitCode; details?: string[] } = {}) {
    super(message);
    this.name = 'CliError';
    this.exitCode = options.exitCode ?? EXIT.FAILURE;
    this.details = options.details ?? [];
  }
}
