import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listTempFiles, readFileIfExists, removeFileDurable, writeFileAtomic } from '../../src/store/files.js';

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookflow-files-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('replaces the file and leaves no temporary file', async () => {
    const file = path.join(dir, 'a.json');
    fs.writeFileSync(file, 'old');

    await writeFileAtomic(file, 'new');

    expect(fs.readFileSync(file, 'utf8')).toBe('new');
    expect(fs.readdirSync(dir)).toEqual(['a.json']);
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe((0o644 & ~process.umask()).toString(8));
  });

  it('fails cleanly without its folder', async () => {
    await expect(writeFileAtomic(path.join(dir, 'missing', 'a.json'), 'x')).rejects.toThrow(/ENOENT/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('finds temporary files an interrupted write left', async () => {
    fs.writeFileSync(path.join(dir, '.a.json.0123456789ab.hookflow-tmp'), '{"half');
    fs.writeFileSync(path.join(dir, 'a.json'), '{}');
    fs.writeFileSync(path.join(dir, '.a.json.swp'), '');

    expect(await listTempFiles(dir)).toEqual([path.join(dir, '.a.json.0123456789ab.hookflow-tmp')]);
  });
});

describe('removeFileDurable and readFileIfExists', () => {
  it('report a missing file instead of throwing', async () => {
    const file = path.join(dir, 'a.json');
    fs.writeFileSync(file, 'x');

    expect((await readFileIfExists(file))?.toString()).toBe('x');
    expect(await removeFileDurable(file)).toBe(true);
    expect(await removeFileDurable(file)).toBe(false);
    expect(await readFileIfExists(file)).toBeNull();
  });
});
