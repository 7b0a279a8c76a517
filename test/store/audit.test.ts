import { describe, expect, it } from 'vitest';
import {
  describeFileChange, findAuditRowsByCommit, insertAuditRow, listAuditRows, listAuditedCommits, listLatestAuditRows,
} from '../../src/store/audit.js';
import { openDatabase } from '../../src/store/db.js';

const at = '2025-01-02T03:04:05.000Z';

describe('describeFileChange', () => {
  it('diffs pretty JSON whatever the file formatting', () => {
    const change = describeFileChange('alpha', '{"id":"alpha","priority":1}', '{\n  "id": "alpha",\n  "priority": 2\n}\n');

    expect(change.before).toEqual({ id: 'alpha', priority: 1 });
    expect(change.after).toEqual({ id: 'alpha', priority: 2 });
    expect(change.diff).toContain('--- a/alpha.json');
    expect(change.diff).toContain('+++ b/alpha.json');
    expect(change.diff).toContain('-  "priority": 1');
    expect(change.diff).toContain('+  "priority": 2');
    expect(change.diff).not.toContain('"id": "alpha"}');
  });

  it('handles missing and unparseable sides', () => {
    const created = describeFileChange('beta', null, '{"id": "beta"}');
    expect(created.before).toBeNull();
    expect(created.diff).toContain('--- /dev/null');

    const broken = describeFileChange('beta', '{"id": ', null);
    expect(broken.before).toBe('{"id": ');
    expect(broken.after).toBeNull();
    expect(broken.diff).toContain('+++ /dev/null');
    expect(broken.diff).toContain('-{"id": ');
  });
});

describe('audit rows', () => {
  it('insert and list round-trip the documents', () => {
    const db = openDatabase(':memory:');
    const change = describeFileChange('alpha', null, '{"id": "alpha"}');
    const first = insertAuditRow(db, { flow_id: 'alpha', action: 'create', operator: 'ada', at, ...change, commit: 'a'.repeat(40) });
    const second = insertAuditRow(db, { flow_id: 'alpha', action: 'hand_edit', operator: 'bob', at, ...change, commit: null });
    insertAuditRow(db, { flow_id: 'beta', action: 'create', operator: 'ada', at, ...change, commit: 'b'.repeat(40) });

    expect(second).toBe(first + 1);
    const rows = listAuditRows(db, 'alpha');
    expect(rows.map((row) => row.action)).toEqual(['hand_edit', 'create']);
    expect(rows[1]).toEqual({ id: first, flow_id: 'alpha', action: 'create', operator: 'ada', at, before: null, after: { id: 'alpha' }, diff: change.diff, commit: 'a'.repeat(40) });
    expect(listAuditRows(db, 'alpha', { beforeId: second }).map((row) => row.id)).toEqual([first]);
    expect(listAuditRows(db, 'alpha', { limit: 1 })).toHaveLength(1);
    expect(findAuditRowsByCommit(db, 'a'.repeat(40)).map((row) => row.id)).toEqual([first]);
    expect(listLatestAuditRows(db).map((row) => `${row.flow_id}:${row.action}`)).toEqual(['alpha:hand_edit', 'beta:create']);
    expect(listAuditedCommits(db)).toEqual(new Set(['a'.repeat(40), 'b'.repeat(40)]));
  });

  it('rejects an action outside the list', () => {
    const db = openDatabase(':memory:');
    expect(() => insertAuditRow(db, { flow_id: 'x', action: 'rename' as never, operator: 'ada', at, before: null, after: null, diff: '', commit: null }))
      .toThrow(/CHECK constraint/);
  });
});
