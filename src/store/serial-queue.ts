/**
 * Runs async tasks one at a time in arrival order. Flow mutations from the API and changes
 * found by the reconcile loop share one queue, so a file hookflow is writing is never read
 * as a hand edit halfway through.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  get length(): number {
    return this.pending;
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    this.pending++;
    const result = this.tail.then(task);
    // The chain continues whether the task failed or not; the caller sees the failure.
    this.tail = result.catch(() => undefined).finally(() => {
      this.pending--;
    });
    return result;
  }
}
