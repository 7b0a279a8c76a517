import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { fileFingerprint } from '../../src/flow/fingerprint.js';
import { describeFileChange, insertAuditRow, listAuditRows } from '../../src/store/audit.js';
import { openDatabase, type Db } from '../../src/store/db.js';
import { flowCommitMessage } from '../../src/store/flow-writer.js';
import { commitFlowFiles, ensureRepository, type FlowsGit } from '../../src/store/git.js';
import { recoverInterruptedWrite } from '../../src/store/recovery.js';
import { writeJournal, type PendingWrite } from '../../src/store/write-journal.js';
import { git, makeRepo } from '../helpers/git-repo.js';

const operator = { name: 'Ada Operator', email: 'ada@example.test' };
const oldText = '{\n  "id": "alpha",\n  "priority": 1\n}\n';
const newText = '{\n  "id": "alpha",\n  "priority": 2\n}\n';
const log = pino({ level: 'silent' });
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

interface Setup {
  top: string;
  repo: FlowsGit;
  db: Db;
  journalFile: string;
  pending: PendingWrite;
}

async function setUp(action: 'update' | 'delete' = 'update'): Promise<Setup> {
  const top = makeRepo({ 'flows.d/alpha.json': oldText });
  dirs.push(top);
  const { repo } = await ensureRepository(path.join(top, 'flows.d'), operator);
  const db = openDatabase(path.join(top, 'data', 'hookflow.db'));
  const journalFile = path.join(top, 'data', 'flow-write-journal.json');
  const pending: PendingWrite = {
    flow_id: 'alpha', action, operator, message: flowCommitMessage(action, ['alpha']), at: '2025-01-02T03:04:05.000Z',
    before: Buffer.from(oldText).toString('base64'),
    after_fingerprint: action === 'delete' ? null : fileFingerprint(newText),
  };
  writeJournal(journalFile, pending);
  return { top, repo, db, journalFile, pending };
}

describe('recoverInterruptedWrite', () => {
  it('commits and audits a written but uncommitted file', async () => {
    const { top, repo, db, journalFile } = await setUp();
    fs.writeFileSync(path.join(repo.dir, 'alpha.json'), newText);

    expect(await recoverInterruptedWrite({ repo, db, journalFile, log })).toBe('completed');

    const head = git(top, 'rev-parse', 'HEAD');
    expect(git(top, 'show', '-s', '--format=%an|%s|%(trailers:key=Hookflow-Action,valueonly)', head)).toBe('Ada Operator|Update flow alpha|update');
    const [row] = listAuditRows(db, 'alpha');
    expect(row).toMatchObject({ action: 'update', operator: 'Ada Operator', at: '2025-01-02T03:04:05.000Z', commit: head });
    expect(row.before).toEqual({ id: 'alpha', priority: 1 });
    expect(row.after).toEqual({ id: 'alpha', priority: 2 });
    expect(fs.existsSync(journalFile)).toBe(false);
    expect(git(top, 'status', '--porcelain', '--', 'flows.d')).toBe('');
  });

  it('audits a committed file without a new commit', async () => {
    const { top, repo, db, journalFile, pending } = await setUp();
    fs.writeFileSync(path.join(repo.dir, 'alpha.json'), newText);
    const sha = await commitFlowFiles(repo, { files: ['alpha.json'], message: pending.message, author: operator, add: false });

    expect(await recoverInterruptedWrite({ repo, db, journalFile, log })).toBe('completed');

    expect(git(top, 'rev-parse', 'HEAD')).toBe(sha);
    expect(listAuditRows(db, 'alpha').map((row) => row.commit)).toEqual([sha]);
  });

  it('drops a write that never reached the file', async () => {
    const { top, repo, db, journalFile } = await setUp();
    const head = git(top, 'rev-parse', 'HEAD');
    fs.writeFileSync(path.join(repo.dir, '.alpha.json.0123456789ab.hookflow-tmp'), newText.slice(0, 10));

    expect(await recoverInterruptedWrite({ repo, db, journalFile, log })).toBe('discarded');

    expect(fs.readdirSync(repo.dir)).toEqual(['alpha.json']);
    expect(fs.readFileSync(path.join(repo.dir, 'alpha.json'), 'utf8')).toBe(oldText);
    expect(git(top, 'rev-parse', 'HEAD')).toBe(head);
    expect(listAuditRows(db, 'alpha')).toEqual([]);
    expect(fs.existsSync(journalFile)).toBe(false);
  });

  it('leaves a write whose audit row exists', async () => {
    const { top, repo, db, journalFile, pending } = await setUp();
    fs.writeFileSync(path.join(repo.dir, 'alpha.json'), newText);
    const sha = await commitFlowFiles(repo, { files: ['alpha.json'], message: pending.message, author: operator, add: false });
    insertAuditRow(db, { flow_id: 'alpha', action: 'update', operator: operator.name, at: pending.at, ...describeFileChange('alpha', oldText, newText), commit: sha });

    expect(await recoverInterruptedWrite({ repo, db, journalFile, log })).toBe('already_recorded');

    expect(listAuditRows(db, 'alpha')).toHaveLength(1);
    expect(git(top, 'rev-parse', 'HEAD')).toBe(sha);
  });

  it('commits an interrupted deletion', async () => {
    const { top, repo, db, journalFile } = await setUp('delete');
    fs.rmSync(path.join(repo.dir, 'alpha.json'));

    expect(await recoverInterruptedWrite({ repo, db, journalFile, log })).toBe('completed');

    expect(git(top, 'show', '--name-status', '--format=%s', 'HEAD')).toBe('Delete flow alpha\n\nD\tflows.d/alpha.json');
    expect(listAuditRows(db, 'alpha')[0]).toMatchObject({ action: 'delete', after: null });
  });

  it('does nothing without a journal', async () => {
    const { repo, db, journalFile } = await setUp();
    fs.rmSync(journalFile);
    expect(await recoverInterruptedWrite({ repo, db, journalFile, log })).toBe('nothing_pending');
  });
});
