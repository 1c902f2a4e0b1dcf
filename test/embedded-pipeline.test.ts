/**
 * The embedded shape end to end: signed GitHub webhooks → on-disk log → transform → DuckDB → API,
 * in one process, with figures checked against a hand computation (test/support/shop-scenario.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { pino } from 'pino';
import { startInstance, pollJson, TEST_SECRET, type Instance } from './support/instance.js';
import { send, signature, push, example } from './support/github-fixtures.js';
import { shopDeliveries, SHOP_EXPECTED_APRIL, SHOP_EXPECTED_STAGING, APRIL, SHOP } from './support/shop-scenario.js';
import { EmbeddedEventLog } from '../adapters/embedded-log/embedded-event-log.js';
import { DuckDbStore } from '../adapters/duckdb/duckdb-store.js';
import { NormalizeProcessor } from '../transform/normalize-processor.js';
import { LinkProcessor } from '../transform/link-processor.js';
import { doraSummary } from '../api/dora-metrics.js';
import { waitFor } from './support/wait.js';
import { topology } from '../schemas/raw-delivery.js';

type Dora = typeof SHOP_EXPECTED_APRIL;
const april = `from=${APRIL.from}&to=${APRIL.to}`;

describe('embedded pipeline', () => {
  let instance: Instance;

  beforeAll(async () => {
    instance = await startInstance('start');
    for (const d of shopDeliveries()) expect(await send(instance.url, TEST_SECRET, d)).toBe(202);
  });
  afterAll(async () => instance?.cleanup());

  it('answers /healthz and /readyz', async () => {
    expect((await fetch(`${instance.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${instance.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', dependencies: { store: 'ready', eventLog: 'ready' } });
  });

  it('computes the hand-computed figures despite out-of-order, duplicated deliveries and UTC offsets', async () => {
    const body = await pollJson<Dora>(
      () => instance.api(`/api/v1/dora?${april}`),
      (b) => b.recoveryTime.incidents === 2 && b.leadTime.changes === 5 && b.changeFailureRate.failed === 2,
    );
    expect(body).toEqual(SHOP_EXPECTED_APRIL);
  });

  it('counts staging separately, and never changes that only lived on another branch', async () => {
    const body = await pollJson<Dora>(
      () => instance.api(`/api/v1/dora?${april}&environment=staging`),
      (b) => b.deploymentFrequency.deployments === 2 && b.leadTime.changes === 5,
    );
    expect(body).toMatchObject(SHOP_EXPECTED_STAGING);
  });

  it('filters by service', async () => {
    const other = (await (await instance.api(`/api/v1/dora?${april}&service=acme%2Fother`)).json()) as Dora;
    expect(other.deploymentFrequency.deployments).toBe(0);
    const shop = await (await instance.api(`/api/v1/dora?${april}&service=${encodeURIComponent(SHOP)}`)).json();
    expect(shop).toEqual(SHOP_EXPECTED_APRIL);
  });

  it('gives a weekly trend whose buckets start on Monday UTC, clipped to the window, and add up', async () => {
    const res = await instance.api(`/api/v1/dora/trend?${april}&bucket=week`);
    expect(res.status).toBe(200);
    const trend = (await res.json()) as { buckets: (Dora & { start: string; end: string })[] };
    expect(trend.buckets.map((b) => b.start)).toEqual([
      '2026-04-01T00:00:00.000Z', // clipped: the week started Monday 2026-03-30
      '2026-04-06T00:00:00.000Z',
      '2026-04-13T00:00:00.000Z',
      '2026-04-20T00:00:00.000Z',
      '2026-04-27T00:00:00.000Z',
    ]);
    expect(trend.buckets.at(-1)!.end).toBe(APRIL.to);
    const first = trend.buckets[0]!;
    // 2026-04-01 .. 04-05 hold every deployment: 100, 102, 104 and 106 (04-04).
    expect(first.deploymentFrequency).toEqual({ deployments: 4, failedAttempts: 1, perDay: 4 / 5, tier: 'high' });
    expect(first.leadTime).toEqual(SHOP_EXPECTED_APRIL.leadTime);
    const total = trend.buckets.reduce((n, b) => n + b.deploymentFrequency.deployments, 0);
    expect(total).toBe(4);
  });

  it('gives a daily trend', async () => {
    const res = await instance.api(`/api/v1/dora/trend?from=2026-04-01T00:00:00Z&to=2026-04-05T00:00:00Z&bucket=day`);
    const trend = (await res.json()) as { buckets: Dora[] };
    expect(trend.buckets.map((b) => b.deploymentFrequency.deployments)).toEqual([0, 2, 1, 1]);
    expect(trend.buckets.map((b) => b.leadTime.changes)).toEqual([0, 3, 2, 0]);
  });

  it('rejects reads without the API token, and bad parameters with a 400 naming them', async () => {
    expect((await fetch(`${instance.url}/api/v1/dora`)).status).toBe(401);
    expect((await fetch(`${instance.url}/api/v1/dora`, { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(401);
    const bad = await instance.api('/api/v1/dora?from=yesterday');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'bad_request', parameter: 'from' });
    const reversed = await instance.api(`/api/v1/dora?from=${APRIL.to}&to=${APRIL.from}`);
    expect(reversed.status).toBe(400);
    const bucket = await instance.api(`/api/v1/dora/trend?${april}&bucket=month`);
    expect(await bucket.json()).toMatchObject({ parameter: 'bucket' });
  });

  it('serves an OpenAPI document naming the pinned paths', async () => {
    const doc = (await (await fetch(`${instance.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/healthz', '/readyz', '/webhooks/github', '/api/v1/dora', '/api/v1/dora/trend']));
  });
});

describe('GitHub webhook verification and validation', () => {
  let instance: Instance;
  beforeAll(async () => {
    instance = await startInstance('start');
  });
  afterAll(async () => instance?.cleanup());

  const post = (headers: Record<string, string>, body: string | Buffer) =>
    fetch(`${instance.url}/webhooks/github`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const signed = (event: string, body: string, secret = TEST_SECRET) => ({
    'x-github-event': event,
    'x-github-delivery': crypto.randomUUID(),
    'x-hub-signature-256': signature(secret, body),
  });

  it('rejects a missing, wrong or stale signature with 401', async () => {
    const body = JSON.stringify(push(SHOP, 'refs/heads/main', null, [['x', '2026-04-01T00:00:00Z']]).body);
    const { 'x-hub-signature-256': _sig, ...unsigned } = signed('push', body);
    expect((await post(unsigned, body)).status).toBe(401);
    expect((await post(signed('push', body, 'another-secret-entirely'), body)).status).toBe(401);
    const tampered = body.replace('"x"', '"y"');
    expect((await post(signed('push', body), tampered)).status).toBe(401);
  });

  it('answers malformed deliveries with a clear 400', async () => {
    const notJson = '{"ref": ';
    const r1 = await post(signed('push', notJson), notJson);
    expect(r1.status).toBe(400);
    expect(((await r1.json()) as { message: string }).message).toMatch(/not valid JSON/);
    const noCommits = JSON.stringify({ ...example('push'), commits: 'none' });
    const r2 = await post(signed('push', noCommits), noCommits);
    expect(r2.status).toBe(400);
    expect(((await r2.json()) as { message: string }).message).toMatch(/commits/);
    const body = JSON.stringify(example('push'));
    const { 'x-github-event': _e, ...noEvent } = signed('push', body);
    expect((await post(noEvent, body)).status).toBe(400);
  });

  it('answers ping, ignores events it does not use, and accepts every real example of the events it reads', async () => {
    const ping = JSON.stringify(example('ping'));
    expect((await post(signed('ping', ping), ping)).status).toBe(200);
    const star = JSON.stringify({ action: 'created', repository: example('push').repository });
    const ignored = await post(signed('star', star), star);
    expect(ignored.status).toBe(202);
    expect(await ignored.json()).toMatchObject({ ignored: expect.any(String) });
    for (const event of ['push', 'deployment', 'deployment_status', 'issues', 'pull_request', 'workflow_run']) {
      const { examples } = await import('./support/github-fixtures.js');
      for (const e of examples(event)) {
        const raw = JSON.stringify(e);
        const res = await post(signed(event, raw), raw);
        expect(res.status, `${event}.${String(e.action)}`).toBe(202);
      }
    }
  });

  it('answers 413 above the 26 MiB body limit', async () => {
    const huge = Buffer.alloc(27 * 1024 * 1024, 32);
    const res = await post(signed('push', 'x'), huge);
    expect(res.status).toBe(413);
  });
});

describe('replay', () => {
  it('replaying the whole log from offset 0 into an empty store gives identical figures', async () => {
    const instance = await startInstance('start');
    try {
      for (const d of shopDeliveries()) expect(await send(instance.url, TEST_SECRET, d)).toBe(202);
      const before = await pollJson<Dora>(
        () => instance.api(`/api/v1/dora?${april}`),
        (b) => b.recoveryTime.incidents === 2 && b.leadTime.changes === 5 && b.changeFailureRate.failed === 2,
      );
      await instance.stop();

      const fresh = await mkdtemp(join(tmpdir(), 'dora-replay-'));
      const log = await EmbeddedEventLog.open(join(instance.dataDir, 'log'));
      const store = await DuckDbStore.open(join(fresh, 'replayed.duckdb'));
      await store.migrate();
      const silent = pino({ level: 'silent' });
      const options = { productionEnvironments: ['production', 'prod'], incidentLabels: ['incident'] };
      const subs = [
        // Same topics, fresh consumer groups: both stages start again from offset 0.
        await new NormalizeProcessor(log, { ...topology('dora'), normalizeGroup: 'replay-normalize' }, options, silent).start(),
        await new LinkProcessor(log, store, { ...topology('dora'), linkGroup: 'replay-link' }, silent).start(),
      ];
      const filter = { from: Date.parse(APRIL.from), to: Date.parse(APRIL.to), service: '', team: '', goldenPath: '', environment: 'production' };
      let after: unknown;
      await waitFor('replayed figures', async () => {
        after = await doraSummary(store, filter);
        return JSON.stringify(after) === JSON.stringify(before);
      });
      expect(after).toEqual(before);
      await Promise.all(subs.map((s) => s.stop()));
      await log.close();
      await store.close();
      await rm(fresh, { recursive: true, force: true });
    } finally {
      await instance.cleanup();
    }
  });
});
