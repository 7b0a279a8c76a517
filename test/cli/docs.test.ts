import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { COMMANDS } from '../../src/cli/main.js';
import { repoRoot } from './run-cli.js';

const docs = fs.readFileSync(path.join(repoRoot, 'docs', 'cli.md'), 'utf8');
const headings = docs.split('\n').filter((line) => line.startsWith('## '));

describe('docs/cli.md', () => {
  it.each(COMMANDS.map((command) => command.name))('has a section for %s', (name) => {
    expect(headings.some((heading) => heading.includes(`\`hookflow ${name}\``))).toBe(true);
  });

  it.each(Object.entries(EXIT))('lists exit code %s', (_name, code) => {
    expect(docs).toMatch(new RegExp(`^\\| ${code} \\| `, 'm'));
  });

  it('lists every command in the help output', () => {
    const width = Math.max(...COMMANDS.map((command) => command.name.length));
    for (const command of COMMANDS) expect(docs).toContain(`  ${command.name.padEnd(width)}  ${command.summary}`);
  });
});
