/**
 * The Kafka EventLog adapter against a real broker: the shared contract, plus what only Kafka
 * has (partitioning by key, consumer groups split across processes, broker outages).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Partitioners } from 'kafkajs';
import { pino } from 'pino';
import { KafkaEventLog, type KafkaEventLogOptions } from '../adapters/kafka/kafka-event-log.js';
import type { ConsumedRecord, EventLog, LogRecord, Subscription } from '../ports/event-log.js';
import { eventLogContract } from './contract/event-log.contract.js';
import { uniqueName, waitFor } from './support/wait.js';

// Only Kafka is needed here, so KAFKA_BROKERS is read directly: testServices() also insists on
// CLICKHOUSE_URL. Like it, this fails (never skips) when the broker address is missing.
function kafkaBrokers(): string[] {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) {
    throw new Error('KAFKA_BROKERS not set: run the tests with `npm test`, or start Kafka with `scripts/services.sh up` and `source .services/env`.');
  }
  return brokers.split(',');
}

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const PARTITIONS = 3;

function openLog(extra: Partial<KafkaEventLogOptions> = {}): KafkaEventLog {
  return new KafkaEventLog({ brokers: kafkaBrokers(), clientId: uniqueName('test'), logger, ...extra });
}

eventLogContract('kafka', async () => ({
  open: async () => openLog(),
  partitions: PARTITIONS,
  cleanup: async () => undefined,
}));

const rec = (key: string, value: string): LogRecord => ({ key, value: Buffer.from(value) });
const values = (records: ConsumedRecord[]): string[] => records.map((r) => r.value.toString());

describe('Kafka event log', () => {
  const logs: EventLog[] = [];
  const subs: Subscription[] = [];

  // Faster heartbeats than production so group rebalances settle within a second or two.
  async function open(): Promise<EventLog> {
    const log = openLog({ consumer: { heartbeatIntervalMs: 500, sessionTimeoutMs: 10_000 } });
    logs.push(log);
    return log;
  }

  async function topicWith(log: EventLog): Promise<string> {
    const topic = uniqueName('kafka');
    await log.ensureTopics([{ name: topic, partitions: PARTITIONS }]);
    return topic;
  }

  afterEach(async () => {
    for (const s of subs.splice(0)) await s.stop().catch(() => undefined);
    for (const l of logs.splice(0)) await l.close().catch(() => undefined);
  });

  it('puts every record of a key on one partition, across appends, as Java clients would (murmur2)', async () => {
    const log = await open();
    const topic = await topicWith(log);
    const keys = Array.from({ length: 20 }, (_, i) => `org/repo-${i}`);
    for (let round = 0; round < 5; round++) await log.append(topic, keys.map((k) => rec(k, `${k}#${round}`)));

    const got: ConsumedRecord[] = [];
    subs.push(await log.consume({ groupId: uniqueName('g'), topic, handler: async (b) => void got.push(...b) }));
    await waitFor('100 records', () => got.length >= 100);

    const javaPartition = Partitioners.DefaultPartitioner();
    const partitionMetadata = Array.from({ length: PARTITIONS }, (_, id) => ({ partitionId: id, leader: 1, replicas: [1], isr: [1], partitionErrorCode: 0 }));
    for (const key of keys) {
      const partitions = new Set(got.filter((r) => r.key === key).map((r) => r.partition));
      expect(partitions.size).toBe(1);
      expect([...partitions][0]).toBe(javaPartition({ topic, partitionMetadata, message: { key, value: null } }));
      expect(values(got.filter((r) => r.key === key))).toEqual([0, 1, 2, 3, 4].map((n) => `${key}#${n}`));
    }
    expect(new Set(got.map((r) => r.partition)).size).toBe(PARTITIONS);
  });

  it('splits the partitions between two members of a group, which together see every record exactly once', async () => {
    const [logA, logB] = [await open(), await open()];
    const topic = await topicWith(logA);
    const groupId = uniqueName('g');
    const seenA: ConsumedRecord[] = [];
    const seenB: ConsumedRecord[] = [];
    let joinsA = 0;
    let joinsB = 0;
    subs.push(await logA.consume({ groupId, topic, handler: async (b) => void seenA.push(...b), onAssignmentChange: () => void joinsA++ }));
    subs.push(await logB.consume({ groupId, topic, handler: async (b) => void seenB.push(...b), onAssignmentChange: () => void joinsB++ }));
    // A joined alone, then rejoined when B came: both told their assignment may have changed.
    await waitFor('the group to rebalance', () => joinsA >= 2 && joinsB >= 1);

    for (let i = 0; i < 10; i++) await logA.append(topic, Array.from({ length: 30 }, (_, k) => rec(`repo-${k}`, `${k}:${i}`)));
    await waitFor('300 records', () => seenA.length + seenB.length >= 300);
    await new Promise((r) => setTimeout(r, 500));

    const all = [...seenA, ...seenB];
    expect(all).toHaveLength(300);
    expect(new Set(values(all)).size).toBe(300);
    const partitionsA = new Set(seenA.map((r) => r.partition));
    const partitionsB = new Set(seenB.map((r) => r.partition));
    expect(partitionsA.size).toBeGreaterThan(0);
    expect(partitionsB.size).toBeGreaterThan(0);
    expect([...partitionsA].filter((p) => partitionsB.has(p))).toEqual([]);
  });

  it('loses nothing when a member stops half-way: the other takes over from its commits', async () => {
    const [logA, logB] = [await open(), await open()];
    const topic = await topicWith(logA);
    const groupId = uniqueName('g');
    const seenA: ConsumedRecord[] = [];
    const seenB: ConsumedRecord[] = [];
    const slow = async (): Promise<void> => new Promise((r) => setTimeout(r, 20));
    const subA = await logA.consume({ groupId, topic, maxBatchSize: 10, handler: async (b) => (await slow(), void seenA.push(...b)) });
    subs.push(subA);
    let joinsB = 0;
    subs.push(await logB.consume({ groupId, topic, maxBatchSize: 10, handler: async (b) => (await slow(), void seenB.push(...b)), onAssignmentChange: () => void joinsB++ }));

    const expected: string[] = [];
    for (let i = 0; i < 20; i++) {
      const batch = Array.from({ length: 30 }, (_, k) => rec(`repo-${k}`, `${k}:${i}`));
      expected.push(...batch.map((r) => r.value.toString()));
      await logA.append(topic, batch);
    }
    await waitFor('A to be half-way', () => seenA.length >= 60);
    await subA.stop();
    await waitFor('B to take over', () => joinsB >= 2);
    await waitFor('every record', () => new Set(values([...seenA, ...seenB])).size >= expected.length, 60_000);

    const all = [...seenA, ...seenB];
    expect(new Set(values(all))).toEqual(new Set(expected));
    // Per key, the union is in order once duplicates (at-least-once) are removed.
    for (let k = 0; k < 30; k++) {
      const seq = [...new Set(values(all.filter((r) => r.key === `repo-${k}`).sort((x, y) => Number(BigInt(x.offset) - BigInt(y.offset)))))];
      expect(seq).toEqual(Array.from({ length: 20 }, (_, i) => `${k}:${i}`));
    }
  });

  it('caps handler calls at maxBatchSize and commits each call: a failing call commits nothing and is retried', async () => {
    const log = await open();
    const topic = await topicWith(log);
    const groupId = uniqueName('g');
    await log.append(topic, Array.from({ length: 25 }, (_, i) => rec('one-key', String(i))));

    const sizes: number[] = [];
    const done: string[] = [];
    let failures = 0;
    const sub = await log.consume({
      groupId,
      topic,
      maxBatchSize: 10,
      handler: async (batch) => {
        sizes.push(batch.length);
        if (batch.some((r) => r.value.toString() === '12')) {
          failures += 1;
          throw new Error('store down');
        }
        done.push(...values(batch));
      },
    });
    await waitFor('the call holding 12 to fail twice', () => failures >= 2);
    const stopStarted = Date.now();
    await sub.stop();
    expect(Date.now() - stopStarted).toBeLessThan(5_000);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(10);
    const committed = done.length;
    expect(done).toEqual(Array.from({ length: committed }, (_, i) => String(i)));
    expect(committed).toBeLessThanOrEqual(12);

    const rest: ConsumedRecord[] = [];
    subs.push(await log.consume({ groupId, topic, handler: async (b) => void rest.push(...b) }));
    await waitFor('the rest', () => rest.length >= 25 - committed);
    await new Promise((r) => setTimeout(r, 300));
    expect(values(rest)).toEqual(Array.from({ length: 25 - committed }, (_, i) => String(committed + i)));
  });

  it('takes an append larger than the broker takes in one request (3 MB under one key), in order', async () => {
    const log = await open();
    const topic = await topicWith(log);
    const filler = 'x'.repeat(1000);
    await log.append(topic, Array.from({ length: 3000 }, (_, i) => rec('one-repo', `${i}:${filler}`)));
    const got: ConsumedRecord[] = [];
    subs.push(await log.consume({ groupId: uniqueName('g'), topic, handler: async (b) => void got.push(...b) }));
    await waitFor('3000 records', () => got.length >= 3000);
    expect(got.map((r) => Number(r.value.toString().split(':')[0]))).toEqual([...Array(3000).keys()]);
  });

  it('takes one record as large as the biggest GitHub delivery (25 MB)', async () => {
    const log = await open();
    const topic = await topicWith(log);
    const big = Buffer.alloc(25 * 1024 * 1024, 7);
    await log.append(topic, [{ key: 'big-repo', value: big }]);
    const got: ConsumedRecord[] = [];
    subs.push(await log.consume({ groupId: uniqueName('g'), topic, handler: async (b) => void got.push(...b) }));
    await waitFor('the big record', () => got.length >= 1, 60_000);
    expect(got[0]!.value.length).toBe(big.length);
    expect(Buffer.compare(got[0]!.value, big)).toBe(0);
  });

  it('reports not ready and rejects appends fast with EVENT_LOG_UNAVAILABLE when no broker answers', async () => {
    const log = openLog({ brokers: ['127.0.0.1:1'] });
    logs.push(log);
    let started = Date.now();
    expect(await log.isReady()).toBe(false);
    expect(Date.now() - started).toBeLessThan(5_000);

    started = Date.now();
    await expect(log.append('any-topic', [rec('k', 'v')])).rejects.toMatchObject({ name: 'DoraError', code: 'EVENT_LOG_UNAVAILABLE' });
    expect(Date.now() - started).toBeLessThan(7_000);

    await expect(log.ensureTopics([{ name: 'any-topic', partitions: 1 }])).rejects.toMatchObject({ code: 'EVENT_LOG_UNAVAILABLE' });
    expect(await log.isReady()).toBe(false);
  });
});
