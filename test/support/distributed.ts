/**
 * The distributed shape as separate processes against the real Kafka and ClickHouse of the test
 * run: `dora migrate`, then `dora ingest`, `dora transform` and `dora api`, each in its own
 * namespace (topics, groups) and ClickHouse database so test files don't see each other's data.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { freePort, startDora, type DoraProcess } from './child-process.js';
import { testServices } from './services.js';
import { TEST_SECRET, TEST_TOKEN } from './instance.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Distributed {
  env: Record<string, string>;
  ingest: DoraProcess;
  transform: DoraProcess;
  api: DoraProcess;
  restartTransform(): Promise<void>;
  stop(): Promise<void>;
}

export function distributedEnv(): Record<string, string> {
  const s = testServices();
  const id = randomBytes(4).toString('hex');
  return {
    DORA_EVENT_LOG: 'kafka',
    KAFKA_BROKERS: s.kafkaBrokers.join(','),
    DORA_KAFKA_PARTITIONS: '3',
    DORA_NAMESPACE: `t${id}`,
    DORA_STORE: 'clickhouse',
    CLICKHOUSE_URL: s.clickhouseUrl,
    CLICKHOUSE_USER: s.clickhouseUser,
    CLICKHOUSE_PASSWORD: s.clickhousePassword,
    CLICKHOUSE_DATABASE: `dora_t${id}`,
    GITHUB_WEBHOOK_SECRET: TEST_SECRET,
    DORA_API_TOKEN: TEST_TOKEN,
    DORA_LOG_LEVEL: 'warn',
  };
}

export async function startDistributed(env = distributedEnv()): Promise<Distributed> {
  const migrate = spawnSync(process.execPath, ['--import', 'tsx', 'app/main.ts', 'migrate'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (migrate.status !== 0) throw new Error(`dora migrate failed: ${migrate.stderr}${migrate.stdout}`);
  const ports = { ingest: await freePort(), transform: await freePort(), api: await freePort() };
  const [ingest, transform, api] = await Promise.all([
    startDora('ingest', env, ports.ingest),
    startDora('transform', env, ports.transform),
    startDora('api', env, ports.api),
  ]);
  const d: Distributed = {
    env,
    ingest,
    transform,
    api,
    restartTransform: async () => {
      d.transform = await startDora('transform', env, ports.transform);
    },
    stop: async () => {
      await Promise.all([d.ingest.kill('SIGTERM'), d.transform.kill('SIGTERM'), d.api.kill('SIGTERM')]);
    },
  };
  return d;
}

/** Drops the test's ClickHouse database. */
export async function dropDatabase(env: Record<string, string>): Promise<void> {
  const url = new URL(env.CLICKHOUSE_URL!);
  url.searchParams.set('query', `DROP DATABASE IF EXISTS ${env.CLICKHOUSE_DATABASE}`);
  await fetch(url, { method: 'POST' }).then((r) => r.arrayBuffer());
}
