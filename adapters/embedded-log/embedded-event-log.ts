/**
 * EventLog adapter of the embedded shape (`npm start`): an append-only log on local disk under
 * `DORA_DATA_DIR/log`. Format, durability and recovery: README.md in this folder.
 *
 * Choices the port leaves open:
 * - One partition (0) per topic, whatever `partitions` is asked for: a single process consumes
 *   everything, so per-key order holds trivially (the whole topic is in order).
 * - Topics are created on first use by append or consume, as by ensureTopics (Kafka's
 *   auto-create): topic names are constants in code, and a refused append would only turn into a
 *   503 loop at ingest.
 * - One live subscription per (group, topic) in the process: with one partition a second member
 *   would get nothing in Kafka, and here it would duplicate work, so consume() refuses it.
 * - Only one process may open the directory (a LOCK file).
 */
import { mkdir, readdir } from 'node:fs/promises';
import type { ConsumeOptions, EventLog, LogRecord, Subscription, TopicSpec } from '../../ports/event-log.js';
import { DoraError, isDoraError } from '../../ports/errors.js';
import { ConsumerLoop, type ConsumerErrorContext } from './consumer-loop.js';
import { DirLock } from './dir-lock.js';
import { assertTopicName, isTopicName } from './names.js';
import { OffsetStore } from './offset-store.js';
import { TopicLog, type FlushInfo, type RecoveryInfo } from './topic-log.js';

const MiB = 1024 * 1024;

export interface EmbeddedEventLogOptions {
  /** A new segment file starts once the current one reaches this size. Default 128 MiB. */
  segmentBytes?: number;
  /**
   * Upper bound of one group-commit write (one oversized append still goes alone). Also the
   * largest damaged tail that recovery treats as torn rather than corrupt. Default 32 MiB.
   */
  writeBatchBytes?: number;
  /** Byte bound of a consumer batch, on top of maxBatchSize (a bigger single record still goes). Default 16 MiB. */
  maxBatchBytes?: number;
  /** Records per consumer batch when ConsumeOptions.maxBatchSize is not set. Default 500. */
  maxBatchSize?: number;
  /** Fallback poll of a caught-up consumer; appends wake it at once anyway. Default 1000 ms. */
  pollIntervalMs?: number;
  /** Bytes of log per sparse index entry (bounds the skip of a seek). Default 64 KiB. */
  indexIntervalBytes?: number;
  /** Observes each write+fsync batch (metrics, tests). */
  onFlush?: (info: FlushInfo) => void;
  /** Observes a torn tail being cut off at open (worth a warning log line). */
  onRecover?: (info: RecoveryInfo) => void;
  /** Observes errors of background consumer loops: failed handlers, unreadable log, failed commits. */
  onConsumerError?: (err: unknown, context: ConsumerErrorContext) => void;
}

type Settings = Required<Omit<EmbeddedEventLogOptions, 'onFlush' | 'onRecover' | 'onConsumerError'>> &
  Pick<EmbeddedEventLogOptions, 'onFlush' | 'onRecover' | 'onConsumerError'>;

function settings(options: EmbeddedEventLogOptions): Settings {
  const s: Settings = {
    segmentBytes: 128 * MiB,
    writeBatchBytes: 32 * MiB,
    maxBatchBytes: 16 * MiB,
    maxBatchSize: 500,
    pollIntervalMs: 1000,
    indexIntervalBytes: 64 * 1024,
    ...options,
  };
  for (const key of ['segmentBytes', 'writeBatchBytes', 'maxBatchBytes', 'maxBatchSize', 'pollIntervalMs', 'indexIntervalBytes'] as const) {
    if (!Number.isSafeInteger(s[key]) || s[key] <= 0) {
      throw new DoraError('CONFIG_INVALID', `embedded event log option ${key} must be a positive integer, got ${String(s[key])}`);
    }
  }
  return s;
}

export class EmbeddedEventLog implements EventLog {
  private readonly topics = new Map<string, TopicLog>();
  private readonly offsetStores = new Map<string, OffsetStore>();
  private readonly subscriptions = new Map<string, ConsumerLoop | 'starting'>();
  private closed = false;

  private constructor(
    private readonly dir: string,
    private readonly lock: DirLock,
    private readonly settings: Settings,
  ) {}

  /** Opens (creating if needed) the log in `dir`, recovering every topic found there. */
  static async open(dir: string, options: EmbeddedEventLogOptions = {}): Promise<EmbeddedEventLog> {
    const s = settings(options);
    try {
      await mkdir(dir, { recursive: true });
    } catch (cause) {
      throw new DoraError('EVENT_LOG_UNAVAILABLE', `cannot create the event log directory ${dir}`, { cause });
    }
    const lock = await DirLock.acquire(dir);
    const log = new EmbeddedEventLog(dir, lock, s);
    try {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        if (entry.isDirectory() && isTopicName(entry.name)) log.topic(entry.name);
      }
      await Promise.all([...log.topics.values()].map((t) => t.ready));
      return log;
    } catch (err) {
      await log.close();
      if (isDoraError(err)) throw err;
      throw new DoraError('EVENT_LOG_UNAVAILABLE', `cannot open the event log in ${dir}`, { cause: err });
    }
  }

  async ensureTopics(topics: TopicSpec[]): Promise<void> {
    this.assertOpen();
    for (const t of topics) assertTopicName(t.name);
    await Promise.all(topics.map((t) => this.topic(t.name).ready));
  }

  async append(topic: string, records: LogRecord[]): Promise<void> {
    this.assertOpen();
    assertTopicName(topic);
    // No await before this call: appends reach the topic's queue in call order.
    return this.topic(topic).append(records);
  }

  async consume(options: ConsumeOptions): Promise<Subscription> {
    this.assertOpen();
    const { topic: name, groupId } = options;
    assertTopicName(name);
    const key = JSON.stringify([name, groupId]);
    if (this.subscriptions.has(key)) {
      throw new DoraError('CONFIG_INVALID', `group ${groupId} already consumes ${name} in this process (one partition, one owner)`);
    }
    this.subscriptions.set(key, 'starting');
    try {
      const topic = this.topic(name);
      await topic.ready;
      const offsets = this.offsetsOf(topic);
      let start = (await offsets.read(groupId)) ?? (options.fromBeginning === false ? topic.nextOffset : 0);
      if (start > topic.nextOffset) {
        // Only possible if the log lost records it had made visible (fsync lied, files restored
        // from an older backup): carry on from the end rather than skip future records.
        this.settings.onConsumerError?.(
          new DoraError('EVENT_LOG_CORRUPT', `group ${groupId} committed offset ${start} beyond the end of ${name} (${topic.nextOffset})`),
          { topic: name, groupId, stage: 'read' },
        );
        start = topic.nextOffset;
      }
      const cursor = await topic.locate(start);
      this.assertOpen();
      options.onAssignmentChange?.();
      const loop = new ConsumerLoop({
        topic,
        offsets,
        groupId,
        handler: options.handler,
        start: cursor,
        maxBatchSize: options.maxBatchSize ?? this.settings.maxBatchSize,
        maxBatchBytes: this.settings.maxBatchBytes,
        pollIntervalMs: this.settings.pollIntervalMs,
        onError: this.settings.onConsumerError,
        onEnd: () => this.subscriptions.delete(key),
      });
      this.subscriptions.set(key, loop);
      return loop;
    } catch (err) {
      this.subscriptions.delete(key);
      throw err;
    }
  }

  async isReady(): Promise<boolean> {
    if (this.closed) return false;
    for (const t of this.topics.values()) if (!t.writable) return false;
    return true;
  }

  /**
   * Waits for queued appends to be written, closes the files and releases the lock. Subscriptions
   * are their owners' to stop (first); any still running end here and commit nothing more.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions.values()].map((s) => (s === 'starting' ? undefined : s.detach())));
    await Promise.all([...this.topics.values()].map((t) => t.close()));
    await this.lock.release();
  }

  private topic(name: string): TopicLog {
    let topic = this.topics.get(name);
    if (!topic) {
      const created = new TopicLog(this.dir, name, this.settings);
      // A topic that failed to open is forgotten, so a later call tries again.
      created.ready.catch(() => {
        if (this.topics.get(name) === created) this.topics.delete(name);
      });
      this.topics.set(name, created);
      topic = created;
    }
    return topic;
  }

  private offsetsOf(topic: TopicLog): OffsetStore {
    let store = this.offsetStores.get(topic.name);
    if (!store) {
      store = new OffsetStore(topic.folder);
      this.offsetStores.set(topic.name, store);
    }
    return store;
  }

  private assertOpen(): void {
    if (this.closed) throw new DoraError('EVENT_LOG_UNAVAILABLE', `the event log in ${this.dir} is closed`);
  }
}
