import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Temporary files of `writeFileAtomic` are named `.<name>.<random>.hookflow-tmp`. The leading
 * dot and the suffix keep them out of every `*.json` listing, so no reader takes one for a flow.
 */
const TEMP_SUFFIX = '.hookflow-tmp';

/**
 * Writes `data` to `file` so that a reader, or a process killed at any moment, finds either the
 * old content or the new one, never a mix. The data goes to a temporary file in the same folder,
 * which is fsynced and renamed over `file`. Then the folder is fsynced so that the rename
 * survives a power loss.
 */
export async function writeFileAtomic(file: string, data: string | Buffer): Promise<void> {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);

  const handle = await fs.open(temp, 'wx', 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await fs.rm(temp, { force: true });
    throw err;
  }
  await handle.close();

  try {
    await fs.rename(temp, file);
  } catch (err) {
    await fs.rm(temp, { force: true });
    throw err;
  }
  await syncFolder(dir);
}

/** Deletes `file` and fsyncs its folder. Returns false when the file did not exist. */
export async function removeFileDurable(file: string): Promise<boolean> {
  try {
    await fs.unlink(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  await syncFolder(path.dirname(file));
  return true;
}

/** Returns the bytes of `file`, or null when it does not exist. */
export async function readFileIfExists(file: string): Promise<Buffer | null> {
  try {
    return await fs.readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Lists the temporary files an interrupted `writeFileAtomic` left in `dir`, as absolute paths. */
export async function listTempFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names.filter((name) => name.startsWith('.') && name.endsWith(TEMP_SUFFIX)).map((name) => path.join(dir, name));
}

/** Fsyncs a folder, which makes the renames and deletions of entries in it durable. */
export async function syncFolder(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
