/**
 * The distributed shape end to end, as separate processes on real Kafka and ClickHouse, and the
 * equivalence test: the same deliveries give identical API responses in both shapes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send } from './support/github-fixtures.js';
import { shopDeliveries, SHOP_EXPECTED_APRIL, APRIL } from './support/shop-scenario.js';
import { startInstance, pollJson, TEST_SECRET, TEST_TOKEN, type Instance } from './support/instance.js';
import { startDistributed, dropDatabase, type Distributed } from './support/distributed.js';

type Dora = typeof SHOP_EXPECTED_APRIL;
const april = `from=${APRIL.from}&to=${APRIL.to}`;
const READS = [
  `/api/v1/dora?${april}`,
  `/api/v1/dora?${april}&environment=staging`,
  `/api/v1/dora?${april}&service=acme%2Fshop`,
  `/api/v1/dora/trend?${april}&bucket=week`,
  `/api/v1/dora/trend?from=2026-04-01T00:00:00Z&to=2026-04-08T00:00:00Z&bucket=day`,
];
const complete = (b: Dora) => b.recoveryTime.incidents === 2 && b.leadTime.changes === 5 && b.changeFailureRate.failed === 2;

describe('distributed shape', () => {
  let dist: Distributed;
  let embedded: Instance;

  beforeAll(async () => {
    [dist, embedded] = await Promise.all([startDistributed(), startInstance('start')]);
  });
  afterAll(async () => {
    await dist?.stop();
    if (dist) await dropDatabase(dist.env);
    await embedded?.cleanup();
  });

  const read = (base: string, path: string) => fetch(`${base}${path}`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });

  it('runs ingest, transform and api as separate processes, each ready only with its dependencies', async () => {
    for (const p of [dist.ingest, dist.transform, dist.api]) {
      const res = await fetch(`${p.url}/readyz`);
      expect(res.status).toBe(200);
    }
    expect(await (await fetch(`${dist.ingest.url}/readyz`)).json()).toEqual({ status: 'ready', dependencies: { eventLog: 'ready' } });
    expect(await (await fetch(`${dist.api.url}/readyz`)).json()).toEqual({ status: 'ready', dependencies: { store: 'ready' } });
    // Each role serves only its own routes.
    expect((await read(dist.ingest.url, '/api/v1/dora')).status).toBe(404);
    expect((await fetch(`${dist.api.url}/webhooks/github`, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('gives the hand-computed figures, and identical API responses to the embedded shape', async () => {
    for (const d of shopDeliveries()) {
      expect(await send(dist.ingest.url, TEST_SECRET, d)).toBe(202);
      expect(await send(embedded.url, TEST_SECRET, d)).toBe(202);
    }
    const distributed = await pollJson<Dora>(() => read(dist.api.url, READS[0]!), complete, 60_000);
    expect(distributed).toEqual(SHOP_EXPECTED_APRIL);
    await pollJson<Dora>(() => embedded.api(READS[0]!), complete);
    for (const path of READS) {
      const [a, b] = await Promise.all([read(dist.api.url, path), embedded.api(path)]);
      expect(a.status, path).toBe(200);
      expect(await a.json(), path).toEqual(await b.json());
    }
  });
});
