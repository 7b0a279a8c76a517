import { describe, expect, test } from 'vitest';
import { ChangeQueue } from '../../src/reconcile/change-queue.js';

const QUIET = 50;
const MAX_HOLD = 1000;

describe('change queue', () => {
  test('watcher event is due at once', () => {
    const queue = new ChangeQueue(QUIET, MAX_HOLD);
    queue.touch('/f/a.json', 1000);

    expect(queue.due(1000)).toEqual([{ file: '/f/a.json', seq: 1 }]);
    expect(queue.isSettled('/f/a.json', 1000)).toBe(false);
  });

  test('read change waits until it settles', () => {
    const queue = new ChangeQueue(QUIET, MAX_HOLD);
    queue.touch('/f/a.json', 1000);
    const [change] = queue.due(1000);
    queue.done(change, false);

    expect(queue.due(1020)).toEqual([]);
    expect(queue.nextSettleAt()).toBe(1050);
    expect(queue.due(1050)).toEqual([change]);
    queue.done(change, true);
    expect(queue.size).toBe(0);
  });

  test('event anywhere delays settling', () => {
    const queue = new ChangeQueue(QUIET, MAX_HOLD);
    queue.touch('/f/a.json', 1000);
    queue.touch('/f/b.json', 1040);

    expect(queue.isSettled('/f/a.json', 1060)).toBe(false);
    expect(queue.isSettled('/f/a.json', 1090)).toBe(true);
  });

  test('busy folder settles after the hold limit', () => {
    const queue = new ChangeQueue(QUIET, MAX_HOLD);
    queue.touch('/f/a.json', 0);
    for (let at = 10; at <= 1000; at += 10) queue.touch('/f/b.json', at);

    expect(queue.isSettled('/f/a.json', 999)).toBe(false);
    expect(queue.isSettled('/f/a.json', 1000)).toBe(true);
  });

  test('change during a pass keeps the entry', () => {
    const queue = new ChangeQueue(QUIET, MAX_HOLD);
    queue.touch('/f/a.json', 1000);
    const [change] = queue.due(2000);
    queue.touch('/f/a.json', 2001);
    queue.done(change, true);

    expect(queue.size).toBe(1);
    expect(queue.due(2001).map((due) => due.file)).toEqual(['/f/a.json']);
  });

  test('scanned change settles by its file time', () => {
    const queue = new ChangeQueue(QUIET, MAX_HOLD);
    queue.addScanned('/f/old.json', 1000, 5000);
    queue.addScanned('/f/fresh.json', 4990, 5000);

    expect(queue.isSettled('/f/old.json', 5000)).toBe(true);
    expect(queue.isSettled('/f/fresh.json', 5000)).toBe(false);
    expect(queue.isSettled('/f/fresh.json', 5040)).toBe(true);
  });

  test('scanned change does not count as folder activity', () => {
    const queue = new ChangeQueue(QUIET, MAX_HOLD);
    queue.touch('/f/a.json', 1000);
    queue.addScanned('/f/b.json', 1000, 1100);

    expect(queue.lastActivityAt).toBe(1000);
  });
});
