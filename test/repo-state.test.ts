/**
 * Unit tests of the linker's pure logic: which deployment delivers which change, and which
 * deployment an incident is blamed on, whatever order the facts arrive in.
 */
import { describe, expect, it } from 'vitest';
import { RepoState, NAMED_ATTRIBUTION_BONUS } from '../transform/link/repo-state.js';
import type { CanonicalEvent } from '../schemas/canonical.js';
import { emptyFactBatch, type FactBatch, type RepoFacts } from '../schemas/facts.js';

const repo = 'acme/shop';
const emptyFacts = (): RepoFacts => ({ changes: [], successfulDeployments: [], incidents: [], deliveries: [], attributions: [] });

const pushed = (commits: [string, string | null, number][]): CanonicalEvent => ({
  type: 'changes.pushed',
  id: `p-${commits[0]![0]}`,
  source: 'test',
  repo,
  commits: commits.map(([sha, parentSha, committedAt]) => ({ sha, parentSha, committedAt })),
});
const deployed = (id: string, sha: string, finishedAt: number, status: 'success' | 'failure' = 'success', environment = 'production'): CanonicalEvent => ({
  type: 'deployment.finished',
  id: `a-${id}-${finishedAt}`,
  source: 'test',
  deploymentId: id,
  service: repo,
  repo,
  environment,
  sha,
  status,
  finishedAt,
});
const incident = (n: number, openedAt: number, extra: Partial<{ deploymentId: string; revision: string; version: number }> = {}): CanonicalEvent => ({
  type: 'incident.updated',
  id: `i-${n}`,
  source: 'test',
  incidentId: `inc-${n}`,
  service: repo,
  repo,
  openedAt,
  resolvedAt: 0,
  active: true,
  version: extra.version ?? openedAt,
  deploymentId: extra.deploymentId ?? null,
  revision: extra.revision ?? null,
});

/** Applies events one batch at a time (each its own derive) and returns every fact written. */
function run(events: CanonicalEvent[][], facts = emptyFacts()): { state: RepoState; all: FactBatch } {
  const state = new RepoState(repo, facts);
  const all = emptyFactBatch();
  for (const batch of events) {
    for (const e of batch) state.apply(e, all);
    state.derive(all);
  }
  return { state, all };
}

/** The winner per change, as the store's queries compute it (earliest deployment). */
function winners(all: FactBatch): Record<string, string> {
  const best = new Map<string, { id: string; at: number }>();
  for (const d of all.deliveries) {
    const key = `${d.environment}:${d.sha}`;
    const b = best.get(key);
    if (!b || d.deployedAt < b.at) best.set(key, { id: d.deploymentId, at: d.deployedAt });
  }
  return Object.fromEntries([...best].map(([k, v]) => [k, v.id]).sort());
}

const history = [pushed([['c1', null, 1], ['c2', 'c1', 2]]), pushed([['c3', 'c2', 3]]), pushed([['c4', 'c3', 4], ['c5', 'c4', 5]])];

describe('change delivery', () => {
  it('a deployment delivers every change up to its revision not delivered before', () => {
    const { all } = run([[...history, deployed('d1', 'c2', 100), deployed('d2', 'c5', 200)]]);
    expect(winners(all)).toEqual({ 'production:c1': 'd1', 'production:c2': 'd1', 'production:c3': 'd2', 'production:c4': 'd2', 'production:c5': 'd2' });
  });

  it('gives the same winners whatever the arrival order (deployments before pushes, pushes reversed)', () => {
    const inOrder = winners(run([[...history, deployed('d1', 'c2', 100), deployed('d2', 'c5', 200)]]).all);
    const reversed = winners(run([[deployed('d2', 'c5', 200)], [history[2]!], [deployed('d1', 'c2', 100)], [history[1]!], [history[0]!]]).all);
    const lateEarlyDeploy = winners(run([[...history, deployed('d2', 'c5', 200)], [deployed('d1', 'c2', 100)]]).all);
    expect(reversed).toEqual(inOrder);
    expect(lateEarlyDeploy).toEqual(inOrder);
  });

  it('a rollback to an older revision delivers nothing new', () => {
    const { all } = run([[...history, deployed('d1', 'c5', 100), deployed('d2', 'c3', 200)]]);
    expect(all.deliveries.filter((d) => d.deploymentId === 'd2')).toEqual([]);
  });

  it('failed attempts and unknown revisions deliver nothing', () => {
    const { all } = run([[...history, deployed('d1', 'c5', 100, 'failure'), deployed('d2', 'feature-only', 150)]]);
    expect(all.deliveries).toEqual([]);
    expect(all.deploymentAttempts).toHaveLength(2);
  });

  it('environments have separate histories', () => {
    const { all } = run([[...history, deployed('s1', 'c5', 50, 'success', 'staging'), deployed('p1', 'c2', 100)]]);
    expect(winners(all)).toEqual({
      'production:c1': 'p1', 'production:c2': 'p1',
      'staging:c1': 's1', 'staging:c2': 's1', 'staging:c3': 's1', 'staging:c4': 's1', 'staging:c5': 's1',
    });
  });

  it('writes nothing twice when the same events are replayed into a state rebuilt from its facts', () => {
    const events = [...history, deployed('d1', 'c2', 100), deployed('d2', 'c5', 200), incident(1, 150)];
    const first = run([events]).all;
    const rebuilt: RepoFacts = {
      changes: first.changes,
      successfulDeployments: first.deploymentAttempts.filter((a) => a.status === 'success'),
      incidents: first.incidents,
      deliveries: first.deliveries,
      attributions: first.attributions,
    };
    const again = run([events], rebuilt).all;
    expect(again.deliveries).toEqual([]);
    expect(again.attributions).toEqual([]);
    expect(again.changes).toEqual([]);
  });
});

describe('incident attribution', () => {
  const best = (all: FactBatch) => {
    const m = new Map<string, { id: string; p: number }>();
    for (const a of all.attributions) {
      const b = m.get(a.incidentId);
      if (!b || a.priority > b.p) m.set(a.incidentId, { id: a.deploymentId, p: a.priority });
    }
    return Object.fromEntries([...m].map(([k, v]) => [k, v.id]));
  };

  it('blames the latest production deployment finished at or before the incident opened', () => {
    const { all } = run([[...history, deployed('d1', 'c2', 100), deployed('d2', 'c5', 200), deployed('s', 'c5', 140, 'success', 'staging'), incident(1, 150), incident(2, 200)]]);
    expect(best(all)).toEqual({ 'inc-1': 'd1', 'inc-2': 'd2' });
  });

  it('moves to a later deployment that arrives late, and to a named deployment over any time-based one', () => {
    const { all } = run([[deployed('d1', 'c2', 100), incident(1, 150), incident(2, 150, { deploymentId: 'd0' })], [deployed('d2', 'c3', 120)], [deployed('d0', 'c1', 50)]]);
    expect(best(all)).toEqual({ 'inc-1': 'd2', 'inc-2': 'd0' });
    expect(all.attributions.find((a) => a.deploymentId === 'd0')!.priority).toBe(NAMED_ATTRIBUTION_BONUS + 50);
  });

  it('honours a named revision', () => {
    const { all } = run([[deployed('d1', 'aaaa1111', 100), deployed('d2', 'bbbb2222', 120), incident(1, 150, { revision: 'aaaa1111' })]]);
    expect(best(all)).toEqual({ 'inc-1': 'd1' });
  });

  it('leaves an incident with no earlier production deployment unattributed', () => {
    const { all } = run([[deployed('d1', 'c2', 200), incident(1, 150)]]);
    expect(all.attributions).toEqual([]);
  });
});
