/**
 * Group commit: submissions that arrive while a write+fsync is in flight wait and then share the
 * next one, so N concurrent appends cost a handful of fsyncs instead of N. Batches are taken in
 * submission order and written one at a time, which is what keeps appends in call order.
 */
interface Pending<T> {
  item: T;
  bytes: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class GroupCommitQueue<T> {
  private pending: Array<Pending<T>> = [];
  private running: Promise<void> | undefined;

  /**
   * @param flush writes and syncs one batch; its rejection rejects every submission in the batch.
   * @param maxBatchBytes a batch stops growing here (one oversized submission still goes alone),
   *   bounding the memory of one write and the torn tail a crash can leave.
   */
  constructor(
    private readonly flush: (items: T[]) => Promise<void>,
    private readonly maxBatchBytes: number,
  ) {}

  submit(item: T, bytes: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ item, bytes, resolve, reject });
      this.running ??= this.run();
    });
  }

  /** Resolves once everything submitted so far is flushed (or failed). */
  async drained(): Promise<void> {
    while (this.running) await this.running;
  }

  private async run(): Promise<void> {
    // One microtask of patience: appends fired in the same tick (Promise.all over a list) then
    // share the first write instead of the first one going alone.
    await Promise.resolve();
    while (this.pending.length > 0) {
      const batch = this.take();
      try {
        await this.flush(batch.map((p) => p.item));
        for (const p of batch) p.resolve();
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    this.running = undefined;
  }

  private take(): Array<Pending<T>> {
    let bytes = 0;
    let n = 0;
    while (n < this.pending.length && (n === 0 || bytes + this.pending[n]!.bytes <= this.maxBatchBytes)) {
      bytes += this.pending[n]!.bytes;
      n += 1;
    }
    return this.pending.splice(0, n);
  }
}
