/**
 * A bounded FIFO of jobs run with limited concurrency. `capacity` bounds the jobs waiting
 * to start; a caller checks `freeSlots` before promising work to a sender.
 */
export class RunQueue<Job> {
  private readonly waiting: Job[] = [];
  private running = 0;
  private idleWaiters: Array<() => void> = [];
  private pumpScheduled = false;

  constructor(
    private readonly concurrency: number,
    private readonly capacity: number,
    private readonly work: (job: Job) => Promise<void>,
  ) {}

  get freeSlots(): number {
    return this.capacity - this.waiting.length;
  }

  get depth(): number {
    return this.waiting.length + this.running;
  }

  /** Adds a job; throws when the queue is full, so check `freeSlots` first. */
  push(job: Job): void {
    if (this.freeSlots <= 0) throw new Error('run queue is full');
    this.waiting.push(job);
    // Jobs start on the next turn, so that the webhook that queued them gets its response first.
    if (!this.pumpScheduled) {
      this.pumpScheduled = true;
      setImmediate(() => {
        this.pumpScheduled = false;
        this.pump();
      });
    }
  }

  /** Resolves when no job is waiting or running. */
  onIdle(): Promise<void> {
    if (this.depth === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.running < this.concurrency && this.waiting.length > 0) {
      const job = this.waiting.shift()!;
      this.running++;
      // `work` records its own failures; the catch only keeps the queue moving.
      this.work(job)
        .catch(() => undefined)
        .finally(() => {
          this.running--;
          this.pump();
          if (this.depth === 0) this.releaseIdleWaiters();
        });
    }
  }

  private releaseIdleWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
