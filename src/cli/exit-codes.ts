/** Exit codes of every hookflow command; docs/cli.md lists the same table. */
export const EXIT = {
  /** Everything the command set out to do worked (for `apply`: every file). */
  OK: 0,
  /** A flow file is invalid, the server rejected a request, or one of several files failed. */
  FAILURE: 1,
  /** The command line is wrong: unknown command or option, missing argument. */
  USAGE: 2,
  /** The server could not be reached, or it rejected the operator credentials. */
  UNREACHABLE: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
