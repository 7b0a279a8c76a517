import { spawn, type ChildProcess } from 'node:child_process';
import fs, { type FSWatcher } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isFlowFileName } from './read-flow-file.js';

export interface FlowsDirEvents {
  /** A flow file was added, changed or deleted, or fs.watch saw activity on its name. */
  onFileChange(file: string): void;
  /** The folder itself was deleted or moved away; the watcher reports nothing more after this. */
  onDirGone(): void;
  /** The watcher failed; `stopped` means it reports nothing more and must be started again. */
  onError(err: Error, stopped: boolean): void;
}

export interface FlowsDirWatcher {
  close(): Promise<void>;
}

type WatcherMessage =
  | { type: 'ready' }
  | { type: 'change'; file: string }
  | { type: 'dir-gone' }
  | { type: 'error'; message: string };

const CHOKIDAR_URL = pathToFileURL(createRequire(import.meta.url).resolve('chokidar')).href;

/**
 * The program of the watcher process, in plain JavaScript so that a bare `node` runs it from
 * both the compiled service and the TypeScript sources under test. It watches the files
 * directly in the folder (no subfolders) and sends each event's path to the parent, which
 * decides which names are flow files. It exits when the parent goes away.
 *
 * Besides chokidar's normalised events it forwards fs.watch's raw events, which name the file
 * at once: chokidar itself answers a change in the folder by calling lstat on every entry
 * before it emits anything, which takes tens of milliseconds with thousands of files.
 */
const WATCHER_PROGRAM = `
import path from 'node:path';
const [chokidarUrl, root] = process.argv.slice(-2);
const { watch } = await import(chokidarUrl);
const send = (message) => { if (process.connected) process.send(message); };
const watcher = watch(root, {
  ignoreInitial: true,
  depth: 0,
  atomic: false,
  ignored: (file, stats) => {
    const resolved = path.resolve(file);
    if (resolved === root || root.startsWith(resolved + path.sep)) return false;
    return path.dirname(resolved) !== root || Boolean(stats && stats.isDirectory());
  },
});
for (const event of ['add', 'change', 'unlink']) watcher.on(event, (file) => send({ type: 'change', file: path.resolve(file) }));
watcher.on('unlinkDir', (dir) => { if (path.resolve(dir) === root) send({ type: 'dir-gone' }); });
watcher.on('raw', (event, name, details) => {
  const watched = details && details.watchedPath ? path.resolve(details.watchedPath) : null;
  if (!watched || !name) return;
  send({ type: 'change', file: watched === root ? path.join(root, String(name)) : watched });
});
watcher.on('error', (err) => send({ type: 'error', message: String(err && err.message ? err.message : err) }));
watcher.on('ready', () => send({ type: 'ready' }));
// The parent is gone (closed, or killed). One child with 10,000 files was seen still running an
// hour after its parent died mid-start, so the child exits after a grace period whether or not
// chokidar's close() settles.
process.on('disconnect', () => {
  setTimeout(() => process.exit(0), 2000);
  watcher.close().finally(() => process.exit(0));
});
`;

/**
 * Watches the flow files directly in `flowsDir` with chokidar, in a child process of its own,
 * and resolves once chokidar has listed the folder. chokidar's directory scans (an lstat of
 * every entry after each change) then use the child's thread pool and CPU, so they never
 * delay the service's own file writes, reads and webhooks. A direct fs.watch of the folder
 * in this process (see watchDirectly) adds the fastest signal.
 *
 * chokidar drops some change events of a file written several times within a few
 * milliseconds: a truncate and then writes in steps reports the empty file and nothing after.
 * An event therefore only means "read this file again", and the change queue reads it once
 * more after the folder settles.
 */
export function watchFlowsDir(flowsDir: string, events: FlowsDirEvents): Promise<FlowsDirWatcher> {
  const root = path.resolve(flowsDir);
  const child = spawn(process.execPath, ['--input-type=module', '-e', WATCHER_PROGRAM, '--', CHOKIDAR_URL, root], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = `${stderr}${chunk}`.slice(-2000);
  });

  let closing = false;
  let ready = false;
  return new Promise((resolve, reject) => {
    child.on('message', (message: WatcherMessage) => {
      if (message.type === 'ready') {
        ready = true;
        const direct = watchDirectly(root, events);
        resolve({
          close: async () => {
            direct?.close();
            await closeWatcher(child, () => (closing = true));
          },
        });
      } else if (message.type === 'change') {
        if (path.dirname(message.file) === root && isFlowFileName(path.basename(message.file))) events.onFileChange(message.file);
      } else if (message.type === 'dir-gone') {
        events.onDirGone();
      } else if (message.type === 'error') {
        events.onError(new Error(`watching ${root} failed: ${message.message}`), false);
      }
    });
    child.on('exit', (code, signal) => {
      if (closing) return;
      const err = new Error(`the watcher process for ${root} exited (${signal ?? `code ${code}`})${stderr ? `: ${stderr.trim()}` : ''}`);
      if (ready) events.onError(err, true);
      else reject(err);
    });
    child.on('error', (err) => {
      if (!ready) reject(err);
      else events.onError(err, true);
    });
  });
}

/**
 * Watches the folder itself with fs.watch in this process, one inotify watch on Linux, which
 * names a changed file within a millisecond. The child's events arrive later when chokidar is
 * busy with a scan after the previous change (tens of milliseconds with 10,000 files), and
 * this watch does no scanning of its own. Returns null when the platform refuses the watch:
 * the child's events then carry on alone.
 */
function watchDirectly(root: string, events: FlowsDirEvents): FSWatcher | null {
  try {
    const watcher = fs.watch(root, { persistent: false }, (_event, name) => {
      if (name && isFlowFileName(name)) events.onFileChange(path.join(root, name));
    });
    // The folder being deleted ends this watch with an error; the child reports the deletion.
    watcher.on('error', () => watcher.close());
    return watcher;
  } catch {
    return null;
  }
}

async function closeWatcher(child: ChildProcess, markClosing: () => void): Promise<void> {
  markClosing();
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Disconnecting lets the child close chokidar and exit by itself; the signal covers a child that does not.
  if (child.connected) child.disconnect();
  const timer = setTimeout(() => child.kill('SIGTERM'), 2000);
  await exited;
  clearTimeout(timer);
}
