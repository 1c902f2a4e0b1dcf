/**
 * EventLog port: the durable, replayable log between ingest and transform.
 *
 * Two adapters implement it (embedded on-disk log, Kafka) and both pass the same contract
 * suite in test/contract/event-log.contract.ts. The shape follows Kafka's model so the Kafka
 * adapter maps onto it without translation: topics, keyed records, per-key order, consumer
 * groups with committed offsets.
 */

/** A record as producers hand it to the log. */
export interface LogRecord {
  /** Partitioning key: records with the same key keep their order. */
  key: string;
  value: Buffer;
  /** Small string metadata (source, delivery id, dead-letter reason, ...). */
  headers?: Record<string, string>;
}

/** A record as consumers see it. */
export interface ConsumedRecord extends LogRecord {
  topic: string;
  partition: number;
  /** Offset within the partition, as a decimal string (Kafka offsets are 64-bit). */
  offset: string;
  /** When the log accepted the record, epoch milliseconds. */
  timestamp: number;
  headers: Record<string, string>;
}

/**
 * Called with a batch of records from one partition, in offset order. Offsets of the batch are
 * committed only after the returned promise resolves; a rejection means none of the batch is
 * committed and the batch is delivered again (at-least-once). Handlers must be idempotent.
 */
export type BatchHandler = (batch: ConsumedRecord[]) => Promise<void>;

export interface ConsumeOptions {
  groupId: string;
  topic: string;
  handler: BatchHandler;
  /** Start position for a group with no committed offset. Default: earliest. */
  fromBeginning?: boolean;
  /**
   * Called when the set of partitions this consumer owns may have changed (join, rebalance).
   * Consumers that keep in-memory state per key must drop or rebuild it here.
   */
  onAssignmentChange?: () => void;
  /** Upper bound of records per handler call. */
  maxBatchSize?: number;
}

export interface Subscription {
  /** Stops fetching, waits for the in-flight batch to finish and commit, then resolves. */
  stop(): Promise<void>;
}

export interface TopicSpec {
  name: string;
  partitions: number;
}

export interface EventLog {
  /** Creates missing topics. Idempotent. */
  ensureTopics(topics: TopicSpec[]): Promise<void>;
  /**
   * Appends records to a topic. Resolves only once every record is durable (embedded: fsynced;
   * Kafka: acknowledged by all in-sync replicas). Rejects with an EventLogUnavailable error
   * when the log cannot take writes; the caller must then not acknowledge the event.
   */
  append(topic: string, records: LogRecord[]): Promise<void>;
  consume(options: ConsumeOptions): Promise<Subscription>;
  /** True when the log can take writes now (readiness). Cheap. */
  isReady(): Promise<boolean>;
  close(): Promise<void>;
}
