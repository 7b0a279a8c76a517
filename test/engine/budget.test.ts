import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BudgetKeeper } from '../../src/engine/budget.js';
import type { Flow } from '../../src/flow/model.js';
import { openDatabase } from '../../src/store/db.js';

const flow = { id: 'capped', budget: { mutating_calls: 2, window_seconds: 60 } } as Flow;

function tempDbFile(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hookflow-budget-')), 'hookflow.db');
}

describe('BudgetKeeper', () => {
  it('refuses the call over the limit until the window slides', () => {
    let now = 1_000_000;
    const keeper = new BudgetKeeper(openDatabase(':memory:'), () => now);

    expect(keeper.trySpend(flow)).toBe(true);
    now += 10_000;
    expect(keeper.trySpend(flow)).toBe(true);
    expect(keeper.trySpend(flow)).toBe(false);
    expect(keeper.remaining(flow)).toBe(0);

    now += 50_001;
    expect(keeper.remaining(flow)).toBe(1);
    expect(keeper.trySpend(flow)).toBe(true);
  });

  it('prunes spend rows outside the window', () => {
    let now = 1_000_000;
    const db = openDatabase(':memory:');
    const keeper = new BudgetKeeper(db, () => now);

    for (let i = 0; i < 10; i++) {
      keeper.trySpend(flow);
      now += 40_000;
    }

    const rows = db.prepare(`SELECT count(*) AS n FROM budget_spend WHERE flow_id = 'capped'`).get() as { n: number };
    expect(rows.n).toBeLessThanOrEqual(2);
  });

  it('keeps spent calls across a reopen of the database', () => {
    const file = tempDbFile();
    const first = openDatabase(file);
    const keeper = new BudgetKeeper(first, () => 5_000);
    keeper.trySpend(flow);
    keeper.trySpend(flow);
    first.close();

    const reopened = new BudgetKeeper(openDatabase(file), () => 6_000);
    expect(reopened.remaining(flow)).toBe(0);
    expect(reopened.trySpend(flow)).toBe(false);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });
});
