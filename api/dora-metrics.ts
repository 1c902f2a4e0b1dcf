/**
 * Builds the pinned DORA response blocks (DESIGN.md §6) from the store's named queries, for one
 * window or per bucket of a trend.
 */
import type { Store } from '../ports/store.js';
import type { Bucket } from '../queries/dialect.js';
import type { MetricQueryParams } from '../queries/metric-queries.js';
import type { DoraFilter } from './dora-params.js';
import { changeFailureTier, deploymentFrequencyTier, leadTimeTier, recoveryTier, type Tier } from './tiers.js';

const DAY_MS = 86_400_000;

export interface DoraBlocks {
  deploymentFrequency: { deployments: number; failedAttempts: number; perDay: number; tier: Tier | null };
  leadTime: { changes: number; p50Seconds: number | null; p90Seconds: number | null; tier: Tier | null };
  changeFailureRate: { deployments: number; failed: number; rate: number | null; tier: Tier | null };
  recoveryTime: { incidents: number; p50Seconds: number | null; tier: Tier | null };
}

interface Totals {
  deployments: number;
  failedAttempts: number;
  changes: number;
  p50LeadMs: number | null;
  p90LeadMs: number | null;
  cfrDeployments: number;
  failed: number;
  incidents: number;
  p50RecoveryMs: number | null;
}

const emptyTotals = (): Totals => ({
  deployments: 0,
  failedAttempts: 0,
  changes: 0,
  p50LeadMs: null,
  p90LeadMs: null,
  cfrDeployments: 0,
  failed: 0,
  incidents: 0,
  p50RecoveryMs: null,
});

/** Milliseconds → seconds, rounded to the millisecond so both stores' float noise agrees. */
const seconds = (ms: number | null): number | null => (ms === null ? null : Math.round(ms) / 1000);

function blocks(t: Totals, windowMs: number): DoraBlocks {
  const perDay = t.deployments / (windowMs / DAY_MS);
  const p50Lead = seconds(t.p50LeadMs);
  const p50Recovery = seconds(t.p50RecoveryMs);
  const rate = t.cfrDeployments === 0 ? null : t.failed / t.cfrDeployments;
  return {
    deploymentFrequency: {
      deployments: t.deployments,
      failedAttempts: t.failedAttempts,
      perDay,
      tier: deploymentFrequencyTier(t.deployments, perDay),
    },
    leadTime: { changes: t.changes, p50Seconds: p50Lead, p90Seconds: seconds(t.p90LeadMs), tier: leadTimeTier(p50Lead) },
    changeFailureRate: { deployments: t.cfrDeployments, failed: t.failed, rate, tier: changeFailureTier(rate) },
    recoveryTime: { incidents: t.incidents, p50Seconds: p50Recovery, tier: recoveryTier(p50Recovery) },
  };
}

async function totalsByBucket(store: Store, filter: DoraFilter, bucket: Bucket): Promise<Map<number, Totals>> {
  const params: MetricQueryParams = { ...filter, bucket };
  const [deployments, leadTime, changeFailure, recovery] = await Promise.all([
    store.metric('deployments', params),
    store.metric('leadTime', params),
    store.metric('changeFailure', params),
    store.metric('recovery', params),
  ]);
  const byBucket = new Map<number, Totals>();
  const at = (b: number): Totals => {
    let t = byBucket.get(b);
    if (!t) byBucket.set(b, (t = emptyTotals()));
    return t;
  };
  for (const r of deployments) Object.assign(at(r.bucket), { deployments: r.deployments, failedAttempts: r.failedAttempts });
  for (const r of leadTime) Object.assign(at(r.bucket), { changes: r.changes, p50LeadMs: r.p50Ms, p90LeadMs: r.p90Ms });
  for (const r of changeFailure) Object.assign(at(r.bucket), { cfrDeployments: r.deployments, failed: r.failed });
  for (const r of recovery) Object.assign(at(r.bucket), { incidents: r.incidents, p50RecoveryMs: r.p50Ms });
  return byBucket;
}

export async function doraSummary(store: Store, filter: DoraFilter): Promise<{ from: string; to: string } & DoraBlocks> {
  const totals = (await totalsByBucket(store, filter, 'none')).get(0) ?? emptyTotals();
  return { from: iso(filter.from), to: iso(filter.to), ...blocks(totals, filter.to - filter.from) };
}

export async function doraTrend(
  store: Store,
  filter: DoraFilter,
  bucket: 'day' | 'week',
): Promise<{ from: string; to: string; bucket: string; buckets: ({ start: string; end: string } & DoraBlocks)[] }> {
  const byBucket = await totalsByBucket(store, filter, bucket);
  const buckets = [];
  for (const start of bucketStarts(filter.from, filter.to, bucket)) {
    const end = Math.min(nextBucket(start, bucket), filter.to);
    const clippedStart = Math.max(start, filter.from);
    buckets.push({ start: iso(clippedStart), end: iso(end), ...blocks(byBucket.get(start) ?? emptyTotals(), end - clippedStart) });
  }
  return { from: iso(filter.from), to: iso(filter.to), bucket, buckets };
}

/** UTC bucket starts covering [from, to): days, or weeks starting on Monday (same rule as the SQL). */
export function bucketStarts(from: number, to: number, bucket: 'day' | 'week'): number[] {
  const day = Math.floor(from / DAY_MS);
  let start = bucket === 'day' ? day * DAY_MS : (day - (((day + 3) % 7) + 7) % 7) * DAY_MS;
  const starts: number[] = [];
  while (start < to) {
    starts.push(start);
    start = nextBucket(start, bucket);
  }
  return starts;
}

const nextBucket = (start: number, bucket: 'day' | 'week') => start + (bucket === 'day' ? DAY_MS : 7 * DAY_MS);
const iso = (ms: number) => new Date(ms).toISOString();
