import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createOutput, formatTable } from '../../src/cli/output.js';

function stream(isTTY: boolean): PassThrough & { isTTY: boolean } {
  return Object.assign(new PassThrough(), { isTTY });
}

describe('createOutput', () => {
  it('colours a terminal', () => {
    expect(createOutput(stream(true), {}).style.red('x')).toBe('\u001b[31mx\u001b[39m');
  });

  it('keeps a pipe plain', () => {
    expect(createOutput(stream(false), {}).style.red('x')).toBe('x');
  });

  it('keeps a terminal plain under NO_COLOR', () => {
    expect(createOutput(stream(true), { NO_COLOR: '1' }).style.red('x')).toBe('x');
  });

  it('ignores an empty NO_COLOR', () => {
    expect(createOutput(stream(true), { NO_COLOR: '' }).style.green('x')).toBe('\u001b[32mx\u001b[39m');
  });
});

describe('formatTable', () => {
  it('aligns columns and leaves the last unpadded', () => {
    expect(formatTable(['ID', 'STATE'], [['triage', 'active'], ['x', '']])).toEqual(['ID      STATE', 'triage  active', 'x']);
  });
});
