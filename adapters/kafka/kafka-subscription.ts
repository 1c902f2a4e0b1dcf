/**
 * consume(): one kafkajs consumer in a consumer group, committing each handler call's offsets
 * only after the handler resolved.
 *
 * A failed handler call is retried in place, same records, with exponential backoff, heartbeating
 * meanwhile, until it succeeds, the partition is taken away (rebalance) or stop() is called. In
 * the latter two cases nothing of it was committed, so whoever owns the partition next reads it
 * again from the committed offset. Retrying in place rather than throwing into kafkajs avoids a
 * consumer restart, and with it a group rebalance, at every failure (e.g. while the store is down).
 */
import type { Consumer, EachBatchPayload, Kafka, RetryOptions } from 'kafkajs';
import type { Logger } from 'pino';
import type { ConsumeOptions, ConsumedRecord, Subscription } from '../../ports/event-log.js';
import { nextOffset, toConsumedRecord } from './consumed-record.js';
import { sleep } from './deadline.js';
import { toDoraError } from './kafka-errors.js';

export interface ConsumerSettings {
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  rebalanceTimeoutMs: number;
  /** Fetch long-poll; stop() and rebalances wait for the fetch in flight, so keep it short. */
  maxWaitTimeMs: number;
  /** Backoff between retries of a failed handler call: first delay, doubled up to the max. */
  handlerRetryMs: number;
  handlerRetryMaxMs: number;
  /** Delay before recreating a consumer that kafkajs gave up on (non-retriable crash). */
  restartDelayMs: number;
  retry: RetryOptions;
}

export class KafkaSubscription implements Subscription {
  private consumer: Consumer | undefined;
  private readonly stopSignal = new AbortController();
  private restartTimer: NodeJS.Timeout | undefined;
  private stopped: Promise<void> | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: ConsumeOptions,
    private readonly settings: ConsumerSettings,
    private readonly logger: Logger,
  ) {}

  /** Resolves once the consumer has joined its group. */
  async start(): Promise<void> {
    const consumer = this.createConsumer();
    this.consumer = consumer;
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: this.options.topic, fromBeginning: this.options.fromBeginning ?? true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: (payload) => this.onBatch(payload),
      });
    } catch (err) {
      await consumer.disconnect().catch(() => undefined);
      throw toDoraError(err, `consuming ${this.options.topic} in group ${this.options.groupId}`);
    }
  }

  /** Stops fetching; kafkajs' disconnect waits for the batch in flight (and its commit) first. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.stopSignal.abort();
      clearTimeout(this.restartTimer);
      await this.consumer?.disconnect().catch((err: unknown) => this.logger.warn({ err }, 'Kafka consumer did not disconnect cleanly'));
    })();
    return this.stopped;
  }

  private get stopping(): boolean {
    return this.stopSignal.signal.aborted;
  }

  private createConsumer(): Consumer {
    const { groupId, topic } = this.options;
    const s = this.settings;
    const consumer = this.kafka.consumer({
      groupId,
      sessionTimeout: s.sessionTimeoutMs,
      heartbeatInterval: s.heartbeatIntervalMs,
      rebalanceTimeout: s.rebalanceTimeoutMs,
      maxWaitTimeInMs: s.maxWaitTimeMs,
      allowAutoTopicCreation: false,
      retry: { ...s.retry, restartOnFailure: async () => !this.stopping },
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.logger.info({ groupId, topic, assignment: payload.memberAssignment }, 'Kafka consumer joined its group');
      // Emitted after join+sync and before the first fetch of the new assignment.
      this.options.onAssignmentChange?.();
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || this.stopping) return;
      // kafkajs restarts by itself only after retriable errors; anything else would leave this
      // subscription silently dead, so it gets a new consumer (resuming from committed offsets).
      this.logger.error({ err: payload.error, groupId, topic }, `Kafka consumer crashed; recreating it in ${s.restartDelayMs} ms`);
      this.restartTimer = setTimeout(() => void this.restart(), s.restartDelayMs);
    });
    return consumer;
  }

  private async restart(): Promise<void> {
    if (this.stopping) return;
    await this.consumer?.disconnect().catch(() => undefined);
    try {
      await this.start();
    } catch (err) {
      if (this.stopping) return;
      this.logger.error({ err }, `Kafka consumer could not restart; trying again in ${this.settings.restartDelayMs} ms`);
      this.restartTimer = setTimeout(() => void this.restart(), this.settings.restartDelayMs);
    }
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { topic, partition, messages } = payload.batch;
    const size = this.options.maxBatchSize ?? messages.length;
    for (let start = 0; start < messages.length; start += size) {
      if (!payload.isRunning() || payload.isStale() || this.stopping) return;
      const chunk = messages.slice(start, start + size).map((m) => toConsumedRecord(topic, partition, m));
      if (!(await this.handleWithRetry(chunk, payload))) return;
      const last = chunk[chunk.length - 1]!.offset;
      // Through the batch payload rather than consumer.commitOffsets(): the latter silently skips
      // the commit once stop() has begun, and stop() must let this batch commit.
      await payload.commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: nextOffset(last) }] }] });
      payload.resolveOffset(last);
      // Throws when the group is rebalancing, so kafkajs rejoins before fetching more.
      if (payload.isRunning()) await payload.heartbeat();
    }
  }

  /** True once the handler succeeded; false when it must be abandoned (stopping, partition lost). */
  private async handleWithRetry(chunk: ConsumedRecord[], payload: EachBatchPayload): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.withHeartbeats(payload, () => this.options.handler(chunk));
        return true;
      } catch (err) {
        const delay = Math.min(this.settings.handlerRetryMaxMs, this.settings.handlerRetryMs * 2 ** (attempt - 1));
        this.logger.warn(
          { err, topic: chunk[0]!.topic, partition: chunk[0]!.partition, firstOffset: chunk[0]!.offset, records: chunk.length, attempt },
          `batch handler failed; nothing committed, retrying the same records in ${delay} ms`,
        );
        if (!(await this.backoff(delay, payload))) return false;
      }
    }
  }

  /** Sleeps `ms` while keeping the group membership alive; false when stopping or the partition is lost. */
  private async backoff(ms: number, payload: EachBatchPayload): Promise<boolean> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      const slice = Math.min(this.settings.heartbeatIntervalMs, until - Date.now());
      if (!(await sleep(slice, this.stopSignal.signal))) return false;
      if (!payload.isRunning() || payload.isStale()) return false;
      // A rebalance error propagates: kafkajs rejoins and the batch is read again from the commit.
      await payload.heartbeat();
    }
    return true;
  }

  /**
   * Runs a handler call while heartbeating in the background, so a slow handler does not get the
   * member evicted. Heartbeat errors here are left for the heartbeat after the commit to surface.
   */
  private async withHeartbeats(payload: EachBatchPayload, work: () => Promise<void>): Promise<void> {
    const timer = setInterval(() => {
      payload.heartbeat().catch((err: unknown) => this.logger.debug({ err }, 'heartbeat during batch handler failed'));
    }, this.settings.heartbeatIntervalMs);
    try {
      await work();
    } finally {
      clearInterval(timer);
    }
  }
}
