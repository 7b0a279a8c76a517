/**
 * Runs every `bench/*.bench.mjs` in name order, one child process at a time, so that no
 * benchmark shares a process or a core with another.
 *
 * Usage: node bench/run-all.mjs [NAME...] [--json] [-- OPTION...]
 * A NAME runs only the benchmarks whose file name contains it. `--json` and everything after
 * `--` are passed on to each benchmark. Exits 1 when a benchmark fails to run; a missed
 * target is printed, not a failure.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const separator = args.indexOf('--');
const ownArgs = separator === -1 ? args : args.slice(0, separator);
const filters = ownArgs.filter((arg) => !arg.startsWith('-'));
const passOn = [...ownArgs.filter((arg) => arg.startsWith('-')), ...(separator === -1 ? [] : args.slice(separator + 1))];

const files = fs.readdirSync(benchDir)
  .filter((name) => name.endsWith('.bench.mjs'))
  .filter((name) => filters.length === 0 || filters.some((filter) => name.includes(filter)))
  .sort();
if (files.length === 0) {
  process.stderr.write(`no benchmark in ${benchDir} matches ${filters.join(', ')}\n`);
  process.exit(1);
}

const failed = [];
for (const name of files) {
  process.stdout.write(`\n== ${name}\n`);
  const started = performance.now();
  const result = spawnSync(process.execPath, [path.join(benchDir, name), ...passOn], { stdio: 'inherit' });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    failed.push(name);
    process.stdout.write(`== ${name} failed (exit ${result.status ?? result.signal}) after ${seconds} s\n`);
  } else {
    process.stdout.write(`== ${name} done in ${seconds} s\n`);
  }
}

if (failed.length > 0) {
  process.stderr.write(`\n${failed.length} of ${files.length} benchmarks failed: ${failed.join(', ')}\n`);
  process.exit(1);
}
