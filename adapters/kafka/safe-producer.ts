/**
 * The idempotent kafkajs producer behind append(): one send at a time, bounded in time, and
 * replaced by a fresh producer after any failure.
 *
 * Why one send at a time: when a produce request fails, kafkajs rolls the partition's sequence
 * number back even if the broker may have written the batch (request timeout, connection dropped
 * after the write). A *different* batch sent next with those same sequence numbers would be taken
 * by the broker for a duplicate and acknowledged without being written: silent loss. Serialising
 * the sends keeps kafkajs' own retries safe (same records, same sequence numbers, so the broker's
 * de-duplication does the right thing), and a new producer (new producer id) after a failure
 * makes reuse impossible. kafkajs already serialises produce requests per broker for idempotent
 * producers (maxInFlightRequests 1), so on one broker this costs no throughput.
 *
 * Why replace after failure: kafkajs never recovers an idempotent producer whose id, epoch or
 * sequence state the broker no longer accepts (after a broker restart lost producer state, or the
 * producer id expired); it would fail every append until the process restarts.
 */
import { Partitioners, type Kafka, type Message, type Producer, type RetryOptions } from 'kafkajs';
import type { Logger } from 'pino';
import { DoraError } from '../../ports/errors.js';
import { remaining, withDeadline } from './deadline.js';
import { isProducerStateError, isRecordRejected, toDoraError } from './kafka-errors.js';
import { splitBySize } from './split-by-size.js';

export interface ProducerSettings {
  /** Upper bound of one append, queueing included. */
  appendTimeoutMs: number;
  /** How long the partition leader may wait for the in-sync replicas before failing the write. */
  ackTimeoutMs: number;
  /** After a failure, appends fail at once for this long instead of each waiting out a timeout. */
  failFastMs: number;
  /** Larger appends go out as several requests, in order (the broker's limit is 1 MiB per partition). */
  maxRequestBytes: number;
  retry: RetryOptions;
}

interface Slot {
  producer: Producer;
  ready: Promise<Producer>;
  connected: boolean;
}

export class SafeProducer {
  private slot: Slot | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private failedAt = Number.NEGATIVE_INFINITY;
  private closed = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly settings: ProducerSettings,
    private readonly logger: Logger,
  ) {}

  /** Resolves once every message is acknowledged by all in-sync replicas (acks -1). */
  send(topic: string, messages: Message[]): Promise<void> {
    const deadline = Date.now() + this.settings.appendTimeoutMs;
    const run = (): Promise<void> => this.sendNow(topic, messages, deadline);
    const result = this.tail.then(run, run);
    this.tail = result.catch(() => undefined);
    return result;
  }

  get connected(): boolean {
    return this.slot?.connected === true;
  }

  /** Connects a producer if none is; readiness probes call it so the next append finds one ready. */
  async connect(timeoutMs: number): Promise<void> {
    if (this.closed) throw new DoraError('EVENT_LOG_UNAVAILABLE', 'Kafka: the event log is closed');
    const slot = this.current();
    try {
      await withDeadline(slot.ready, timeoutMs, 'connecting the producer');
    } catch (err) {
      this.discard(slot, err, slot.ready);
      throw toDoraError(err, 'connecting the producer');
    }
  }

  /** Waits for queued appends, then disconnects. */
  async close(): Promise<void> {
    this.closed = true;
    await this.tail;
    const slot = this.slot;
    this.slot = undefined;
    if (slot) await slot.producer.disconnect().catch(() => undefined);
  }

  private async sendNow(topic: string, messages: Message[], deadline: number): Promise<void> {
    if (this.closed) throw new DoraError('EVENT_LOG_UNAVAILABLE', 'Kafka: the event log is closed');
    const sinceFailure = Date.now() - this.failedAt;
    if (sinceFailure < this.settings.failFastMs) {
      throw new DoraError('EVENT_LOG_UNAVAILABLE', `Kafka: the last append failed ${sinceFailure} ms ago; not retrying yet`);
    }
    // Normally one piece, so one produce request per append.
    for (const piece of splitBySize(messages, this.settings.maxRequestBytes)) await this.sendPiece(topic, piece, deadline);
  }

  private async sendPiece(topic: string, messages: Message[], deadline: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const slot = this.current();
      let sending: Promise<unknown> = slot.ready;
      try {
        const producer = await withDeadline(slot.ready, remaining(deadline), 'connecting the producer');
        sending = producer.send({ topic, messages, acks: -1, timeout: this.settings.ackTimeoutMs });
        await withDeadline(sending, remaining(deadline), `appending to ${topic}`);
        return;
      } catch (err) {
        // Refused for its content, nothing written, sequence numbers correctly rolled back: the
        // producer stays good and other appends need not fail fast.
        if (isRecordRejected(err)) throw toDoraError(err, `appending ${messages.length} record(s) to ${topic}`);
        this.discard(slot, err, sending);
        // The broker refused the batch without writing it: resend once with a new producer id.
        if (attempt === 1 && isProducerStateError(err) && remaining(deadline) > 0) continue;
        this.failedAt = Date.now();
        throw toDoraError(err, `appending ${messages.length} record(s) to ${topic}`);
      }
    }
  }

  private current(): Slot {
    if (this.slot) return this.slot;
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Java-compatible murmur2 on the key: a repository's events keep one partition, and other
      // Kafka clients writing the same keys agree with us.
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: this.settings.retry,
    });
    const slot: Slot = { producer, connected: false, ready: Promise.resolve(producer) };
    slot.ready = producer.connect().then(() => {
      slot.connected = true;
      return producer;
    });
    // Observed through withDeadline; this only keeps an unobserved failure from crashing the process.
    slot.ready.catch(() => undefined);
    this.slot = slot;
    return slot;
  }

  /**
   * Stops using `slot`. It is disconnected only after its pending request settles: disconnecting
   * earlier lets kafkajs' retry loop reconnect it behind our back and leak the connection.
   */
  private discard(slot: Slot, err: unknown, pending: Promise<unknown>): void {
    if (this.slot !== slot) return;
    this.slot = undefined;
    this.logger.warn({ err }, 'Kafka producer failed; the next append uses a new producer');
    void pending
      .catch(() => undefined)
      .then(() => slot.producer.disconnect())
      .catch(() => undefined);
  }
}
