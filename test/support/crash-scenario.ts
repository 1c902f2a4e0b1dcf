/**
 * N pushes of two commits to one repository, each deployed to production, with every lead time
 * known in advance: counts reveal any lost or doubled delivery, percentiles any wrong linking.
 */
import { deploymentStatus, push, sha, type Delivery } from './github-fixtures.js';

const HOUR = 3_600_000;
export const T0 = Date.parse('2026-03-02T00:00:00Z');

export function steadyScenario(repo: string, n: number): { deliveries: Delivery[]; leads: number[] } {
  const deliveries: Delivery[] = [];
  const leads: number[] = [];
  let head: string | null = null;
  for (let i = 0; i < n; i++) {
    const deployAt = T0 + i * 4 * HOUR;
    const leadA = ((i % 7) + 1) * HOUR;
    const leadB = ((i % 5) + 1) * 10 * 60_000;
    const a = `${repo}-${i}-a`;
    const b = `${repo}-${i}-b`;
    deliveries.push(push(repo, 'refs/heads/main', head, [[a, new Date(deployAt - leadA).toISOString()], [b, new Date(deployAt - leadB).toISOString()]]));
    deliveries.push(deploymentStatus(repo, 1000 + i, sha(b), 'production', 'success', new Date(deployAt).toISOString(), 5000 + i));
    leads.push(leadA / 1000, leadB / 1000);
    head = sha(b);
  }
  return { deliveries, leads };
}

/** Linear interpolation between closest ranks, as the product computes percentiles. */
export function percentile(values: number[], q: number): number {
  const s = [...values].sort((x, y) => x - y);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export const WINDOW = {
  from: new Date(T0 - 30 * 86_400_000).toISOString(),
  to: new Date(T0 + 90 * 86_400_000).toISOString(),
};

export type DoraCounts = {
  deploymentFrequency: { deployments: number };
  leadTime: { changes: number; p50Seconds: number; p90Seconds: number };
};
