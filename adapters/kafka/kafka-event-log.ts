/**
 * EventLog on Apache Kafka (kafkajs), for the distributed shape: ingest appends, transform
 * processes share consumer groups. Guarantees and chosen settings: README.md next to this file.
 */
import { Kafka, type Admin, type RetryOptions } from 'kafkajs';
import type { Logger } from 'pino';
import type { ConsumeOptions, EventLog, LogRecord, Subscription, TopicSpec } from '../../ports/event-log.js';
import { DoraError } from '../../ports/errors.js';
import { withDeadline } from './deadline.js';
import { isRecordRejected, toDoraError } from './kafka-errors.js';
import { KAFKA_LOG_LEVELS, pinoLogCreator, type KafkaLogLevel } from './kafka-log-creator.js';
import { KafkaSubscription, type ConsumerSettings } from './kafka-subscription.js';
import { Readiness } from './readiness.js';
import { SafeProducer, type ProducerSettings } from './safe-producer.js';
import { createMissingTopics } from './topics.js';

export interface KafkaEventLogOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
  /** kafkajs' own logging, routed to `logger`. Default 'warn'. */
  kafkaLogLevel?: KafkaLogLevel;
  /** Replication factor of created topics. Default min(3, brokers in the cluster). */
  replicationFactor?: number;
  /** Upper bound of one append (queueing, connecting, retries); past it the append rejects. Default 5000. */
  appendTimeoutMs?: number;
  /** How long the outcome of the last call answers isReady() before a probe is due. Default 3000. */
  readyCacheMs?: number;
  consumer?: Partial<Omit<ConsumerSettings, 'retry'>>;
}

/**
 * Bounded retries for calls a caller waits on (append, ensureTopics, readiness): with the broker
 * down they fail within seconds, so ingest can answer 503 instead of hanging. Explicit on every
 * field because kafkajs swaps in other defaults when NODE_ENV=test.
 */
const SHORT_RETRY: RetryOptions = { retries: 3, initialRetryTime: 100, maxRetryTime: 1000, factor: 0.2, multiplier: 2 };
/** Consumers outlive outages: kafkajs restarts them after these retries run out (and we after a crash). */
const CONSUMER_RETRY: RetryOptions = { retries: 8, initialRetryTime: 300, maxRetryTime: 30_000, factor: 0.2, multiplier: 2 };

const ADMIN_TIMEOUT_MS = 15_000;
const PROBE_TIMEOUT_MS = 2_500;

export class KafkaEventLog implements EventLog {
  private readonly kafka: Kafka;
  private readonly logger: Logger;
  private readonly producer: SafeProducer;
  private readonly readiness: Readiness;
  private readonly subscriptions = new Set<KafkaSubscription>();
  private readonly consumerSettings: ConsumerSettings;
  private admin: Promise<Admin> | undefined;
  private closed = false;

  constructor(private readonly options: KafkaEventLogOptions) {
    if (options.brokers.length === 0) throw new DoraError('CONFIG_INVALID', 'Kafka: no broker addresses given');
    this.logger = options.logger;
    const appendTimeoutMs = options.appendTimeoutMs ?? 5_000;
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      connectionTimeout: 1_000,
      // Above the append bound (kafkajs adds the fetch long-poll time to fetch requests itself).
      requestTimeout: appendTimeoutMs + 5_000,
      retry: SHORT_RETRY,
      logLevel: KAFKA_LOG_LEVELS[options.kafkaLogLevel ?? 'warn'],
      logCreator: pinoLogCreator(options.logger),
    });
    const producerSettings: ProducerSettings = {
      appendTimeoutMs,
      ackTimeoutMs: appendTimeoutMs,
      failFastMs: 500,
      maxRequestBytes: 900_000,
      retry: SHORT_RETRY,
    };
    this.producer = new SafeProducer(this.kafka, producerSettings, this.logger);
    this.readiness = new Readiness(options.readyCacheMs ?? 3_000);
    this.consumerSettings = {
      sessionTimeoutMs: 30_000,
      heartbeatIntervalMs: 3_000,
      rebalanceTimeoutMs: 60_000,
      maxWaitTimeMs: 1_000,
      handlerRetryMs: 250,
      handlerRetryMaxMs: 30_000,
      restartDelayMs: 5_000,
      ...options.consumer,
      retry: CONSUMER_RETRY,
    };
  }

  async ensureTopics(topics: TopicSpec[]): Promise<void> {
    if (topics.length === 0) return;
    const settings = { replicationFactor: this.options.replicationFactor, timeoutMs: ADMIN_TIMEOUT_MS };
    await this.withAdmin('creating topics', ADMIN_TIMEOUT_MS * 2, (admin) => createMissingTopics(admin, topics, settings, this.logger));
  }

  async append(topic: string, records: LogRecord[]): Promise<void> {
    if (records.length === 0) return;
    try {
      await this.producer.send(
        topic,
        records.map((r) => ({ key: r.key, value: r.value, ...(r.headers ? { headers: r.headers } : {}) })),
      );
      this.readiness.record(true);
    } catch (err) {
      if (!isRecordRejected(err)) this.readiness.record(false);
      throw err;
    }
  }

  async consume(options: ConsumeOptions): Promise<Subscription> {
    if (this.closed) throw new DoraError('EVENT_LOG_UNAVAILABLE', 'Kafka: the event log is closed');
    const subscription = new KafkaSubscription(
      this.kafka,
      options,
      this.consumerSettings,
      this.logger.child({ groupId: options.groupId, topic: options.topic }),
    );
    await subscription.start();
    this.subscriptions.add(subscription);
    return {
      stop: async () => {
        this.subscriptions.delete(subscription);
        await subscription.stop();
      },
    };
  }

  isReady(): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    // The probe connects a producer if there is none, so the next append after an outage finds
    // one ready, and asks the cluster for metadata, proving a broker answers right now.
    const probe = (): Promise<void> =>
      withDeadline(
        Promise.all([this.producer.connect(PROBE_TIMEOUT_MS), this.withAdmin('probing', PROBE_TIMEOUT_MS, (a) => a.describeCluster())]).then(
          () => undefined,
        ),
        PROBE_TIMEOUT_MS,
        'readiness probe',
      );
    return this.readiness.check(probe, this.producer.connected);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const subscriptions = [...this.subscriptions];
    this.subscriptions.clear();
    await Promise.all(subscriptions.map((s) => s.stop()));
    await this.producer.close();
    const admin = this.admin;
    this.admin = undefined;
    await admin?.then((a) => a.disconnect()).catch(() => undefined);
  }

  /** Runs `work` on the shared admin client; after a failure the client is replaced, like the producer. */
  private async withAdmin<T>(what: string, timeoutMs: number, work: (admin: Admin) => Promise<T>): Promise<T> {
    if (this.closed) throw new DoraError('EVENT_LOG_UNAVAILABLE', 'Kafka: the event log is closed');
    const current = (this.admin ??= this.connectAdmin());
    const pending = current.then(work);
    try {
      const result = await withDeadline(pending, timeoutMs, what);
      this.readiness.record(true);
      return result;
    } catch (err) {
      this.readiness.record(false);
      if (this.admin === current) {
        this.admin = undefined;
        // Disconnect once the call settles, or kafkajs' retry loop may reconnect it and leak it.
        void pending
          .catch(() => undefined)
          .then(() => current)
          .then((a) => a.disconnect())
          .catch(() => undefined);
      }
      throw toDoraError(err, what);
    }
  }

  private async connectAdmin(): Promise<Admin> {
    const admin = this.kafka.admin({ retry: SHORT_RETRY });
    await admin.connect();
    return admin;
  }
}
