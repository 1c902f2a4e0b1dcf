/** Runs async tasks one at a time, in submission order (DuckDB transactions must not interleave). */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const next = this.tail.then(task, task);
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** Resolves when every task submitted so far has settled. */
  async drain(): Promise<void> {
    await this.tail;
  }
}
