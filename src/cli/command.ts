/** The shape every hookflow command has, and the option parsing they share. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Io } from './output.js';

export type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface ParsedArgs {
  values: OptionValues;
  positionals: string[];
}

export interface Command {
  name: string;
  /** One line for the command list of `hookflow --help`. */
  summary: string;
  /** The text of `hookflow <name> --help`: usage line, description, options. */
  help: string;
  options: OptionsConfig;
  /** How many positional arguments the command takes. */
  positionals: { min: number; max: number };
  /** Runs the command and returns its exit code; -1 keeps the process running (serve). */
  run(args: ParsedArgs, io: Io): Promise<number>;
}

/** A wrong command line: the message is shown with the command's usage, and the exit code is 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const HELP_OPTION: OptionsConfig = { help: { type: 'boolean', short: 'h' } };

/** Parses a command's arguments strictly: an unknown option or a wrong number of arguments is a UsageError. */
export function parseCommandArgs(command: Command, argv: string[]): ParsedArgs {
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs({ args: argv, options: { ...HELP_OPTION, ...command.options }, allowPositionals: true, strict: true });
  } catch (error) {
    // parseArgs throws TypeErrors with codes such as ERR_PARSE_ARGS_UNKNOWN_OPTION; their messages name the option.
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError(error.message);
    }
    throw error;
  }
  if (parsed.values.help) return parsed;

  const count = parsed.positionals.length;
  const { min, max } = command.positionals;
  if (count < min) throw new UsageError(`expected ${describeCount(min, max)}, got ${count}`);
  if (count > max) throw new UsageError(`expected ${describeCount(min, max)}, got ${count}: ${parsed.positionals.join(' ')}`);
  return parsed;
}

function describeCount(min: number, max: number): string {
  if (max === Infinity) return `at least ${min} argument${min === 1 ? '' : 's'}`;
  if (min === max) return `${min} argument${min === 1 ? '' : 's'}`;
  return `${min} to ${max} arguments`;
}

/** Reads a string option, which parseArgs types loosely. */
export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}
