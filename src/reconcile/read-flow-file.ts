import fs from 'node:fs';
import type { Stats } from 'node:fs';
import type { Problem } from '../flow/model.js';

/**
 * Largest flow file hookflow reads, in bytes. The operator API accepts request bodies of at
 * most 1 MiB, so a bigger file cannot have come from it. Reading stops here, so a stray huge
 * file costs neither memory nor validation time.
 */
export const MAX_FLOW_FILE_BYTES = 1024 * 1024;

/** Stat fields that identify one state of a file without reading it; a change means "read it again". */
export interface FileSignature {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

export type FlowFileRead =
  | { kind: 'missing' }
  | { kind: 'unreadable'; problem: Problem; signature?: FileSignature }
  | { kind: 'read'; bytes: Buffer; signature: FileSignature };

/**
 * Tells flow files from the other files an editor, git or hookflow leaves in the folder. Swap
 * files (`.x.json.swp`), lock files (`.#x.json`), backups (`x.json~`), vim's write test file
 * `4913`, temp files (`*.tmp`) and hidden temp files of atomic writes all fail this test.
 */
export function isFlowFileName(name: string): boolean {
  return name.endsWith('.json') && !name.startsWith('.');
}

export function signatureOf(stats: Stats): FileSignature {
  return { size: stats.size, mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs, ino: stats.ino };
}

export function sameSignature(a: FileSignature | undefined, b: FileSignature): boolean {
  return a !== undefined && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino;
}

/**
 * Reads one flow file without trusting what is there. A missing file is `missing`. A
 * directory, FIFO, device or socket is never opened, because a FIFO would block the read. A
 * file over MAX_FLOW_FILE_BYTES is reported unread. The signature is taken before the read, so
 * a write that lands during the read shows up as a changed signature at the next scan.
 *
 * The calls are synchronous on purpose: a flow file is small, and libuv's thread pool, which
 * asynchronous calls queue on, is often busy with chokidar's directory scans right after a
 * change, which would delay the read by tens of milliseconds.
 */
export function readFlowFile(file: string): FlowFileRead {
  let stats: Stats;
  try {
    stats = fs.statSync(file);
  } catch (err) {
    if (isMissing(err) && isDanglingLink(file)) return unreadable(`${file} is a symbolic link to a file that does not exist.`);
    if (isMissing(err)) return { kind: 'missing' };
    return unreadable(`Cannot read ${file}: ${(err as Error).message}.`);
  }

  const signature = signatureOf(stats);
  if (!stats.isFile()) return unreadable(`${file} is not a regular file; a flow file must be one.`, signature);
  if (stats.size > MAX_FLOW_FILE_BYTES) {
    return unreadable(`${file} is ${stats.size} bytes, over the limit of ${MAX_FLOW_FILE_BYTES} bytes for a flow file.`, signature);
  }

  try {
    const bytes = readAtMost(file, MAX_FLOW_FILE_BYTES + 1, stats.size);
    if (bytes.length > MAX_FLOW_FILE_BYTES) {
      return unreadable(`${file} grew over the limit of ${MAX_FLOW_FILE_BYTES} bytes for a flow file while it was read.`, signature);
    }
    return { kind: 'read', bytes, signature };
  } catch (err) {
    if (isMissing(err)) return { kind: 'missing' };
    return unreadable(`Cannot read ${file}: ${(err as Error).message}.`, signature);
  }
}

function readAtMost(file: string, limit: number, expectedSize: number): Buffer {
  // O_NONBLOCK: if the path was swapped for a FIFO after the stat, the open must not wait for a writer.
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    const chunks: Buffer[] = [];
    let length = 0;
    // One read of the stat size plus one byte finds the end of an unchanged file; a growing file takes more.
    let chunkSize = Math.min(limit, expectedSize + 1);
    while (length < limit) {
      const chunk = Buffer.allocUnsafe(chunkSize);
      const bytesRead = fs.readSync(fd, chunk, 0, chunkSize, length);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      length += bytesRead;
      chunkSize = Math.min(limit - length, 64 * 1024);
    }
    return Buffer.concat(chunks, length);
  } finally {
    fs.closeSync(fd);
  }
}

function unreadable(message: string, signature?: FileSignature): FlowFileRead {
  return { kind: 'unreadable', problem: { code: 'FLOW_FILE_UNREADABLE', path: '', message }, signature };
}

function isDanglingLink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  // ENOTDIR: the flows folder itself was replaced by a file, so the flow file is gone too.
  return code === 'ENOENT' || code === 'ENOTDIR';
}
