import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { listAuditRows } from '../../src/store/audit.js';
import { openDatabase } from '../../src/store/db.js';
import { FlowCommitIndex } from '../../src/store/flow-commits.js';
import { writeFlowChange, type FlowWriterDeps } from '../../src/store/flow-writer.js';
import { ensureRepository } from '../../src/store/git.js';
import { git, makeRepo } from '../helpers/git-repo.js';

const operator = { name: 'Ada Operator', email: 'ada@example.test' };
const oldText = '{ "id": "alpha" }\n';
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

async function setUp(): Promise<{ top: string; deps: FlowWriterDeps }> {
  const top = makeRepo({ 'flows.d/alpha.json': oldText });
  dirs.push(top);
  const { repo } = await ensureRepository(path.join(top, 'flows.d'), operator);
  const commits = new FlowCommitIndex(repo);
  await commits.sync();
  const db = openDatabase(path.join(top, 'data', 'hookflow.db'));
  return { top, deps: { repo, db, commits, journalFile: path.join(top, 'data', 'journal.json'), log: pino({ level: 'silent' }) } };
}

describe('writeFlowChange', () => {
  it('writes, commits, audits and applies in order', async () => {
    const { top, deps } = await setUp();
    const steps: string[] = [];
    const result = await writeFlowChange({ ...deps, observeStep: (step) => steps.push(step) }, {
      id: 'alpha', action: 'update', text: '{ "id": "alpha", "priority": 1 }\n', before: Buffer.from(oldText), operator,
      apply: ({ commit }) => steps.push(`apply ${commit}`),
    });

    const head = git(top, 'rev-parse', 'HEAD');
    expect(result.commit).toBe(head);
    expect(steps).toEqual(['write', 'commit', 'audit', `apply ${head}`, 'apply']);
    expect(listAuditRows(deps.db, 'alpha')[0]).toMatchObject({ id: result.auditId, commit: head, at: result.at });
    expect(deps.commits.get('alpha.json')).toMatchObject({ commit: head, deleted: false });
    expect(fs.existsSync(deps.journalFile)).toBe(false);
  });

  it('undoes everything when apply throws', async () => {
    const { top, deps } = await setUp();
    const head = git(top, 'rev-parse', 'HEAD');

    await expect(writeFlowChange(deps, {
      id: 'beta', action: 'create', text: '{ "id": "beta" }\n', before: null, operator,
      apply: () => {
        throw new Error('dispatcher refused the flow');
      },
    })).rejects.toThrow('dispatcher refused the flow');

    expect(git(top, 'rev-parse', 'HEAD')).toBe(head);
    expect(git(top, 'status', '--porcelain', '--', 'flows.d')).toBe('');
    expect(fs.existsSync(path.join(deps.repo.dir, 'beta.json'))).toBe(false);
    expect(listAuditRows(deps.db, 'beta')).toEqual([]);
    expect(fs.existsSync(deps.journalFile)).toBe(false);
  });

  it('rejects a locked index before writing', async () => {
    const { top, deps } = await setUp();
    fs.writeFileSync(path.join(top, '.git', 'index.lock'), '');

    await expect(writeFlowChange(deps, {
      id: 'alpha', action: 'update', text: '{ "id": "alpha", "priority": 2 }\n', before: Buffer.from(oldText), operator, apply: () => {},
    })).rejects.toMatchObject({ code: 'GIT_LOCKED', status: 503 });

    expect(fs.readFileSync(path.join(deps.repo.dir, 'alpha.json'), 'utf8')).toBe(oldText);
    expect(fs.existsSync(deps.journalFile)).toBe(false);
  });
});
