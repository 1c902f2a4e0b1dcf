/**
 * A small organisation's April 2026, built from real GitHub payloads, with the DORA figures
 * computed BY HAND from the pinned definitions (DESIGN.md §5). Used by the embedded end-to-end
 * test and by the embedded/distributed equivalence test.
 *
 * acme/shop, default branch main. Commit times carry UTC offsets (in UTC in brackets):
 *   push 1: c1 2026-04-01T10:00:00+02:00 (08:00Z), c2 2026-04-01T09:30:00-05:00 (14:30Z)
 *   push 2: c3 2026-04-02T12:00:00Z
 *   push 3: c4 2026-04-03T08:00:00+05:30 (02:30Z), c5 2026-04-03T10:00:00Z
 *   feature-x branch: f1 2026-04-02T13:00:00Z (never reaches main: never a change)
 * Deployments:
 *   100 c2 production success 04-02T00:00Z → delivers c1 (16 h = 57600 s), c2 (9.5 h = 34200 s)
 *   101 c3 production failure 04-02T15:00Z → a failed attempt, delivers nothing
 *   102 c3 production success 04-02T16:00Z → delivers c3 (4 h = 14400 s)
 *   103 c5 staging    success 04-03T11:00Z → staging only
 *   104 c5 production success 04-03T12:00Z → delivers c4 (9.5 h = 34200 s), c5 (2 h = 7200 s)
 *   105 f1 staging    success 04-03T13:00Z → feature revision, delivers nothing
 *   106 c3 production success 04-04T00:00Z → rollback: a deployment, delivers nothing new
 * Incidents:
 *   #7 opened 04-03T13:00Z labelled incident, closed 15:00Z → blames 104, recovered in 7200 s
 *   #8 opened 04-02T17:00Z unlabelled, labelled incident 17:30Z, closed 18:00Z → blames 102, 3600 s
 *   #9 an ordinary bug: not an incident
 * Production, window [2026-04-01, 2026-05-01): deployments 100, 102, 104, 106 = 4; failedAttempts 1;
 * perDay 4/30. Lead times sorted 7200, 14400, 34200, 34200, 57600: p50 34200; p90 at position
 * 4·0.9 = 3.6 → 34200 + 0.6·(57600 − 34200) = 48240. Failed deployments 102 and 104: rate 2/4.
 * Recovery: 7200 and 3600 → p50 5400.
 */
import { deploymentStatus, issue, push, sha, type Delivery } from './github-fixtures.js';

export const SHOP = 'acme/shop';
export const APRIL = { from: '2026-04-01T00:00:00.000Z', to: '2026-05-01T00:00:00.000Z' };

export function shopDeliveries(): Delivery[] {
  const main = 'refs/heads/main';
  const p1 = push(SHOP, main, null, [['c1', '2026-04-01T10:00:00+02:00'], ['c2', '2026-04-01T09:30:00-05:00']]);
  const p2 = push(SHOP, main, sha('c2'), [['c3', '2026-04-02T12:00:00Z']]);
  const p3 = push(SHOP, main, sha('c3'), [['c4', '2026-04-03T08:00:00+05:30'], ['c5', '2026-04-03T10:00:00Z']]);
  const feature = push(SHOP, 'refs/heads/feature-x', sha('c3'), [['f1', '2026-04-02T13:00:00Z']]);
  const d = (id: number, rev: string, env: string, state: string, at: string) => deploymentStatus(SHOP, id, sha(rev), env, state, at, id * 10);
  const d100 = d(100, 'c2', 'production', 'success', '2026-04-02T00:00:00Z');
  const d101 = d(101, 'c3', 'production', 'failure', '2026-04-02T15:00:00Z');
  const d102 = d(102, 'c3', 'production', 'success', '2026-04-02T16:00:00Z');
  const d103 = d(103, 'c5', 'staging', 'success', '2026-04-03T11:00:00Z');
  const d104 = d(104, 'c5', 'production', 'success', '2026-04-03T12:00:00Z');
  const d105 = d(105, 'f1', 'staging', 'success', '2026-04-03T13:00:00Z');
  const d106 = d(106, 'c3', 'prod', 'success', '2026-04-04T00:00:00Z');
  const inc7open = issue(SHOP, 'opened', 7, ['incident'], { created: '2026-04-03T13:00:00Z', updated: '2026-04-03T13:00:00Z' });
  const inc7close = issue(SHOP, 'closed', 7, ['incident'], { created: '2026-04-03T13:00:00Z', updated: '2026-04-03T15:00:00Z', closed: '2026-04-03T15:00:00Z' });
  const inc8open = issue(SHOP, 'opened', 8, [], { created: '2026-04-02T17:00:00Z', updated: '2026-04-02T17:00:00Z' });
  const inc8label = issue(SHOP, 'labeled', 8, ['incident'], { created: '2026-04-02T17:00:00Z', updated: '2026-04-02T17:30:00Z' }, { label: 'incident' });
  const inc8close = issue(SHOP, 'closed', 8, ['incident'], { created: '2026-04-02T17:00:00Z', updated: '2026-04-02T18:00:00Z', closed: '2026-04-02T18:00:00Z' });
  const bug9 = issue(SHOP, 'opened', 9, ['bug'], { created: '2026-04-02T10:00:00Z', updated: '2026-04-02T10:00:00Z' });

  // Arrival order is deliberately wrong: deployments before the pushes that carried their commits,
  // the label before the opening, the close before the label; some deliveries are redelivered.
  return [
    d104, d100, inc8close, p3, d102, inc8label, d106, p1, d101, inc7close, d103, feature, d105,
    d100, p2, inc8open, bug9, inc7open, p3, inc8label,
  ];
}

export const SHOP_EXPECTED_APRIL = {
  from: APRIL.from,
  to: APRIL.to,
  deploymentFrequency: { deployments: 4, failedAttempts: 1, perDay: 4 / 30, tier: 'medium' },
  leadTime: { changes: 5, p50Seconds: 34200, p90Seconds: 48240, tier: 'elite' },
  changeFailureRate: { deployments: 4, failed: 2, rate: 0.5, tier: 'low' },
  recoveryTime: { incidents: 2, p50Seconds: 5400, tier: 'high' },
};

/** Staging: 103 (c1..c5, its first deployment) and 105 (feature revision: nothing). */
export const SHOP_EXPECTED_STAGING = {
  deploymentFrequency: { deployments: 2, failedAttempts: 0 },
  leadTime: { changes: 5 },
};
