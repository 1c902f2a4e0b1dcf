/**
 * The ClickHouse adapter against the Store contract (each test on a fresh, uniquely named
 * database, dropped afterwards), plus what only ClickHouse can get wrong: answers before merges,
 * concurrent migrations, the services swap, and error codes.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from '@clickhouse/client';
import { ClickHouseStore } from '../adapters/clickhouse/clickhouse-store.js';
import { isDoraError } from '../ports/errors.js';
import type { FactBatch } from '../schemas/facts.js';
import { FACT_TABLES } from '../schemas/fact-tables.js';
import { storeContract } from './contract/store.contract.js';
import { testServices } from './support/services.js';

const services = testServices();
const admin = createClient({ url: services.clickhouseUrl, username: services.clickhouseUser, password: services.clickhousePassword });
const databases: string[] = [];

function freshDatabase(): string {
  const name = `dora_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  databases.push(name);
  return name;
}

function storeOn(database: string, url = services.clickhouseUrl): ClickHouseStore {
  return new ClickHouseStore({ url, username: services.clickhouseUser, password: services.clickhousePassword, database });
}

async function rows<T>(query: string): Promise<T[]> {
  return (await admin.query({ query, format: 'JSONEachRow' })).json<T>();
}

afterAll(async () => {
  for (const db of databases) await admin.command({ query: `DROP DATABASE IF EXISTS ${db}` });
  await admin.close();
});

storeContract('ClickHouse', async () => storeOn(freshDatabase()));

const T = Date.UTC(2024, 0, 1);
const H = 3_600_000;

/** One deployment of 2 changes with an incident: small enough to reason about row counts. */
const facts = (): FactBatch => ({
  changes: [
    { repo: 'r', sha: 'c1', parentSha: null, committedAt: T },
    { repo: 'r', sha: 'c2', parentSha: 'c1', committedAt: T + H },
  ],
  deploymentAttempts: [
    { attemptId: 'a1', deploymentId: 'd1', service: 's', repo: 'r', environment: 'production', sha: 'c2', status: 'success', finishedAt: T + 3 * H, source: 'github' },
  ],
  incidents: [
    { incidentId: 'i1', version: 1, service: 's', repo: 'r', openedAt: T + 4 * H, resolvedAt: T + 6 * H, active: true, deploymentId: '', revision: '', source: 'github' },
  ],
  deliveries: [
    { service: 's', environment: 'production', sha: 'c1', deploymentId: 'd1', repo: 'r', deployedAt: T + 3 * H, committedAt: T },
    { service: 's', environment: 'production', sha: 'c2', deploymentId: 'd1', repo: 'r', deployedAt: T + 3 * H, committedAt: T + H },
  ],
  attributions: [{ incidentId: 'i1', deploymentId: 'd1', repo: 'r', priority: 1 }],
});

const window = { from: T, to: T + 24 * H, bucket: 'none' as const, environment: 'production', service: '', team: '', goldenPath: '' };

describe('ClickHouseStore specifics', () => {
  it('is exact while duplicate rows are still unmerged', async () => {
    const db = freshDatabase();
    const store = storeOn(db);
    try {
      await store.migrate();
      for (const t of FACT_TABLES) await admin.command({ query: `SYSTEM STOP MERGES ${db}.${t.name}` });
      for (let i = 0; i < 3; i++) await store.writeFacts(facts());
      const [raw] = await rows<{ n: string }>(`SELECT count() AS n FROM ${db}.deliveries`);
      expect(Number(raw?.n)).toBe(6); // three copies of two deliveries: nothing merged yet
      const check = async () => {
        expect(await store.metric('deployments', window)).toEqual([{ bucket: 0, deployments: 1, failedAttempts: 0 }]);
        expect(await store.metric('leadTime', window)).toEqual([{ bucket: 0, changes: 2, p50Ms: 2.5 * H, p90Ms: 2.9 * H }]);
        expect(await store.metric('changeFailure', window)).toEqual([{ bucket: 0, deployments: 1, failed: 1 }]);
        expect(await store.metric('recovery', window)).toEqual([{ bucket: 0, incidents: 1, p50Ms: 2 * H }]);
        expect((await store.loadRepoFacts('r')).deliveries).toHaveLength(2);
      };
      await check();
      for (const t of FACT_TABLES) {
        await admin.command({ query: `SYSTEM START MERGES ${db}.${t.name}` });
        await admin.command({ query: `OPTIMIZE TABLE ${db}.${t.name} FINAL` });
      }
      const [merged] = await rows<{ n: string }>(`SELECT count() AS n FROM ${db}.deliveries`);
      expect(Number(merged?.n)).toBe(2);
      await check();
    } finally {
      await store.close();
    }
  });

  it('survives two processes migrating the same database at once', async () => {
    const db = freshDatabase();
    const a = storeOn(db);
    const b = storeOn(db);
    try {
      const [ra, rb] = await Promise.all([a.migrate(), b.migrate()]);
      expect([...ra, ...rb].length).toBeGreaterThanOrEqual(1);
      expect(await a.migrate()).toEqual([]);
      expect(await b.migrate()).toEqual([]);
      await a.writeFacts(facts());
      expect(await b.metric('deployments', window)).toEqual([{ bucket: 0, deployments: 1, failedAttempts: 0 }]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('swaps the services table whole, leaves no staging tables, and concurrent replaces end with one catalog', async () => {
    const db = freshDatabase();
    const a = storeOn(db);
    const b = storeOn(db);
    try {
      await a.migrate();
      const catalogA = Array.from({ length: 50 }, (_, i) => ({ service: `s${i}`, team: 'A', goldenPath: 'pa' }));
      const catalogB = Array.from({ length: 50 }, (_, i) => ({ service: `s${i}`, team: 'B', goldenPath: 'pb' }));
      await Promise.all([a.replaceServices(catalogA), b.replaceServices(catalogB), a.replaceServices(catalogA)]);
      const teams = await rows<{ team: string; n: string }>(`SELECT team, count() AS n FROM ${db}.services GROUP BY team`);
      expect(teams).toHaveLength(1);
      expect(Number(teams[0]?.n)).toBe(50);
      const tables = await rows<{ name: string }>(`SELECT name FROM system.tables WHERE database = '${db}' ORDER BY name`);
      expect(tables.map((t) => t.name)).toEqual(
        ['attributions', 'changes', 'deliveries', 'deployment_attempts', 'incidents', 'schema_migrations', 'services'],
      );
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('reports an unreachable server as STORE_UNAVAILABLE and a failing statement as STORE_QUERY_FAILED', async () => {
    const down = storeOn(freshDatabase(), 'http://127.0.0.1:1');
    try {
      expect(await down.isReady()).toBe(false);
      for (const attempt of [() => down.writeFacts(facts()), () => down.metric('deployments', window), () => down.migrate()]) {
        const err: unknown = await attempt().then(() => undefined, (e: unknown) => e);
        expect(isDoraError(err, 'STORE_UNAVAILABLE'), String(err)).toBe(true);
      }
    } finally {
      await down.close();
    }
    const unmigrated = storeOn(freshDatabase());
    try {
      expect(await unmigrated.isReady()).toBe(true);
      const err: unknown = await unmigrated.metric('deployments', window).then(() => undefined, (e: unknown) => e);
      expect(isDoraError(err, 'STORE_QUERY_FAILED'), String(err)).toBe(true);
    } finally {
      await unmigrated.close();
    }
  });

  it('refuses a database name that is not a plain identifier', () => {
    let err: unknown;
    try {
      storeOn('dora; DROP DATABASE default');
    } catch (e) {
      err = e;
    }
    expect(isDoraError(err, 'CONFIG_INVALID')).toBe(true);
  });
});
