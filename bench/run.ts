/**
 * Benchmarks, each printed beside a baseline measured in the same run on the same machine:
 *   embedded:    webhook deliveries/s (vs a bare fastify route taking the same bodies),
 *                time from the last delivery to correct metrics;
 *   distributed: webhook deliveries/s into Kafka (vs raw kafkajs sends of the same bodies),
 *                events/s from Kafka into ClickHouse (vs one raw insert of the same fact rows),
 *                /api/v1/dora latency (vs a raw ClickHouse SELECT 1 round trip).
 * Run: npm run bench  (starts Kafka and ClickHouse itself). `-- --deliveries N` to resize.
 */
import Fastify from 'fastify';
import { Kafka, logLevel } from 'kafkajs';
import { createClient } from '@clickhouse/client';
import { parseArgs } from 'node:util';
import { startInstance, TEST_SECRET, TEST_TOKEN } from '../test/support/instance.js';
import { distributedEnv, dropDatabase } from '../test/support/distributed.js';
import { steadyScenario, T0 } from '../test/support/crash-scenario.js';
import { waitFor } from '../test/support/wait.js';
import { blast, latencies, prepare, row, timed } from './measure.js';

const { values } = parseArgs({ options: { deliveries: { type: 'string', default: '4000' } } });
const n = Math.floor(Number(values.deliveries) / 2);
const scenario = steadyScenario('acme/bench', n);
const items = prepare(scenario.deliveries);
// Deployments are 4 h apart: the window must hold all of them.
const WINDOW = { from: new Date(T0 - 86_400_000).toISOString(), to: new Date(T0 + n * 4 * 3_600_000 + 86_400_000).toISOString() };
process.stdout.write(`bench: ${items.length} GitHub deliveries (${n} pushes of 2 commits + ${n} deployments), concurrency 32\n\n`);

async function bareFastifyBaseline(): Promise<number> {
  const app = Fastify();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 26 * 1024 * 1024 }, (_r, b, done) => done(null, b));
  app.post('/webhooks/github', async (_req, reply) => reply.code(202).send({ accepted: true }));
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const rate = await blast(`${url}/webhooks/github`, TEST_SECRET, items);
  await app.close();
  return rate;
}

async function untilComplete(apiUrl: string): Promise<void> {
  await waitFor('all metrics', async () => {
    const res = await fetch(`${apiUrl}/api/v1/dora?from=${WINDOW.from}&to=${WINDOW.to}`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    const b = (await res.json()) as { deploymentFrequency: { deployments: number }; leadTime: { changes: number } };
    return b.deploymentFrequency.deployments === n && b.leadTime.changes === 2 * n;
  }, 600_000);
}

async function embedded(baseline: number): Promise<void> {
  process.stdout.write('embedded shape (on-disk log + DuckDB, one process)\n');
  const instance = await startInstance('start');
  const rate = await blast(`${instance.url}/webhooks/github`, TEST_SECRET, items);
  const settle = await timed(() => untilComplete(instance.url));
  row('webhook deliveries/s (fsynced before 202)', rate, '/s', 'bare fastify', baseline);
  row('last delivery → correct metrics', settle.ms, 'ms');
  const lat = await latencies(200, async () => {
    await (await instance.api(`/api/v1/dora?from=${WINDOW.from}&to=${WINDOW.to}`)).arrayBuffer();
  });
  const health = await latencies(200, async () => void (await (await fetch(`${instance.url}/healthz`)).arrayBuffer()));
  row('/api/v1/dora p50 latency', lat.p50, 'ms', '/healthz p50', health.p50);
  await instance.cleanup();
}

async function distributed(baseline: number): Promise<void> {
  process.stdout.write('\ndistributed shape (Kafka + ClickHouse)\n');
  const env = distributedEnv();
  const kafka = new Kafka({ clientId: 'bench-raw', brokers: env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const rawTopic = `${env.DORA_NAMESPACE}-rawbaseline`;
  await admin.createTopics({ topics: [{ topic: rawTopic, numPartitions: 3 }], waitForLeaders: true });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  let next = 0;
  const rawSend = await timed(() =>
    Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < items.length) {
          const d = items[next++]!;
          await producer.send({ topic: rawTopic, acks: -1, messages: [{ key: 'acme/bench', value: d.raw }] });
        }
      }),
    ),
  );
  const batched = await timed(async () => {
    for (let i = 0; i < items.length; i += 100) {
      await producer.sendBatch({ acks: -1, topicMessages: [{ topic: rawTopic, messages: items.slice(i, i + 100).map((d) => ({ key: 'acme/bench', value: d.raw })) }] });
    }
  });
  await producer.disconnect();
  await admin.disconnect();

  // Ingest alone first, so the Kafka → ClickHouse stage is measured on its own afterwards.
  const ingest = await startInstance('ingest', env);
  const rate = await blast(`${ingest.url}/webhooks/github`, TEST_SECRET, items);
  row('webhook deliveries/s into Kafka (acks=all)', rate, '/s', 'raw kafkajs send x32', items.length / (rawSend.ms / 1000));
  row('  (same, against batched raw sendBatch of 100)', rate, '/s', 'raw sendBatch', items.length / (batched.ms / 1000));
  row('  (same, against bare fastify)', rate, '/s', 'bare fastify', baseline);
  await ingest.cleanup();

  const api = await startInstance('api', env);
  const transformStart = performance.now();
  const transform = await startInstance('transform', env);
  await untilComplete(api.url);
  const transformMs = performance.now() - transformStart;

  // Baseline: one raw insert of as many rows as the facts written (changes, attempts, deliveries).
  const ch = createClient({ url: env.CLICKHOUSE_URL, username: env.CLICKHOUSE_USER, password: env.CLICKHOUSE_PASSWORD });
  await ch.command({ query: `CREATE TABLE IF NOT EXISTS ${env.CLICKHOUSE_DATABASE}.raw_baseline (repo String, sha String, parent_sha String, committed_at Int64) ENGINE = MergeTree ORDER BY (repo, sha)` });
  const rows = Array.from({ length: 5 * n }, (_, i) => ({ repo: 'acme/bench', sha: `sha-${i}`, parent_sha: `sha-${i - 1}`, committed_at: 1_700_000_000_000 + i }));
  const insert = await timed(() => ch.insert({ table: `${env.CLICKHOUSE_DATABASE}.raw_baseline`, values: rows, format: 'JSONEachRow' }));
  const rawQuery = await latencies(200, async () => void (await (await ch.query({ query: 'SELECT 1', format: 'JSONEachRow' })).json()));
  await ch.close();
  row('Kafka → ClickHouse events/s (normalise + link)', items.length / (transformMs / 1000), '/s', 'raw CH insert rows', rows.length / (insert.ms / 1000));
  const lat = await latencies(200, async () => {
    await (await api.api(`/api/v1/dora?from=${WINDOW.from}&to=${WINDOW.to}`)).arrayBuffer();
  });
  row('/api/v1/dora p50 latency', lat.p50, 'ms', 'raw CH SELECT 1 p50', rawQuery.p50);
  row('/api/v1/dora p95 latency', lat.p95, 'ms', 'raw CH SELECT 1 p95', rawQuery.p95);
  await transform.cleanup();
  await api.cleanup();
  await dropDatabase(env);
}

const baseline = await bareFastifyBaseline();
await embedded(baseline);
await distributed(baseline);
process.exit(0);
