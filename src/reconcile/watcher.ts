import path from 'node:path';
import type { Stats } from 'node:fs';
import { watch, type FSWatcher } from 'chokidar';
import { isFlowFileName } from './read-flow-file.js';

export interface FlowsDirEvents {
  /** A flow file was added, changed or deleted. */
  onFileChange(file: string): void;
  /** The folder itself was deleted or moved away; the watcher sees nothing more after this. */
  onDirGone(): void;
  onError(err: Error): void;
}

export interface FlowsDirWatcher {
  close(): Promise<void>;
}

/**
 * Watches the flow files directly in `flowsDir` with chokidar and resolves once chokidar has
 * listed the folder. Subfolders and names that are not flow files (swap files, backups,
 * hidden temp files) are ignored before chokidar watches them.
 *
 * chokidar drops some of the change events of a file written several times within a few
 * milliseconds (a truncate and then writes in steps reports the empty file and nothing
 * after), so an event only says "read this file again"; the change queue reads it once
 * more after the folder settles.
 */
export async function watchFlowsDir(flowsDir: string, events: FlowsDirEvents): Promise<FlowsDirWatcher> {
  const root = path.resolve(flowsDir);
  const watcher: FSWatcher = watch(root, {
    ignoreInitial: true,
    depth: 0,
    // chokidar's atomic mode holds each deletion back 100 ms to merge it with a re-creation;
    // the change queue already waits for the folder to settle before acting on a deletion.
    atomic: false,
    ignored: (file: string, stats?: Stats) => isIgnored(root, file, stats),
  });

  const onFile = (file: string) => events.onFileChange(file);
  watcher.on('add', onFile);
  watcher.on('change', onFile);
  watcher.on('unlink', onFile);
  // chokidar answers a change in the folder by lstat-ing every entry before it emits its own
  // event, which takes tens of milliseconds with thousands of flow files. fs.watch's raw event
  // names the file at once; the normalised events still follow, and the queue merges both.
  watcher.on('raw', (_event: string, name: string, details: unknown) => {
    const file = rawEventFile(root, name, (details as { watchedPath?: string } | undefined)?.watchedPath);
    if (file) events.onFileChange(file);
  });
  watcher.on('unlinkDir', (dir: string) => {
    if (path.resolve(dir) === root) events.onDirGone();
  });
  watcher.on('error', (err: unknown) => events.onError(err instanceof Error ? err : new Error(String(err))));

  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return { close: () => watcher.close() };
}

/** The flow file a raw fs.watch event is about: a name in the folder's watcher, or a file's own watcher. */
function rawEventFile(root: string, name: string, watchedPath: string | undefined): string | null {
  if (!watchedPath || !name) return null;
  const watched = path.resolve(watchedPath);
  const file = watched === root ? path.join(root, name) : watched;
  if (path.dirname(file) !== root || !isFlowFileName(path.basename(file))) return null;
  return file;
}

function isIgnored(root: string, file: string, stats: Stats | undefined): boolean {
  const resolved = path.resolve(file);
  if (resolved === root) return false;
  // chokidar also asks about the folder's parent, which it watches to notice the folder's deletion.
  if (root.startsWith(`${resolved}${path.sep}`)) return false;
  if (path.dirname(resolved) !== root) return true;
  if (stats?.isDirectory()) return true;
  return !isFlowFileName(path.basename(resolved));
}
