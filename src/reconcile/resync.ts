import fs from 'node:fs';
import path from 'node:path';
import { setImmediate as nextTick } from 'node:timers/promises';
import { isFlowFileName, sameSignature, signatureOf, type FileSignature } from './read-flow-file.js';

/**
 * Files a scan stats between two yields to the event loop. Synchronous `stat` costs a fifth of
 * the CPU time of promise-based `stat` on 10,000 files (bench/reconcile-idle-cpu.bench.mjs
 * measures a resync); 256 of them hold the event loop for well under a millisecond each batch.
 */
const STAT_BATCH = 256;

/** A file a scan found changed, with the time of that change according to the file system. */
export interface ScannedChange {
  file: string;
  /** ms since the epoch: the file's last modification or status change, or the folder's for a deleted file. */
  changedAt: number;
}

/**
 * Finds the flow files a full pass must read: files whose signature (size, mtime, ctime,
 * inode) differs from the one recorded when they were last read, new files, and known files
 * that are gone. Unchanged files cost one `stat` each and are not read, so a resync of
 * 10,000 unchanged files validates nothing. An absent folder yields nothing, because the
 * loop handles a missing folder by itself.
 */
export async function scanFlowsDir(flowsDir: string, signatures: Map<string, FileSignature>, knownFiles: Iterable<string>): Promise<ScannedChange[]> {
  let names: string[];
  let dirChangedAt: number;
  try {
    dirChangedAt = changeTime(await fs.promises.stat(flowsDir));
    names = await fs.promises.readdir(flowsDir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw err;
  }

  const present = names.filter(isFlowFileName).map((name) => path.join(flowsDir, name));
  const changed = new Map<string, number>();
  for (let start = 0; start < present.length; start += STAT_BATCH) {
    if (start > 0) await nextTick();
    for (const file of present.slice(start, start + STAT_BATCH)) {
      const stat = statOrNull(file);
      // A file that vanished between readdir and stat, or cannot be stat'ed (a symbolic link
      // loop), is read, and the read finds out what happened.
      if (!stat) changed.set(file, dirChangedAt);
      else if (!sameSignature(signatures.get(file), signatureOf(stat))) changed.set(file, changeTime(stat));
    }
  }

  const presentSet = new Set(present);
  for (const file of knownFiles) {
    // A deletion changes the folder, so the folder's change time bounds when the file went.
    if (!presentSet.has(file)) changed.set(file, dirChangedAt);
  }
  return [...changed].map(([file, changedAt]) => ({ file, changedAt }));
}

function statOrNull(file: string): fs.Stats | null {
  try {
    return fs.statSync(file, { throwIfNoEntry: false }) ?? null;
  } catch {
    return null;
  }
}

function changeTime(stats: fs.Stats): number {
  return Math.max(stats.mtimeMs, stats.ctimeMs);
}

/** Calls `onTick` every `seconds`; the timer does not keep the process alive. Returns the function that stops it. */
export function startResyncTimer(seconds: number, onTick: () => void): () => void {
  const timer = setInterval(onTick, seconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
