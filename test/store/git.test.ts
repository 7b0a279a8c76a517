import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FlowCommitIndex } from '../../src/store/flow-commits.js';
import { commitFlowFiles, ensureRepository, readHead, undoCommit, type FlowsGit } from '../../src/store/git.js';
import { listChangedFiles, logFile } from '../../src/store/git-log.js';
import { git, makeRepo } from '../helpers/git-repo.js';

const operator = { name: 'Ada Operator', email: 'ada@example.test' };
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

async function openRepo(files: Record<string, string> = {}): Promise<{ top: string; repo: FlowsGit }> {
  const top = makeRepo({ 'flows.d/.keep': '', ...files });
  dirs.push(top);
  const { repo, created } = await ensureRepository(path.join(top, 'flows.d'), operator);
  expect(created).toBe(false);
  return { top, repo };
}

function write(repo: FlowsGit, name: string, text: string): void {
  fs.writeFileSync(path.join(repo.dir, name), text);
}

describe('commitFlowFiles', () => {
  it('commits only its path and keeps staged work staged', async () => {
    const { top, repo } = await openRepo({ 'flows.d/a.json': '{}\n', 'other.txt': 'one\n' });
    fs.writeFileSync(path.join(top, 'other.txt'), 'two\n');
    fs.writeFileSync(path.join(top, 'staged.txt'), 'new\n');
    git(top, 'add', 'other.txt', 'staged.txt');
    write(repo, 'a.json', '{"changed": true}\n');

    const sha = await commitFlowFiles(repo, { files: ['a.json'], message: 'Update flow a', author: operator, add: false });

    expect(sha).toBe(git(top, 'rev-parse', 'HEAD'));
    expect(git(top, 'show', '--name-only', '--format=', sha!)).toBe('flows.d/a.json');
    expect(git(top, 'show', '-s', '--format=%an <%ae>|%cn <%ce>', sha!)).toBe('Ada Operator <ada@example.test>|Ada Operator <ada@example.test>');
    expect(git(top, 'status', '--porcelain')).toBe('M  other.txt\nA  staged.txt');
  });

  it('adds a new file when told, and when not', async () => {
    const { top, repo } = await openRepo();
    write(repo, 'told.json', '{}\n');
    write(repo, 'untold.json', '{}\n');

    const told = await commitFlowFiles(repo, { files: ['told.json'], message: 'Create flow told', author: operator, add: true });
    const untold = await commitFlowFiles(repo, { files: ['untold.json'], message: 'Create flow untold', author: operator, add: false });

    expect(git(top, 'show', '--name-only', '--format=', told!)).toBe('flows.d/told.json');
    expect(git(top, 'show', '--name-only', '--format=', untold!)).toBe('flows.d/untold.json');
  });

  it('commits a deletion and returns null when nothing changed', async () => {
    const { top, repo } = await openRepo({ 'flows.d/a.json': '{}\n' });
    expect(await commitFlowFiles(repo, { files: ['a.json'], message: 'Update flow a', author: operator, add: false })).toBeNull();

    fs.rmSync(path.join(repo.dir, 'a.json'));
    const sha = await commitFlowFiles(repo, { files: ['a.json'], message: 'Delete flow a', author: operator, add: false });
    expect(git(top, 'show', '--name-status', '--format=', sha!)).toBe('D\tflows.d/a.json');
    expect(await commitFlowFiles(repo, { files: ['never.json'], message: 'Delete flow never', author: operator, add: false })).toBeNull();
  });

  it('makes the first commit of an empty repository', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookflow-git-'));
    dirs.push(dir);
    const { repo, created } = await ensureRepository(path.join(dir, 'flows'), operator);
    expect(created).toBe(true);
    expect(await readHead(repo)).toBeNull();
    expect(await logFile(repo, 'a.json')).toEqual([]);

    write(repo, 'a.json', '{}\n');
    const sha = await commitFlowFiles(repo, { files: ['a.json'], message: 'Create flow a', author: operator, add: true });
    expect(await readHead(repo)).toBe(sha);
    expect(git(repo.dir, 'symbolic-ref', '--short', 'HEAD')).toBe('main');
  });
});

describe('undoCommit', () => {
  it('restores HEAD and the index of the file', async () => {
    const { top, repo } = await openRepo({ 'flows.d/a.json': '{}\n' });
    const before = git(top, 'rev-parse', 'HEAD');
    write(repo, 'b.json', '{}\n');
    const sha = await commitFlowFiles(repo, { files: ['b.json'], message: 'Create flow b', author: operator, add: true });
    fs.rmSync(path.join(repo.dir, 'b.json'));

    await undoCommit(repo, sha!, ['b.json']);

    expect(git(top, 'rev-parse', 'HEAD')).toBe(before);
    expect(git(top, 'status', '--porcelain')).toBe('');
  });

  it('refuses when HEAD moved on', async () => {
    const { repo } = await openRepo({ 'flows.d/a.json': '{}\n' });
    write(repo, 'a.json', '{"v": 1}\n');
    const first = await commitFlowFiles(repo, { files: ['a.json'], message: 'one', author: operator, add: false });
    write(repo, 'a.json', '{"v": 2}\n');
    await commitFlowFiles(repo, { files: ['a.json'], message: 'two', author: operator, add: false });

    await expect(undoCommit(repo, first!, ['a.json'])).rejects.toThrow(/HEAD is now/);
  });
});

describe('listChangedFiles', () => {
  it('lists changes of the flows folder only', async () => {
    const { top, repo } = await openRepo({ 'flows.d/a.json': '{}\n', 'outside.txt': 'x\n' });
    write(repo, 'a.json', '{"v": 1}\n');
    write(repo, 'new.json', '{}\n');
    fs.writeFileSync(path.join(top, 'outside.txt'), 'changed\n');

    expect(await listChangedFiles(repo)).toEqual([{ status: ' M', file: 'a.json' }, { status: '??', file: 'new.json' }]);
  });
});

describe('FlowCommitIndex', () => {
  it('follows new commits and a branch switch', async () => {
    const { top, repo } = await openRepo({ 'flows.d/a.json': '{}\n', 'flows.d/b.json': '{}\n' });
    const index = new FlowCommitIndex(repo);
    await index.sync();
    const initial = git(top, 'rev-parse', 'HEAD');
    expect(index.get('a.json')).toEqual({ commit: initial, deleted: false, generation: 0 });

    git(top, 'checkout', '-q', '-b', 'side');
    write(repo, 'a.json', '{"v": 1}\n');
    git(top, 'commit', '-q', '-am', 'side change');
    await index.sync();
    const side = git(top, 'rev-parse', 'HEAD');
    expect(index.get('a.json')?.commit).toBe(side);
    expect(index.get('b.json')?.commit).toBe(initial);

    git(top, 'checkout', '-q', 'main');
    git(top, 'rm', '-q', 'flows.d/b.json');
    git(top, 'commit', '-q', '-m', 'drop b');
    await index.sync();
    expect(index.get('a.json')?.commit).toBe(initial);
    expect(index.get('b.json')).toMatchObject({ commit: git(top, 'rev-parse', 'HEAD'), deleted: true });
    expect(index.isTracked('b.json')).toBe(false);
  });
});
