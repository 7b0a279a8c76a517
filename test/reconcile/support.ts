import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../../src/store/db.js';

/** Builds a valid flow that runs on `issues.opened`; `extra` replaces top-level members. */
export function flowDoc(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    description: `flow ${id}`,
    nodes: {
      opened: { type: 'trigger.webhook', args: { events: ['issues.opened'] } },
    },
    ...extra,
  };
}

export function flowText(doc: unknown): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** Saves the way most editors and `writeFileAtomic` do: a temporary file renamed over the old one. */
export function saveByRename(file: string, text: string): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.save-tmp`);
  fs.writeFileSync(temp, text);
  fs.renameSync(temp, file);
}

/** Polls `probe` until it returns a value other than undefined, null or false; fails after `timeoutMs`. */
export async function waitFor<T>(probe: () => T | Promise<T>, what: string, timeoutMs = 10_000): Promise<NonNullable<Exclude<T, false>>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    last = await probe();
    if (last !== undefined && last !== null && last !== false) return last as NonNullable<Exclude<T, false>>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Resolves after `ms`; tests use it only to let a change that should have no effect have its chance. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface StoredAuditRow {
  id: number;
  flow_id: string;
  action: string;
  operator: string;
  before: string | null;
  after: string | null;
  diff: string;
  commit: string | null;
}

export function auditRows(db: Db, flowId?: string): StoredAuditRow[] {
  const sql = flowId === undefined ? 'SELECT * FROM flow_audit ORDER BY id' : 'SELECT * FROM flow_audit WHERE flow_id = ? ORDER BY id';
  const statement = db.prepare(sql);
  return (flowId === undefined ? statement.all() : statement.all(flowId)) as StoredAuditRow[];
}
