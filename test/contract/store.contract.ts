/**
 * The Store contract: every adapter (DuckDB, ClickHouse) must pass this same suite.
 * It pins what users and the linker rely on, with small datasets whose expected figures are
 * worked out by hand from DESIGN.md §5 (written below as numbers, never by re-running SQL).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../ports/store.js';
import type {
  AttributionFact,
  ChangeFact,
  DeliveryFact,
  DeploymentAttemptFact,
  FactBatch,
  IncidentFact,
  RepoFacts,
} from '../../schemas/facts.js';
import type { Bucket } from '../../queries/dialect.js';
import type { MetricQueryName, MetricQueryParams } from '../../queries/metric-queries.js';
import { MIGRATIONS } from '../../queries/migrations.js';

const H = 3_600_000;
const D = 24 * H;
/** Monday 2024-01-01 00:00:00 UTC. */
const T0 = Date.UTC(2024, 0, 1);
const REPO = 'org/app';

// ---- fact builders (defaults: service app of org/app, production) ---------------------------

const change = (sha: string, committedAt: number, parentSha: string | null = null, repo = REPO): ChangeFact => ({
  repo,
  sha,
  parentSha,
  committedAt,
});

const attempt = (
  attemptId: string,
  deploymentId: string,
  finishedAt: number,
  o: Partial<DeploymentAttemptFact> = {},
): DeploymentAttemptFact => ({
  attemptId,
  deploymentId,
  service: 'app',
  repo: REPO,
  environment: 'production',
  sha: `sha-${deploymentId}`,
  status: 'success',
  finishedAt,
  source: 'github',
  ...o,
});

const delivery = (deploymentId: string, sha: string, deployedAt: number, committedAt: number, o: Partial<DeliveryFact> = {}): DeliveryFact => ({
  service: 'app',
  environment: 'production',
  sha,
  deploymentId,
  repo: REPO,
  deployedAt,
  committedAt,
  ...o,
});

const incident = (
  incidentId: string,
  version: number,
  openedAt: number,
  resolvedAt: number,
  o: Partial<IncidentFact> = {},
): IncidentFact => ({
  incidentId,
  version,
  service: 'app',
  repo: REPO,
  openedAt,
  resolvedAt,
  active: true,
  deploymentId: '',
  revision: '',
  source: 'github',
  ...o,
});

const attribution = (incidentId: string, deploymentId: string, priority: number, repo = REPO): AttributionFact => ({
  incidentId,
  deploymentId,
  repo,
  priority,
});

const batch = (b: Partial<FactBatch>): FactBatch => ({
  changes: [],
  deploymentAttempts: [],
  incidents: [],
  deliveries: [],
  attributions: [],
  ...b,
});

const params = (from: number, to: number, o: Partial<MetricQueryParams> = {}): MetricQueryParams => ({
  from,
  to,
  bucket: 'none',
  environment: 'production',
  service: '',
  team: '',
  goldenPath: '',
  ...o,
});

/** Percentiles are floating point in both stores: equal to the hand-computed value within 1 ms. */
function expectMs(actual: number | null | undefined, expected: number): void {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual ?? NaN) - expected)).toBeLessThan(1);
}

// ---- datasets ---------------------------------------------------------------------------------

/**
 * Deployments of app in the week [T0, T0+7D) and around it.
 * Production inside the window: d-from (at T0, included), d1 (T0+1H; its later retry is not a
 * second deployment), d2 (T0+1D+1H, after one failed attempt). Outside: d-before (T0-1 ms),
 * d-at-to (T0+7D, excluded), d-early (first success T0-1H, a later success inside does not move it),
 * a failed attempt exactly at `to`. Staging: d-stg (T0+2D). Expected in the week: 3 deployments,
 * 1 failed attempt; per day: T0 → 2/0, T0+1D → 1/1.
 */
const deploymentsData = (): FactBatch =>
  batch({
    deploymentAttempts: [
      attempt('a-from', 'd-from', T0),
      attempt('a1', 'd1', T0 + 1 * H),
      attempt('a1-retry', 'd1', T0 + 3 * H),
      attempt('a2-fail', 'd2', T0 + D, { status: 'failure' }),
      attempt('a2', 'd2', T0 + D + H),
      attempt('a-before', 'd-before', T0 - 1),
      attempt('a-at-to', 'd-at-to', T0 + 7 * D),
      attempt('a-fail-at-to', 'd-x', T0 + 7 * D, { status: 'failure' }),
      attempt('a-early-2', 'd-early', T0 + 5 * H),
      attempt('a-early-1', 'd-early', T0 - H),
      attempt('a-stg', 'd-stg', T0 + 2 * D, { environment: 'staging' }),
    ],
  });

/**
 * Lead time of app. dA (T0+10H) delivers c1..c4 committed at T0, +2H, +4H, +9H: leads 10, 8, 6,
 * 1 hours. dC (T0+1D+10H) contains c3 again (already delivered: ignored) and c5 (T0+1D+9H, lead
 * 1H). Staging dS (T0+5H) delivers c1 (lead 5H).
 *  - day T0: 4 changes, sorted [1,6,8,10]H: p50 at rank 1.5 = 7H, p90 at rank 2.7 = 8 + 0.7·2 = 9.4H
 *  - both days: 5 changes [1,1,6,8,10]H: p50 = 6H, p90 at rank 3.6 = 8 + 0.6·2 = 9.2H
 *  - day T0+1D alone: only c5 (c3's earliest delivery is on day T0), 1H
 */
const leadTimeData = (): FactBatch =>
  batch({
    changes: [
      change('c1', T0),
      change('c2', T0 + 2 * H, 'c1'),
      change('c3', T0 + 4 * H, 'c2'),
      change('c4', T0 + 9 * H, 'c3'),
      change('c5', T0 + D + 9 * H, 'c4'),
    ],
    deploymentAttempts: [
      attempt('aA', 'dA', T0 + 10 * H, { sha: 'c4' }),
      attempt('aC', 'dC', T0 + D + 10 * H, { sha: 'c5' }),
      attempt('aS', 'dS', T0 + 5 * H, { sha: 'c1', environment: 'staging' }),
    ],
    deliveries: [
      delivery('dA', 'c1', T0 + 10 * H, T0),
      delivery('dA', 'c2', T0 + 10 * H, T0 + 2 * H),
      delivery('dA', 'c3', T0 + 10 * H, T0 + 4 * H),
      delivery('dA', 'c4', T0 + 10 * H, T0 + 9 * H),
      delivery('dC', 'c3', T0 + D + 10 * H, T0 + 4 * H),
      delivery('dC', 'c5', T0 + D + 10 * H, T0 + D + 9 * H),
      delivery('dS', 'c1', T0 + 5 * H, T0, { environment: 'staging' }),
    ],
  });

/**
 * Incidents of app. Deployments dp1 (T0+1H), dp2 (T0+5H), dp3 (T0+1D), dp4 (T0+2D), dp5 (T0+3D),
 * dp6 (T0+4D), and dp0 (T0-2D, before the window).
 *  - i1 → dp1: opened T0+2H, v2 resolves it at T0+3H: recovery 1H, dp1 failed.
 *  - i2 → dp2: v1 resolved, v2 reopened (written first): unresolved, not in recovery; dp2 failed.
 *  - i3 → dp3: v2 removes the label (inactive): dp3 not failed by it, not in recovery.
 *  - i4: candidates dp3 (priority 1) and dp4 (priority 2): dp4 wins; recovery 4H.
 *  - i5 → dp0: opened before the window.
 *  - i6 → dp5: opened after the window (T0+8D, resolved +2H); dp5 still failed.
 * Week [T0, T0+7D): 6 deployments, 4 failed (dp1, dp2, dp4, dp5); recovery i1 and i4:
 * 2 incidents, p50 = (1H + 4H) / 2 = 2.5H. Over [T0, T0+9D) recovery adds i6: [1,2,4]H, p50 2H.
 */
const incidentData = (): FactBatch =>
  batch({
    deploymentAttempts: [
      attempt('ap0', 'dp0', T0 - 2 * D),
      attempt('ap1', 'dp1', T0 + H),
      attempt('ap2', 'dp2', T0 + 5 * H),
      attempt('ap3', 'dp3', T0 + D),
      attempt('ap4', 'dp4', T0 + 2 * D),
      attempt('ap5', 'dp5', T0 + 3 * D),
      attempt('ap6', 'dp6', T0 + 4 * D),
    ],
    incidents: [
      incident('i1', 1, T0 + 2 * H, 0),
      incident('i1', 2, T0 + 2 * H, T0 + 3 * H),
      incident('i2', 2, T0 + 6 * H, 0),
      incident('i2', 1, T0 + 6 * H, T0 + 8 * H),
      incident('i3', 1, T0 + D + H, T0 + D + 3 * H),
      incident('i3', 2, T0 + D + H, T0 + D + 3 * H, { active: false }),
      incident('i4', 1, T0 + 2 * D + H, T0 + 2 * D + 5 * H, { deploymentId: 'dp4' }),
      incident('i5', 1, T0 - D, T0 - D + H),
      incident('i6', 1, T0 + 8 * D, T0 + 8 * D + 2 * H),
    ],
    attributions: [
      attribution('i1', 'dp1', 1),
      attribution('i2', 'dp2', 1),
      attribution('i3', 'dp3', 1),
      attribution('i4', 'dp3', 1),
      attribution('i4', 'dp4', 2),
      attribution('i5', 'dp0', 1),
      attribution('i6', 'dp5', 1),
    ],
  });

/**
 * Three services in the week: app 2 deployments, api 1, web 3; o'brien (a quote in its name) 1.
 * Catalog: app → alpha/node, api → beta/node, web → alpha/'' (off-path).
 */
const filterData = (): FactBatch =>
  batch({
    deploymentAttempts: [
      attempt('f-app-1', 'f-app-1', T0 + H, { service: 'app' }),
      attempt('f-app-2', 'f-app-2', T0 + 2 * H, { service: 'app' }),
      attempt('f-api-1', 'f-api-1', T0 + 3 * H, { service: 'api', repo: 'org/api' }),
      attempt('f-web-1', 'f-web-1', T0 + 4 * H, { service: 'web', repo: 'org/web' }),
      attempt('f-web-2', 'f-web-2', T0 + 5 * H, { service: 'web', repo: 'org/web' }),
      attempt('f-web-3', 'f-web-3', T0 + 6 * H, { service: 'web', repo: 'org/web' }),
      attempt('f-ob-1', 'f-ob-1', T0 + 7 * H, { service: "o'brien", repo: 'org/obrien' }),
    ],
    deliveries: [
      delivery('f-app-1', 'fa1', T0 + H, T0, { service: 'app' }),
      delivery('f-api-1', 'fb1', T0 + 3 * H, T0, { service: 'api', repo: 'org/api' }),
    ],
    incidents: [incident('f-i1', 1, T0 + 8 * H, T0 + 9 * H, { service: 'web', repo: 'org/web' })],
    attributions: [attribution('f-i1', 'f-web-1', 1, 'org/web')],
  });

const catalog = [
  { service: 'app', team: 'alpha', goldenPath: 'node' },
  { service: 'api', team: 'beta', goldenPath: 'node' },
  { service: 'web', team: 'alpha', goldenPath: '' },
];

/** Everything above, as one batch (the idempotency tests replay it in several shapes). */
function allData(): FactBatch {
  const parts = [deploymentsData(), leadTimeData(), incidentData(), filterData()];
  return {
    changes: parts.flatMap((p) => p.changes),
    deploymentAttempts: parts.flatMap((p) => p.deploymentAttempts),
    incidents: parts.flatMap((p) => p.incidents),
    deliveries: parts.flatMap((p) => p.deliveries),
    attributions: parts.flatMap((p) => p.attributions),
  };
}

/** Each fact of `b` as a batch of its own (separate inserts: separate ClickHouse parts). */
function oneFactBatches(b: FactBatch): FactBatch[] {
  return [
    ...b.changes.map((f) => batch({ changes: [f] })),
    ...b.deploymentAttempts.map((f) => batch({ deploymentAttempts: [f] })),
    ...b.incidents.map((f) => batch({ incidents: [f] })),
    ...b.deliveries.map((f) => batch({ deliveries: [f] })),
    ...b.attributions.map((f) => batch({ attributions: [f] })),
  ];
}

const METRICS: MetricQueryName[] = ['deployments', 'leadTime', 'changeFailure', 'recovery'];

function sortRepoFacts(f: RepoFacts): RepoFacts {
  const by = <T>(key: (x: T) => string) => (a: T, b: T) => key(a).localeCompare(key(b));
  return {
    changes: [...f.changes].sort(by((x) => x.sha)),
    successfulDeployments: [...f.successfulDeployments].sort(by((x) => x.deploymentId)),
    incidents: [...f.incidents].sort(by((x) => x.incidentId)),
    deliveries: [...f.deliveries].sort(by((x) => `${x.service}|${x.environment}|${x.sha}`)),
    attributions: [...f.attributions].sort(by((x) => x.incidentId)),
  };
}

/** Every figure the suite's datasets can give, for comparing two stores' states. */
async function snapshot(store: Store): Promise<unknown> {
  const out: Record<string, unknown> = {};
  const variants: [string, MetricQueryParams][] = [];
  for (const bucket of ['none', 'day', 'week'] as Bucket[]) {
    variants.push([`all-${bucket}`, params(T0 - 7 * D, T0 + 14 * D, { bucket })]);
  }
  variants.push(['staging', params(T0 - 7 * D, T0 + 14 * D, { environment: 'staging' })]);
  variants.push(['team', params(T0 - 7 * D, T0 + 14 * D, { team: 'alpha' })]);
  for (const [label, p] of variants) {
    for (const m of METRICS) out[`${label}/${m}`] = await store.metric(m, p);
  }
  for (const repo of [REPO, 'org/api', 'org/web']) out[`repo/${repo}`] = sortRepoFacts(await store.loadRepoFacts(repo));
  return out;
}

// ---- the suite ----------------------------------------------------------------------------------

export function storeContract(name: string, open: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    const opened: Store[] = [];

    async function fresh(): Promise<Store> {
      const store = await open();
      opened.push(store);
      await store.migrate();
      return store;
    }

    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close().catch(() => undefined);
    });

    it('applies every migration once; a second migrate applies nothing', async () => {
      const store = await open();
      opened.push(store);
      expect(await store.migrate()).toEqual(MIGRATIONS.map((m) => `${m.version} ${m.name}`));
      expect(await store.migrate()).toEqual([]);
      expect(await store.metric('deployments', params(T0, T0 + D))).toEqual([]);
      expect(await store.isReady()).toBe(true);
    });

    it('counts each deployment once, at its earliest success; failed attempts separately; window is [from, to)', async () => {
      const store = await fresh();
      await store.writeFacts(deploymentsData());
      expect(await store.metric('deployments', params(T0, T0 + 7 * D))).toEqual([
        { bucket: 0, deployments: 3, failedAttempts: 1 },
      ]);
      // d-early's first success (T0-1H) and d-before (T0-1 ms) fall in the day before.
      expect(await store.metric('deployments', params(T0 - D, T0))).toEqual([{ bucket: 0, deployments: 2, failedAttempts: 0 }]);
      // The deployment and the failed attempt exactly at T0+7D belong to the next window.
      expect(await store.metric('deployments', params(T0 + 7 * D, T0 + 8 * D))).toEqual([
        { bucket: 0, deployments: 1, failedAttempts: 1 },
      ]);
    });

    it('filters by environment', async () => {
      const store = await fresh();
      await store.writeFacts(deploymentsData());
      expect(await store.metric('deployments', params(T0, T0 + 7 * D, { environment: 'staging' }))).toEqual([
        { bucket: 0, deployments: 1, failedAttempts: 0 },
      ]);
      expect(await store.metric('deployments', params(T0, T0 + 7 * D, { environment: 'qa' }))).toEqual([]);
    });

    it('buckets by UTC day', async () => {
      const store = await fresh();
      await store.writeFacts(deploymentsData());
      expect(await store.metric('deployments', params(T0, T0 + 7 * D, { bucket: 'day' }))).toEqual([
        { bucket: T0, deployments: 2, failedAttempts: 0 },
        { bucket: T0 + D, deployments: 1, failedAttempts: 1 },
      ]);
    });

    it('buckets by week starting Monday 00:00 UTC', async () => {
      const store = await fresh();
      const sunday = T0 + 7 * D - 1000; // Sunday 2024-01-07 23:59:59 UTC
      const monday = T0 + 7 * D; // Monday 2024-01-08 00:00:00 UTC
      await store.writeFacts(
        batch({
          deploymentAttempts: [
            attempt('w-wed', 'w-wed', T0 + 2 * D + 5 * H),
            attempt('w-sun', 'w-sun', sunday),
            attempt('w-mon', 'w-mon', monday),
            attempt('w-prev-sun', 'w-prev-sun', T0 - 1000),
          ],
        }),
      );
      expect(await store.metric('deployments', params(T0 - 7 * D, T0 + 14 * D, { bucket: 'week' }))).toEqual([
        { bucket: T0 - 7 * D, deployments: 1, failedAttempts: 0 },
        { bucket: T0, deployments: 2, failedAttempts: 0 },
        { bucket: T0 + 7 * D, deployments: 1, failedAttempts: 0 },
      ]);
      expect(await store.metric('deployments', params(T0 + 6 * D, T0 + 8 * D, { bucket: 'day' }))).toEqual([
        { bucket: T0 + 6 * D, deployments: 1, failedAttempts: 0 },
        { bucket: T0 + 7 * D, deployments: 1, failedAttempts: 0 },
      ]);
    });

    it('lead time: p50/p90 interpolate between closest ranks (even and odd counts)', async () => {
      const store = await fresh();
      await store.writeFacts(leadTimeData());
      const [even] = await store.metric('leadTime', params(T0, T0 + D));
      expect(even?.changes).toBe(4);
      expectMs(even?.p50Ms, 7 * H);
      expectMs(even?.p90Ms, 9.4 * H);
      const [odd] = await store.metric('leadTime', params(T0, T0 + 2 * D));
      expect(odd?.changes).toBe(5);
      expectMs(odd?.p50Ms, 6 * H);
      expectMs(odd?.p90Ms, 9.2 * H);
    });

    it('lead time: a change in two deployments counts once, delivered by the earliest', async () => {
      const store = await fresh();
      await store.writeFacts(leadTimeData());
      const days = await store.metric('leadTime', params(T0, T0 + 2 * D, { bucket: 'day' }));
      expect(days.map((r) => [r.bucket, r.changes])).toEqual([
        [T0, 4],
        [T0 + D, 1],
      ]);
      const [second] = await store.metric('leadTime', params(T0 + D, T0 + 2 * D));
      expect(second?.changes).toBe(1);
      expectMs(second?.p50Ms, H);
      expectMs(second?.p90Ms, H);
      const [staging] = await store.metric('leadTime', params(T0, T0 + 2 * D, { environment: 'staging' }));
      expect(staging?.changes).toBe(1);
      expectMs(staging?.p50Ms, 5 * H);
    });

    it('change failure rate: latest incident version, active only, best attribution, whenever opened', async () => {
      const store = await fresh();
      await store.writeFacts(incidentData());
      expect(await store.metric('changeFailure', params(T0, T0 + 7 * D))).toEqual([{ bucket: 0, deployments: 6, failed: 4 }]);
      expect(await store.metric('changeFailure', params(T0, T0 + 7 * D, { bucket: 'day' }))).toEqual([
        { bucket: T0, deployments: 2, failed: 2 },
        { bucket: T0 + D, deployments: 1, failed: 0 },
        { bucket: T0 + 2 * D, deployments: 1, failed: 1 },
        { bucket: T0 + 3 * D, deployments: 1, failed: 1 },
        { bucket: T0 + 4 * D, deployments: 1, failed: 0 },
      ]);
    });

    it('recovery: latest version wins (reopened or label removed → excluded); opened in the window', async () => {
      const store = await fresh();
      await store.writeFacts(incidentData());
      const [week] = await store.metric('recovery', params(T0, T0 + 7 * D));
      expect(week?.incidents).toBe(2);
      expectMs(week?.p50Ms, 2.5 * H);
      const [longer] = await store.metric('recovery', params(T0, T0 + 9 * D));
      expect(longer?.incidents).toBe(3);
      expectMs(longer?.p50Ms, 2 * H);
      const days = await store.metric('recovery', params(T0, T0 + 7 * D, { bucket: 'day' }));
      expect(days).toEqual([
        { bucket: T0, incidents: 1, p50Ms: H },
        { bucket: T0 + 2 * D, incidents: 1, p50Ms: 4 * H },
      ]);
      // i2 reopened: once resolved again (v3), it counts.
      await store.writeFacts(batch({ incidents: [incident('i2', 3, T0 + 6 * H, T0 + 12 * H)] }));
      const [after] = await store.metric('recovery', params(T0, T0 + 7 * D));
      expect(after?.incidents).toBe(3);
      expectMs(after?.p50Ms, 4 * H);
    });

    it('filters by service, and by team and golden path through the catalog', async () => {
      const store = await fresh();
      await store.writeFacts(filterData());
      await store.replaceServices(catalog);
      const week = (o: Partial<MetricQueryParams>) => store.metric('deployments', params(T0, T0 + 7 * D, o));
      const count = async (o: Partial<MetricQueryParams>) => (await week(o)).map((r) => r.deployments);
      expect(await count({})).toEqual([7]);
      expect(await count({ service: 'app' })).toEqual([2]);
      expect(await count({ service: 'api' })).toEqual([1]);
      expect(await count({ service: "o'brien" })).toEqual([1]);
      expect(await count({ team: 'alpha' })).toEqual([5]);
      expect(await count({ team: 'beta' })).toEqual([1]);
      expect(await count({ goldenPath: 'node' })).toEqual([3]);
      expect(await count({ team: 'alpha', goldenPath: 'node' })).toEqual([2]);
      expect(await count({ team: 'nobody' })).toEqual([]);
      const lead = await store.metric('leadTime', params(T0, T0 + 7 * D, { team: 'beta' }));
      expect(lead.map((r) => [r.changes, r.p50Ms])).toEqual([[1, 3 * H]]);
      expect((await store.metric('recovery', params(T0, T0 + 7 * D, { team: 'alpha' }))).map((r) => r.incidents)).toEqual([1]);
      expect((await store.metric('recovery', params(T0, T0 + 7 * D, { team: 'beta' })))).toEqual([]);
      expect(await store.metric('changeFailure', params(T0, T0 + 7 * D, { goldenPath: 'node' }))).toEqual([
        { bucket: 0, deployments: 3, failed: 0 },
      ]);
    });

    it('replaceServices really replaces the catalog', async () => {
      const store = await fresh();
      await store.writeFacts(filterData());
      await store.replaceServices(catalog);
      await store.replaceServices([
        { service: 'app', team: 'beta', goldenPath: 'go' },
        { service: 'web', team: 'gamma', goldenPath: 'node' },
      ]);
      const count = async (o: Partial<MetricQueryParams>) =>
        (await store.metric('deployments', params(T0, T0 + 7 * D, o))).map((r) => r.deployments);
      expect(await count({ team: 'alpha' })).toEqual([]);
      expect(await count({ team: 'beta' })).toEqual([2]); // app only: api left the catalog
      expect(await count({ team: 'gamma' })).toEqual([3]);
      expect(await count({ goldenPath: 'node' })).toEqual([3]);
      expect(await count({ goldenPath: 'go' })).toEqual([2]);
      await store.replaceServices([]);
      expect(await count({ team: 'beta' })).toEqual([]);
      expect(await count({})).toEqual([7]);
    });

    it('treats hostile filter strings as plain values: zero rows, no error', async () => {
      const store = await fresh();
      await store.writeFacts(allData());
      await store.replaceServices(catalog);
      const hostile = [
        "a' OR '1'='1",
        "app' OR service != '",
        "x') OR 1=1 --",
        'app\\',
        "app\\' OR 1=1 --",
        'app\n--',
        "app'; DROP TABLE deployment_attempts; --",
        '{service}',
      ];
      for (const value of hostile) {
        for (const key of ['service', 'team', 'goldenPath', 'environment'] as const) {
          // Incidents carry no environment: recovery ignores that parameter by definition.
          for (const m of METRICS.filter((name) => key !== 'environment' || name !== 'recovery')) {
            expect(await store.metric(m, params(T0 - 7 * D, T0 + 14 * D, { [key]: value })), `${m} ${key}=${value}`).toEqual([]);
          }
        }
        expect(sortRepoFacts(await store.loadRepoFacts(value))).toEqual({
          changes: [],
          successfulDeployments: [],
          incidents: [],
          deliveries: [],
          attributions: [],
        });
      }
      // Still all there: 3 (deploymentsData) + 2 (leadTimeData) + 6 (incidentData) + 7 (filterData).
      expect((await store.metric('deployments', params(T0, T0 + 7 * D))).map((r) => r.deployments)).toEqual([18]);
    });

    it('writing the same facts again, duplicated in a batch, or one insert each changes nothing', async () => {
      const clean = await fresh();
      await clean.writeFacts(allData());
      await clean.replaceServices(catalog);
      const expected = await snapshot(clean);

      const messy = await fresh();
      await messy.replaceServices(catalog);
      const data = allData();
      const doubled: FactBatch = {
        changes: [...data.changes, ...data.changes],
        deploymentAttempts: [...data.deploymentAttempts, ...[...data.deploymentAttempts].reverse()],
        incidents: [...[...data.incidents].reverse(), ...data.incidents],
        deliveries: [...data.deliveries, ...data.deliveries],
        attributions: [...data.attributions, ...data.attributions],
      };
      await messy.writeFacts(doubled);
      await messy.writeFacts(data);
      for (const b of oneFactBatches(data)) await messy.writeFacts(b);
      await messy.writeFacts(batch({}));
      expect(await snapshot(messy)).toEqual(expected);
      // And still the hand-computed figures: d2, dC, dp3..dp6 deployed in [T0+1D, T0+5D); dp4, dp5 failed.
      expect(await messy.metric('changeFailure', params(T0 + D, T0 + 5 * D))).toEqual([{ bucket: 0, deployments: 6, failed: 2 }]);
    });

    it('loadRepoFacts returns the winners of one repository', async () => {
      const store = await fresh();
      const facts = batch({
        changes: [change('r1', 1000), change('r2', 2000, 'r1'), change('other', 1, null, 'org/other')],
        deploymentAttempts: [
          attempt('late', 'rd1', 5000, { sha: 'r2' }),
          attempt('early', 'rd1', 4000, { sha: 'r2' }),
          attempt('failed', 'rd2', 3000, { sha: 'r1', status: 'failure' }),
          attempt('elsewhere', 'rd3', 3000, { repo: 'org/other' }),
        ],
        incidents: [
          incident('ri1', 2, 6000, 0, { deploymentId: 'rd1' }),
          incident('ri1', 1, 6000, 7000),
          incident('ri2', 1, 8000, 9000, { active: false, revision: 'r2' }),
        ],
        deliveries: [
          delivery('rd9', 'r1', 9000, 1000),
          delivery('rd1', 'r1', 4000, 1000),
          delivery('rd1', 'r2', 4000, 2000),
          delivery('rd1', 'r1', 4000, 1000, { environment: 'staging' }),
        ],
        attributions: [
          attribution('ri1', 'rdX', 1),
          attribution('ri1', 'rdY', 3),
          attribution('ri1', 'rdZ', 2),
          attribution('ri2', 'rd1', 1),
        ],
      });
      await store.writeFacts(facts);
      await store.writeFacts(facts);
      expect(sortRepoFacts(await store.loadRepoFacts(REPO))).toEqual({
        changes: [
          { repo: REPO, sha: 'r1', parentSha: null, committedAt: 1000 },
          { repo: REPO, sha: 'r2', parentSha: 'r1', committedAt: 2000 },
        ],
        successfulDeployments: [
          {
            attemptId: 'early',
            deploymentId: 'rd1',
            service: 'app',
            repo: REPO,
            environment: 'production',
            sha: 'r2',
            status: 'success',
            finishedAt: 4000,
            source: 'github',
          },
        ],
        incidents: [
          {
            incidentId: 'ri1',
            version: 2,
            service: 'app',
            repo: REPO,
            openedAt: 6000,
            resolvedAt: 0,
            active: true,
            deploymentId: 'rd1',
            revision: '',
            source: 'github',
          },
          {
            incidentId: 'ri2',
            version: 1,
            service: 'app',
            repo: REPO,
            openedAt: 8000,
            resolvedAt: 9000,
            active: false,
            deploymentId: '',
            revision: 'r2',
            source: 'github',
          },
        ],
        deliveries: [
          { service: 'app', environment: 'production', sha: 'r1', deploymentId: 'rd1', repo: REPO, deployedAt: 4000, committedAt: 1000 },
          { service: 'app', environment: 'production', sha: 'r2', deploymentId: 'rd1', repo: REPO, deployedAt: 4000, committedAt: 2000 },
          { service: 'app', environment: 'staging', sha: 'r1', deploymentId: 'rd1', repo: REPO, deployedAt: 4000, committedAt: 1000 },
        ],
        attributions: [
          { incidentId: 'ri1', deploymentId: 'rdY', repo: REPO, priority: 3 },
          { incidentId: 'ri2', deploymentId: 'rd1', repo: REPO, priority: 1 },
        ],
      });
    });
  });
}
