/**
 * The demo's generator, without a server: deterministic, every delivery is one ingest accepts and
 * transform normalises without dead letters, and the history hangs together (push chains,
 * deployments of pushed commits, incidents naming real deployments).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { buildOrganisation } from '../demo/organisation.js';
import type { JsonObject } from '../demo/payloads.js';
import { signBody } from '../demo/send.js';
import { simulate, type GeneratedDelivery } from '../demo/simulate.js';
import type { CanonicalEvent } from '../schemas/canonical.js';
import { GITHUB_EVENT_SCHEMAS } from '../schemas/github.js';
import { normalizeGithub } from '../transform/normalize/github.js';

const NOW = Date.UTC(2025, 5, 18, 14, 30, 0);
const OPTIONS = { days: 60, services: 5, seed: 7, now: NOW };
const NORMALIZE = { productionEnvironments: ['production', 'prod'], incidentLabels: ['incident'] };
const ZERO_SHA = '0'.repeat(40);

const sim = simulate(OPTIONS);

interface Normalised {
  delivery: GeneratedDelivery;
  kind: 'ok' | 'drop' | 'dead-letter';
  reason?: string;
  events: CanonicalEvent[];
}

const normalised: Normalised[] = sim.deliveries.map((delivery, i) => {
  const outcome = normalizeGithub(delivery.event, `demo-${i}`, delivery.payload, NORMALIZE);
  return outcome.kind === 'ok'
    ? { delivery, kind: 'ok', events: outcome.events }
    : { delivery, kind: outcome.kind, reason: outcome.reason, events: [] };
});
const canonical = normalised.flatMap((n) => n.events);

function obj(value: unknown): JsonObject {
  return value as JsonObject;
}
const ofEvent = (event: string) => sim.deliveries.filter((d) => d.event === event);
const isDefaultBranchPush = (d: GeneratedDelivery) => d.event === 'push' && d.payload.ref === 'refs/heads/main';

describe('demo generator', () => {
  it('is deterministic for a seed and time, and varies with the seed', () => {
    expect(JSON.stringify(simulate(OPTIONS).deliveries)).toBe(JSON.stringify(sim.deliveries));
    expect(JSON.stringify(simulate({ ...OPTIONS, seed: 8 }).deliveries)).not.toBe(JSON.stringify(sim.deliveries));
    // The organisation (people, repositories) depends on the seed alone.
    expect(buildOrganisation(5, 7)).toEqual(buildOrganisation(5, 7));
    expect(simulate({ ...OPTIONS, now: NOW + 3_600_000 }).org).toEqual(sim.org);
  });

  it('produces a few thousand deliveries for the defaults, spread over every tier', () => {
    const defaults = simulate({ days: 120, services: 8, seed: 42, now: NOW });
    expect(defaults.deliveries.length).toBeGreaterThan(2_000);
    expect(defaults.deliveries.length).toBeLessThan(10_000);
    expect(new Set(defaults.services.map((s) => s.tier))).toEqual(new Set(['elite', 'high', 'medium', 'low']));
    expect(new Set(defaults.services.map((s) => s.team)).size).toBeGreaterThanOrEqual(4);
    for (const s of defaults.services) {
      const perDay = s.productionDeployments / 120;
      if (s.tier === 'elite') expect(perDay).toBeGreaterThanOrEqual(1);
      if (s.tier === 'high') expect(perDay).toBeGreaterThanOrEqual(1 / 7);
      if (s.tier === 'medium') expect(perDay).toBeGreaterThanOrEqual(1 / 30);
      if (s.tier === 'low') expect(perDay).toBeLessThan(1 / 30);
    }
  });

  it('emits only events we read, in event-time order, none in the future', () => {
    expect(new Set(sim.deliveries.map((d) => d.event))).toEqual(
      new Set(['push', 'pull_request', 'workflow_run', 'deployment', 'deployment_status', 'issues']),
    );
    for (let i = 1; i < sim.deliveries.length; i += 1) {
      expect(sim.deliveries[i]!.at).toBeGreaterThanOrEqual(sim.deliveries[i - 1]!.at);
    }
    expect(sim.deliveries.at(-1)!.at).toBeLessThanOrEqual(NOW);
    // Branch work for the first merges starts a little before the window; nothing much earlier.
    expect(sim.deliveries[0]!.at).toBeGreaterThan(sim.from - 30 * 86_400_000);
  });

  it('validates every delivery against the ingest schema', () => {
    for (const d of sim.deliveries) {
      const parsed = GITHUB_EVENT_SCHEMAS[d.event].safeParse(d.payload);
      expect(parsed.success, `${d.event}: ${parsed.success ? '' : parsed.error.message}`).toBe(true);
      expect(obj(d.payload.repository).full_name).toBe(d.repo);
    }
  });

  it('normalises every delivery without dead letters', () => {
    const dead = normalised.filter((n) => n.kind === 'dead-letter');
    expect(dead.map((n) => `${n.delivery.event}: ${n.reason}`)).toEqual([]);
    const types = new Set(canonical.map((e) => e.type));
    expect(types).toEqual(new Set(['changes.pushed', 'pull_request.merged', 'ci_run.completed', 'deployment.finished', 'incident.updated']));
  });

  it('chains each repository\'s default-branch pushes: before is the previous after', () => {
    const heads = new Map<string, string>();
    let links = 0;
    for (const d of sim.deliveries.filter(isDefaultBranchPush)) {
      const previous = heads.get(d.repo);
      if (previous !== undefined) {
        expect(d.payload.before).toBe(previous);
        links += 1;
      }
      expect(d.payload.before).not.toBe(ZERO_SHA);
      heads.set(d.repo, d.payload.after as string);
    }
    expect(links).toBeGreaterThan(100);
  });

  it('pushes feature branches too, and they do not count as changes', () => {
    const branchPushes = normalised.filter((n) => n.delivery.event === 'push' && !isDefaultBranchPush(n.delivery));
    expect(branchPushes.length).toBeGreaterThan(50);
    for (const n of branchPushes) {
      expect(n.kind).toBe('drop');
      expect(n.delivery.payload.ref).toMatch(/^refs\/heads\/(feature|fix|chore|dependabot)\//);
    }
    const mainShas = new Set(
      sim.deliveries.filter(isDefaultBranchPush).flatMap((d) => (d.payload.commits as JsonObject[]).map((c) => c.id)),
    );
    // Abandoned pull requests leave commits that never reach main.
    const orphans = branchPushes.flatMap((n) => (n.delivery.payload.commits as JsonObject[]).map((c) => c.id)).filter((id) => !mainShas.has(id));
    expect(orphans.length).toBeGreaterThan(0);
  });

  it('writes commit timestamps in the committers\' own UTC offsets', () => {
    const offsets = new Set<string>();
    for (const d of ofEvent('push')) {
      for (const c of d.payload.commits as JsonObject[]) {
        const ts = c.timestamp as string;
        expect(ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
        offsets.add(ts.slice(19));
        expect(c.id).toMatch(/^[0-9a-f]{40}$/);
      }
    }
    expect(offsets.size).toBeGreaterThanOrEqual(4);
    expect([...offsets].some((o) => o.startsWith('-'))).toBe(true);
    expect([...offsets].some((o) => o.endsWith(':30'))).toBe(true);
  });

  it('merges pull requests onto main with the merge commit main received', () => {
    const merged = ofEvent('pull_request').filter((d) => obj(d.payload.pull_request).merged === true);
    const unmerged = ofEvent('pull_request').filter((d) => obj(d.payload.pull_request).merged === false);
    expect(merged.length).toBeGreaterThan(50);
    expect(unmerged.length).toBeGreaterThan(0);
    const mainHeads = new Set(sim.deliveries.filter(isDefaultBranchPush).map((d) => `${d.repo}@${d.payload.after as string}`));
    for (const d of merged) expect(mainHeads.has(`${d.repo}@${obj(d.payload.pull_request).merge_commit_sha as string}`)).toBe(true);
  });

  it('deploys commits that were pushed to main, to staging and then production', () => {
    const pushed = new Map<string, number>();
    for (const d of sim.deliveries.filter(isDefaultBranchPush)) pushed.set(`${d.repo}@${d.payload.after as string}`, d.at);
    const created = new Map<number, GeneratedDelivery>();
    for (const d of ofEvent('deployment')) {
      const dep = obj(d.payload.deployment);
      created.set(dep.id as number, d);
      const pushedAt = pushed.get(`${d.repo}@${dep.sha as string}`);
      expect(pushedAt, `deployment ${dep.id} of ${dep.sha} in ${d.repo}`).toBeDefined();
      expect(pushedAt!).toBeLessThan(d.at);
    }
    for (const d of ofEvent('deployment_status')) {
      const before = created.get(obj(d.payload.deployment).id as number);
      expect(before).toBeDefined();
      expect(before!.at).toBeLessThanOrEqual(d.at);
    }
    const finished = canonical.filter((e) => e.type === 'deployment.finished');
    const production = finished.filter((e) => e.environment === 'production');
    expect(production.filter((e) => e.status === 'success').length).toBeGreaterThan(50);
    expect(production.filter((e) => e.status === 'failure').length).toBeGreaterThan(0);
    expect(finished.filter((e) => e.environment === 'staging').length).toBeGreaterThan(50);
    // A failed attempt is followed by a successful retry of the same sha in the same environment.
    for (const failed of finished.filter((e) => e.status === 'failure' && e.finishedAt < NOW - 30 * 86_400_000)) {
      const retried = finished.some(
        (e) => e.status === 'success' && e.repo === failed.repo && e.environment === failed.environment && e.sha === failed.sha && e.finishedAt > failed.finishedAt,
      );
      expect(retried, `retry of ${failed.deploymentId}`).toBe(true);
    }
    // The legacy service deploys to `prod`, which configuration maps to production.
    expect(ofEvent('deployment').some((d) => obj(d.payload.deployment).environment === 'prod')).toBe(true);
    // Non-terminal statuses are sent too and ignored.
    expect(ofEvent('deployment_status').some((d) => obj(d.payload.deployment_status).state === 'in_progress')).toBe(true);
  });

  it('opens incidents after production deployments and resolves most of them', () => {
    const incidents = canonical.filter((e) => e.type === 'incident.updated');
    const ids = new Set(incidents.map((e) => e.incidentId));
    expect(ids.size).toBeGreaterThanOrEqual(5);
    expect(incidents.some((e) => e.resolvedAt > e.openedAt)).toBe(true);
    const productionIds = new Set(
      canonical
        .filter((e) => e.type === 'deployment.finished')
        .filter((e) => e.environment === 'production' && e.status === 'success')
        .map((e) => e.deploymentId),
    );
    const named = incidents.filter((e) => e.deploymentId);
    expect(named.length).toBeGreaterThan(0);
    for (const e of named) expect(productionIds.has(e.deploymentId!)).toBe(true);
    // Ordinary issues exist and are not incidents.
    const everyday = normalised.filter((n) => n.delivery.event === 'issues' && n.kind === 'drop');
    expect(everyday.length).toBeGreaterThan(0);
    // Some incidents are recognised after opening: labelled later.
    expect(ofEvent('issues').some((d) => d.payload.action === 'labeled' && obj(d.payload.label).name === 'incident')).toBe(true);
  });

  it('shapes payloads like GitHub\'s own examples (no invented fields)', () => {
    const examples = loadExamples();
    const documentedSince = new Set(['issue.state_reason']); // newer than the examples package
    const checks: [event: string, path: string][] = [
      ['push', ''], ['push', 'repository'], ['push', 'commits.0'], ['push', 'sender'],
      ['pull_request', ''], ['pull_request', 'pull_request'], ['pull_request', 'repository'],
      ['workflow_run', ''], ['workflow_run', 'workflow_run'], ['workflow_run', 'workflow'],
      ['deployment', ''], ['deployment', 'deployment'],
      ['deployment_status', ''], ['deployment_status', 'deployment_status'],
      ['issues', ''], ['issues', 'issue'], ['issues', 'organization'],
    ];
    for (const [event, path] of checks) {
      const known = new Set(examples(event).flatMap((e) => Object.keys(at(e, path) ?? {})));
      const ours = new Set(ofEvent(event).flatMap((d) => Object.keys(at(d.payload, path) ?? {})));
      const invented = [...ours].filter((k) => !known.has(k) && !documentedSince.has(`${path}.${k}`));
      expect(invented, `${event} ${path || '(top level)'}`).toEqual([]);
    }
  });

  it('signs bodies as GitHub does (GitHub\'s documented test vector)', () => {
    expect(signBody('Hello, World!', "It's a Secret to Everybody")).toBe(
      'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    );
  });
});

function at(value: unknown, path: string): Record<string, unknown> | undefined {
  let cur = value;
  for (const key of path ? path.split('.') : []) cur = (cur as Record<string, unknown> | undefined)?.[key];
  return cur && typeof cur === 'object' ? (cur as Record<string, unknown>) : undefined;
}

function loadExamples(): (event: string) => Record<string, unknown>[] {
  const require = createRequire(import.meta.url);
  const file = require.resolve('@octokit/webhooks-examples/api.github.com/index.json');
  const groups = JSON.parse(readFileSync(file, 'utf8')) as { name: string; examples: Record<string, unknown>[] }[];
  return (event) => groups.find((g) => g.name === event)?.examples ?? [];
}
