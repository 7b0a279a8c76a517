/**
 * Output streams of the commands, and the colours they may use. Colour is on only when the stream is a
 * terminal and `NO_COLOR` is unset or empty (https://no-color.org), so pipes, CI logs and
 * files get plain text.
 */
import type { Writable } from 'node:stream';

export interface Style {
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

export interface Output {
  /** Writes one line; a trailing newline is added. */
  line(text?: string): void;
  /** Writes text as it is. */
  write(text: string): void;
  style: Style;
}

export interface Io {
  stdout: Output;
  stderr: Output;
  env: NodeJS.ProcessEnv;
  /** Folder that relative paths on the command line are relative to. */
  cwd: string;
}

function sgr(open: number, close: number): (text: string) => string {
  return (text) => `\u001b[${open}m${text}\u001b[${close}m`;
}

const COLOURS: Style = {
  red: sgr(31, 39),
  green: sgr(32, 39),
  yellow: sgr(33, 39),
  bold: sgr(1, 22),
  dim: sgr(2, 22),
};

const PLAIN: Style = {
  red: (text) => text,
  green: (text) => text,
  yellow: (text) => text,
  bold: (text) => text,
  dim: (text) => text,
};

export function useColour(stream: Writable & { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && !env.NO_COLOR;
}

export function createOutput(stream: Writable & { isTTY?: boolean }, env: NodeJS.ProcessEnv): Output {
  return {
    line: (text = '') => void stream.write(`${text}\n`),
    write: (text) => void stream.write(text),
    style: useColour(stream, env) ? COLOURS : PLAIN,
  };
}

export function processIo(): Io {
  return {
    stdout: createOutput(process.stdout, process.env),
    stderr: createOutput(process.stderr, process.env),
    env: process.env,
    cwd: process.cwd(),
  };
}

/**
 * Formats rows as columns separated by two spaces; the last column is never padded. Widths
 * count UTF-16 code units, which is close enough for the ids, states and versions shown.
 */
export function formatTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const format = (row: string[]) =>
    row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]))).join('  ').trimEnd();
  return [format(header), ...rows.map(format)];
}
