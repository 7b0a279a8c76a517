import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/model.js';
import type { FlowTable } from '../dispatch/selection.js';
import type { NodeRegistry } from '../nodes/registry.js';
import { deriveOperatorEmail } from '../config/derive.js';
import type { Db } from '../store/db.js';
import type { FlowsRepository } from '../store/flows-repository.js';
import { findIndexLock, findRepository, type FlowsGit } from '../store/git.js';
import type { SerialQueue } from '../store/serial-queue.js';
import { ChangeQueue } from './change-queue.js';
import { HandEditRecorder } from './hand-edits.js';
import type { FileSignature } from './read-flow-file.js';
import { Reconciler } from './reconciler.js';
import { scanFlowsDir, startResyncTimer } from './resync.js';
import type { StatusBoard } from './status.js';
import { watchFlowsDir, type FlowsDirWatcher } from './watcher.js';

export interface ReconcileLoopOptions {
  config: Config;
  log: Logger;
  db: Db;
  registry: NodeRegistry;
  table: FlowTable;
  board: StatusBoard;
  mutations: SerialQueue;
  /** The store's repository; the loop keeps its commit index up to date with the hand-edit commits. */
  flowsRepo?: FlowsRepository;
  /** Facts for /healthz, updated in place. */
  health: { lastPass: string | null; flowsDirMissing: boolean };
  /** Signatures of the files the initial load read; the first scan then reads only files changed since. */
  signatures?: Map<string, FileSignature>;
}

/** How often a missing flows folder is looked for; cheap (one stat), and a returning folder is noticed within this. */
const MISSING_DIR_POLL_MS = 500;

/** Wait before starting a failed watcher again. */
const WATCHER_RESTART_MS = 1000;

/**
 * Starts the reconcile loop over `config.flows_dir`: a chokidar watcher feeding a keyed,
 * debounced queue, and a full scan every `reconcile.resync_seconds` for anything the watcher
 * missed. Resolves once the watcher is listening and returns the function that stops the
 * loop (it waits for a pass in progress).
 */
export async function startReconcileLoop(options: ReconcileLoopOptions): Promise<() => Promise<void>> {
  const loop = new ReconcileLoop(options);
  await loop.start();
  return () => loop.stop();
}

class ReconcileLoop {
  private readonly flowsDir: string;
  private readonly queue: ChangeQueue;
  private readonly recorder: HandEditRecorder;
  private readonly reconciler: Reconciler;
  private repo: FlowsGit | null = null;
  private watcher: FlowsDirWatcher | null = null;
  private stopResync: (() => void) | null = null;
  private missingDirPoll: NodeJS.Timeout | null = null;
  private restartTimer: NodeJS.Timeout | null = null;

  /** The scheduled pass, if any, with the function that cancels it. */
  private timer: { cancel(): void } | null = null;
  private timerAt = Infinity;
  private running: Promise<void> | null = null;
  /** The earliest next pass asked for while a pass was running. */
  private wantedAt = Infinity;
  private duringRecordScheduled = false;
  private stopped = false;
  /** Set while a git command held the index lock; the next pass then scans the whole folder. */
  private gitWasBusy = false;
  private fullScanWanted = true;

  constructor(private readonly options: ReconcileLoopOptions) {
    const { config, db, log } = options;
    this.flowsDir = path.resolve(config.flows_dir);
    const quietMs = config.reconcile.debounce_ms;
    this.queue = new ChangeQueue(quietMs, Math.max(1000, 20 * quietMs));
    this.recorder = new HandEditRecorder({ config, db, log, commits: options.flowsRepo?.commits });
    this.reconciler = new Reconciler({ ...options, recorder: this.recorder });
    for (const [file, signature] of options.signatures ?? []) this.reconciler.signatures.set(file, signature);
  }

  async start(): Promise<void> {
    if (this.dirExists()) {
      try {
        await this.attach();
        this.options.log.info({ flows_dir: this.flowsDir, resync_seconds: this.options.config.reconcile.resync_seconds }, 'watching flows_dir for changes');
      } catch (err) {
        this.options.log.error({ err, flows_dir: this.flowsDir }, 'cannot start the flows_dir watcher; retrying');
        this.restartWatcherLater();
      }
    } else {
      this.markDirMissing();
    }
    this.stopResync = startResyncTimer(this.options.config.reconcile.resync_seconds, () => {
      this.fullScanWanted = true;
      this.schedule(0);
    });
    // The first pass scans the folder, covering changes made between the initial load and the watcher's start.
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelTimer();
    if (this.missingDirPoll) clearInterval(this.missingDirPoll);
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.stopResync?.();
    await this.running;
    await this.watcher?.close();
    this.watcher = null;
  }

  /** Opens the repository and the watcher for a folder that exists. */
  private async attach(): Promise<void> {
    // Looked up again each time: a flows folder that was its own repository may come back without one.
    const { auth } = this.options.config;
    const identity = this.options.flowsRepo?.repo.identity
      ?? { name: auth.operator_user, email: auth.operator_email ?? deriveOperatorEmail(auth.operator_user) };
    this.repo = await findRepository(this.flowsDir, identity);
    await this.recorder.useRepo(this.repo);
    this.watcher = await watchFlowsDir(this.flowsDir, {
      onFileChange: (file) => {
        this.queue.touch(path.resolve(file), Date.now());
        this.schedule(0);
      },
      onDirGone: () => this.schedule(0),
      onError: (err, stopped) => {
        this.options.log.warn({ err, flows_dir: this.flowsDir }, 'flows_dir watcher failed; scanning the folder instead');
        if (stopped) {
          this.watcher = null;
          this.restartWatcherLater();
        }
        this.fullScanWanted = true;
        this.schedule(0);
      },
    });
    if (this.stopped) await this.watcher.close();
  }

  /** Starts the watcher again after it failed; until then, the periodic resync keeps the flows in step. */
  private restartWatcherLater(): void {
    if (this.stopped || this.restartTimer) return;
    this.restartTimer = setTimeout(async () => {
      this.restartTimer = null;
      if (this.stopped || this.watcher || !this.dirExists()) return;
      try {
        await this.attach();
        this.fullScanWanted = true;
        this.schedule(0);
      } catch (err) {
        this.options.log.error({ err, flows_dir: this.flowsDir }, 'cannot start the flows_dir watcher; retrying');
        this.restartWatcherLater();
      }
    }, WATCHER_RESTART_MS);
    this.restartTimer.unref();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    const at = Date.now() + Math.max(0, delayMs);
    if (this.running) {
      this.wantedAt = Math.min(this.wantedAt, at);
      if (delayMs <= 0 && this.reconciler.isRecording) this.scheduleDuringRecord();
      return;
    }
    if (this.timer && this.timerAt <= at) return;
    this.cancelTimer();
    this.timerAt = at;
    // setImmediate runs right after the pending I/O callbacks; a 0 ms timeout would wait for the next timers phase.
    if (delayMs <= 0) {
      const immediate = setImmediate(() => this.run());
      this.timer = { cancel: () => clearImmediate(immediate) };
    } else {
      const timeout = setTimeout(() => this.run(), delayMs);
      this.timer = { cancel: () => clearTimeout(timeout) };
    }
  }

  /** Applies due changes at once while the running pass only records hand edits (see Reconciler.passDuringRecord). */
  private scheduleDuringRecord(): void {
    if (this.duringRecordScheduled) return;
    this.duringRecordScheduled = true;
    setImmediate(() => {
      this.duringRecordScheduled = false;
      if (this.stopped || !this.running || this.gitWasBusy || this.fullScanWanted || !this.dirExists()) return;
      const due = this.queue.due(Date.now());
      if (due.length === 0) return;
      const result = this.reconciler.passDuringRecord(due.map((change) => change.file), this.passConditions());
      // Null or not applied: the files stay queued for the pass that follows the running one.
      if (!result?.applied) return;
      for (const change of due) this.queue.done(change, result.settled.has(change.file));
    });
  }

  private passConditions() {
    return {
      isSettled: (file: string) => this.queue.isSettled(file, Date.now()),
      isGitBusy: () => this.isGitBusy(),
      dirExists: () => this.dirExists(),
    };
  }

  private cancelTimer(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  private run(): void {
    this.timer = null;
    this.timerAt = Infinity;
    this.running = this.runPass()
      .catch((err) => {
        // A pass that failed leaves its files queued; the next event or resync tries again.
        this.options.log.error({ err, flows_dir: this.flowsDir }, 'reconcile pass failed');
      })
      .finally(() => {
        this.running = null;
        // While git works, only the pass's own request counts: queued files wait for git, not for quiet.
        const settleAt = this.gitWasBusy ? null : this.queue.nextSettleAt();
        const next = Math.min(this.wantedAt, settleAt ?? Infinity);
        this.wantedAt = Infinity;
        if (next !== Infinity) this.schedule(next - Date.now());
      });
  }

  private async runPass(): Promise<void> {
    if (!this.dirExists()) {
      await this.onDirGone();
      return;
    }

    // A checkout or pull is rewriting files: wait until it is done, then take its result in one pass.
    if (this.isGitBusy()) {
      this.gitWasBusy = true;
      this.schedule(this.queue.quietMs);
      return;
    }
    if (this.gitWasBusy) {
      const quietAt = this.queue.lastActivityAt + this.queue.quietMs;
      if (Date.now() < quietAt) {
        this.schedule(quietAt - Date.now());
        return;
      }
      this.gitWasBusy = false;
      this.fullScanWanted = true;
    }

    if (this.fullScanWanted) {
      this.fullScanWanted = false;
      const started = performance.now();
      const changed = await scanFlowsDir(this.flowsDir, this.reconciler.signatures, this.knownFiles());
      const now = Date.now();
      for (const { file, changedAt } of changed) this.queue.addScanned(file, changedAt, now);
      this.options.log.debug({ changed: changed.length, duration_ms: Math.round(performance.now() - started) }, 'flows_dir scanned');
    }

    const due = this.queue.due(Date.now());
    if (due.length > 0) {
      const result = await this.reconciler.pass(due.map((change) => change.file), this.passConditions());
      if (!result.applied) {
        if (result.why === 'git-busy') this.gitWasBusy = true;
        this.schedule(0);
        return;
      }
      for (const change of due) this.queue.done(change, result.settled.has(change.file));
    }
    this.options.health.lastPass = new Date().toISOString();
  }

  /** The folder is gone: every flow keeps serving, and the loop waits for the folder to return. */
  private async onDirGone(): Promise<void> {
    this.markDirMissing();
    const watcher = this.watcher;
    this.watcher = null;
    await watcher?.close();
  }

  private markDirMissing(): void {
    this.queue.clear();
    if (!this.options.health.flowsDirMissing) {
      this.options.health.flowsDirMissing = true;
      this.options.log.warn({ flows_dir: this.flowsDir }, 'flows_dir is missing; every flow keeps serving until it returns');
    }
    if (this.missingDirPoll || this.stopped) return;
    this.missingDirPoll = setInterval(() => {
      if (this.dirExists()) void this.onDirBack();
    }, MISSING_DIR_POLL_MS);
    this.missingDirPoll.unref();
  }

  /** Watches the returned folder again and rescans it once it has been quiet, since anything may have changed in it. */
  private async onDirBack(): Promise<void> {
    if (!this.missingDirPoll) return;
    clearInterval(this.missingDirPoll);
    this.missingDirPoll = null;
    this.options.health.flowsDirMissing = false;
    this.options.log.info({ flows_dir: this.flowsDir }, 'flows_dir is back; rescanning it');

    try {
      await this.attach();
    } catch (err) {
      this.options.log.error({ err, flows_dir: this.flowsDir }, 'cannot watch flows_dir; the periodic resync still picks up changes');
    }
    // Files being copied into the returned folder must not count as deleted flows: wait for quiet first.
    this.queue.noteActivity(Date.now());
    this.fullScanWanted = true;
    this.schedule(0);
  }

  /** Files of every flow the service tracks: each status names its file, and a served flow always has a status. */
  private knownFiles(): string[] {
    const files: string[] = [];
    for (const status of this.options.board.all().values()) files.push(status.file);
    for (const compiled of this.options.table.all()) {
      if (!this.options.board.get(compiled.flow.id)) files.push(path.join(this.flowsDir, `${compiled.flow.id}.json`));
    }
    return files;
  }

  private isGitBusy(): boolean {
    // While hookflow records a hand edit, the index lock is its own commit's.
    // NOTE: a user's git command that starts during that commit is not noticed until it ends.
    if (this.reconciler.isRecording) return false;
    return this.repo !== null && findIndexLock(this.repo) !== null;
  }

  private dirExists(): boolean {
    try {
      return fs.statSync(this.flowsDir).isDirectory();
    } catch {
      return false;
    }
  }
}
