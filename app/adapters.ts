/**
 * The only place that picks adapters: the event log and the store named by the configuration.
 */
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { EventLog, TopicSpec } from '../ports/event-log.js';
import type { Store } from '../ports/store.js';
import { topology } from '../schemas/raw-delivery.js';
import { EmbeddedEventLog } from '../adapters/embedded-log/embedded-event-log.js';
import { KafkaEventLog } from '../adapters/kafka/kafka-event-log.js';
import { DuckDbStore } from '../adapters/duckdb/duckdb-store.js';
import { ClickHouseStore } from '../adapters/clickhouse/clickhouse-store.js';

export async function openEventLog(config: Config, logger: Logger, clientId: string): Promise<EventLog> {
  if (config.DORA_EVENT_LOG === 'kafka') {
    return new KafkaEventLog({ brokers: config.KAFKA_BROKERS, clientId, logger: logger.child({ component: 'kafka' }) });
  }
  const dir = join(config.DORA_DATA_DIR, 'log');
  await mkdir(dir, { recursive: true });
  const log = logger.child({ component: 'embedded-log' });
  return EmbeddedEventLog.open(dir, {
    onRecover: (info) => log.warn({ info }, 'torn_tail_cut_at_open'),
    // Failed handlers are retried by the consumer loop; the warning makes a stuck stage visible.
    onConsumerError: (err, context) => log.warn({ err, context }, 'consumer_batch_failed_will_retry'),
  });
}

export function topicSpecs(config: Config): TopicSpec[] {
  const partitions = config.DORA_EVENT_LOG === 'kafka' ? config.DORA_KAFKA_PARTITIONS : 1;
  const t = topology(config.DORA_NAMESPACE);
  return [t.raw, t.canonical, t.deadLetter].map((name) => ({ name, partitions }));
}

export async function openStore(config: Config, logger: Logger): Promise<Store> {
  if (config.DORA_STORE === 'clickhouse') {
    return new ClickHouseStore({
      url: config.CLICKHOUSE_URL,
      username: config.CLICKHOUSE_USER,
      password: config.CLICKHOUSE_PASSWORD,
      database: config.CLICKHOUSE_DATABASE,
      logger: logger.child({ component: 'clickhouse' }),
    });
  }
  await mkdir(config.DORA_DATA_DIR, { recursive: true });
  return DuckDbStore.open(join(config.DORA_DATA_DIR, 'dora.duckdb'));
}
