/** Topic creation for ensureTopics(): create what is missing, never touch what exists. */
import type { Admin } from 'kafkajs';
import type { Logger } from 'pino';
import type { TopicSpec } from '../../ports/event-log.js';
import { DoraError } from '../../ports/errors.js';
import { kafkaErrorType } from './kafka-errors.js';

/** Largest record a topic takes: the 26 MiB webhook body limit plus headers and framing. */
export const MAX_RECORD_BYTES = 28 * 1024 * 1024;

export interface TopicSettings {
  /** Fixed replication factor; default min(3, brokers in the cluster). */
  replicationFactor?: number;
  /** Broker-side timeout of the create request and of waiting for the new partitions' leaders. */
  timeoutMs: number;
}

export async function createMissingTopics(admin: Admin, topics: TopicSpec[], settings: TopicSettings, logger: Logger): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t.name));
  if (missing.length === 0) return;

  const replicationFactor = settings.replicationFactor ?? Math.min(3, (await admin.describeCluster()).brokers.length);
  // acks=all only means "all *in-sync* replicas": with min.insync.replicas 2 of 3 an acknowledged
  // record is on two brokers even when the ISR shrinks, and one broker down still takes writes.
  const minInsync = Math.min(2, Math.max(1, replicationFactor - 1));
  // Another process may create the same topics at the same moment: kafkajs then answers false
  // (TOPIC_ALREADY_EXISTS for all of them), which is as good as created.
  const created = await admin.createTopics({
    topics: missing.map((t) => ({
      topic: t.name,
      numPartitions: t.partitions,
      replicationFactor,
      // GitHub deliveries reach 25 MB; the broker's default of ~1 MB per record would refuse them.
      configEntries: [
        { name: 'min.insync.replicas', value: String(minInsync) },
        { name: 'max.message.bytes', value: String(MAX_RECORD_BYTES) },
        // A record must fit in one log segment; brokers configured with small segments would refuse it.
        { name: 'segment.bytes', value: String(Math.max(MAX_RECORD_BYTES * 2, 64 * 1024 * 1024)) },
      ],
    })),
    // kafkajs' own wait gives up on UNKNOWN_TOPIC_OR_PARTITION, which a broker answers until the
    // new topic's metadata reached it (seen under load on KRaft): we wait ourselves, below.
    waitForLeaders: false,
    timeout: settings.timeoutMs,
  });
  await waitForLeaders(admin, missing.map((t) => t.name), settings.timeoutMs);
  logger.info({ topics: missing, replicationFactor, minInsync, created }, 'Kafka topics ensured');
}

/** Answers a broker gives while a new topic's metadata is still propagating. */
const NOT_YET = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE']);

/** Resolves once every partition of `names` has a leader, so appends right after do not fail. */
async function waitForLeaders(admin: Admin, names: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: names });
      const ready = names.every((name) => {
        const partitions = topics.find((t) => t.name === name)?.partitions ?? [];
        return partitions.length > 0 && partitions.every((p) => p.leader >= 0);
      });
      if (ready) return;
    } catch (err) {
      const type = kafkaErrorType(err);
      if (type === undefined || !NOT_YET.has(type)) throw err;
    }
    if (Date.now() > deadline) {
      throw new DoraError('EVENT_LOG_UNAVAILABLE', `Kafka: topics ${names.join(', ')} have no leader after ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
