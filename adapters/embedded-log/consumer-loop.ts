/**
 * One subscription: read a batch, hand it to the handler, commit after the handler resolves, repeat.
 *
 * - Caught up: sleeps until the topic reports a flush (in-process, the only writer is this
 *   process), with a poll timer as a fallback should a wake-up ever be missed.
 * - Handler rejects: nothing is committed; the same batch is redelivered after a backoff
 *   (100 ms doubling to 5 s). Read errors (corrupt log, disk) back off the same way and are
 *   reported through `onError`, since no caller is waiting on a background loop.
 * - stop(): no new batch is fetched; an in-flight batch finishes and commits; a backoff ends at once.
 * - detach() (the log is closing): like stop, but nothing more is committed, because the data dir
 *   lock is about to be released; at-least-once delivery covers the uncommitted batch.
 */
import type { BatchHandler, ConsumedRecord, Subscription } from '../../ports/event-log.js';
import type { OffsetStore } from './offset-store.js';
import type { ReadCursor, TopicLog } from './topic-log.js';

const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5_000;

export interface ConsumerErrorContext {
  topic: string;
  groupId: string;
  stage: 'read' | 'handler' | 'commit';
}

export interface ConsumerLoopOptions {
  topic: TopicLog;
  offsets: OffsetStore;
  groupId: string;
  handler: BatchHandler;
  start: ReadCursor;
  maxBatchSize: number;
  maxBatchBytes: number;
  pollIntervalMs: number;
  onError?: (err: unknown, context: ConsumerErrorContext) => void;
  /** Called once when the loop has ended. */
  onEnd: () => void;
}

export class ConsumerLoop implements Subscription {
  private stopping = false;
  private detached = false;
  private wake: (() => void) | undefined;
  private commitInFlight: Promise<void> | undefined;
  private readonly finished: Promise<void>;

  constructor(private readonly o: ConsumerLoopOptions) {
    this.finished = this.run();
  }

  stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    return this.finished;
  }

  /** Resolves once no commit is being written (a handler still running is not waited for). */
  async detach(): Promise<void> {
    this.detached = true;
    this.wake?.();
    await this.commitInFlight;
  }

  private get ending(): boolean {
    return this.stopping || this.detached;
  }

  private async run(): Promise<void> {
    let cursor = this.o.start;
    let readBackoff = FIRST_BACKOFF_MS;
    try {
      while (!this.ending) {
        const flushesSeen = this.o.topic.flushCount;
        let batch: { records: ConsumedRecord[]; cursor: ReadCursor };
        try {
          batch = await this.o.topic.read(cursor, this.o.maxBatchSize, this.o.maxBatchBytes);
          readBackoff = FIRST_BACKOFF_MS;
        } catch (err) {
          this.report(err, 'read');
          await this.pause(readBackoff, undefined);
          readBackoff = Math.min(readBackoff * 2, MAX_BACKOFF_MS);
          continue;
        }
        if (batch.records.length === 0) {
          cursor = batch.cursor;
          await this.pause(this.o.pollIntervalMs, flushesSeen);
          continue;
        }
        if (!(await this.deliver(batch.records))) break;
        cursor = batch.cursor;
        if (this.detached) break;
        this.commitInFlight = this.commit(cursor.next);
        await this.commitInFlight;
        this.commitInFlight = undefined;
      }
    } finally {
      this.o.onEnd();
    }
  }

  private async commit(next: number): Promise<void> {
    try {
      await this.o.offsets.commit(this.o.groupId, next);
    } catch (err) {
      // The batch is processed; the next commit (offsets are absolute) supersedes this one, and a
      // restart before then redelivers it, which at-least-once allows.
      this.report(err, 'commit');
    }
  }

  /** Runs the handler until it resolves (true) or the loop is told to end while retrying (false). */
  private async deliver(records: ConsumedRecord[]): Promise<boolean> {
    let backoff = FIRST_BACKOFF_MS;
    for (;;) {
      try {
        await this.o.handler(records);
        return true;
      } catch (err) {
        this.report(err, 'handler');
      }
      await this.pause(backoff, undefined);
      if (this.ending) return false;
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
  }

  /**
   * Sleeps `ms`, or less when the loop is told to end, or, given the flush count seen before the
   * last read, as soon as the topic has flushed since (checked first, so no flush is missed).
   */
  private pause(ms: number, flushesSeen: number | undefined): Promise<void> {
    if (this.ending) return Promise.resolve();
    if (flushesSeen !== undefined && this.o.topic.flushCount !== flushesSeen) return Promise.resolve();
    return new Promise<void>((resolve) => {
      let unsubscribe: (() => void) | undefined;
      const done = (): void => {
        clearTimeout(timer);
        unsubscribe?.();
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      if (flushesSeen !== undefined) unsubscribe = this.o.topic.onAppend(done);
      this.wake = done;
    });
  }

  private report(err: unknown, stage: ConsumerErrorContext['stage']): void {
    try {
      this.o.onError?.(err, { topic: this.o.topic.name, groupId: this.o.groupId, stage });
    } catch {
      // A failing error reporter must not kill the consumer.
    }
  }
}
