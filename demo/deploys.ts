/**
 * How a service's commits reach production: each release goes to `staging`, then the same sha to
 * production. GitHub sends a `deployment` (created) and then `deployment_status` updates; only a
 * terminal status (success, failure, error) finishes an attempt. A failed attempt is retried as a
 * new deployment of the same sha, as a team re-running its deploy job would.
 */
import { DAY, HOUR, MINUTE, nextOfficeHour, SECOND } from './clock.js';
import type { CodeHistory } from './history.js';
import { DEFAULT_BRANCH, type Person } from './organisation.js';
import { deploymentCreatedPayload, deploymentStatusPayload, type Context, type DeploymentSpec } from './payloads.js';
import type { ServiceSim } from './timeline.js';

/** A successful production deployment: what incidents are attributed to. */
export interface ProductionDeploy {
  id: number;
  sha: string;
  finishedAt: number;
}

export function simulateDeploys(sim: ServiceSim, history: CodeHistory): ProductionDeploy[] {
  const cadence = sim.service.profile.cadence;
  return cadence.kind === 'continuous' ? continuous(sim, history, cadence.promoteAfterMinutes) : releases(sim, history, cadence);
}

/**
 * Every green build on main starts the pipeline unless it is already running; when it frees up it
 * ships whatever is newest and green, so merges close together go out together.
 */
function continuous(sim: ServiceSim, history: CodeHistory, promoteAfterMinutes: number): ProductionDeploy[] {
  const now = sim.timeline.now;
  const ready = history.builds.filter((b) => b.green).map((b) => b.ciDoneAt + MINUTE);
  ready.sort((a, b) => a - b);
  const deploys: ProductionDeploy[] = [];
  let busyUntil = 0;
  let deployed = history.initialHead;
  for (const readyAt of ready) {
    const start = Math.max(readyAt, busyUntil);
    if (start > now) break;
    const sha = history.greenHeadAt(start);
    if (sha === deployed) continue;
    deployed = sha;
    const ship = { sha, ref: DEFAULT_BRANCH, creator: sim.org.bot };
    const staging = deployTo(sim, { ...ship, environment: 'staging', startAt: start });
    if (!staging) break;
    const promoteAt = staging.finishedAt + sim.rng.lognormal(promoteAfterMinutes * MINUTE, 0.3);
    const production = deployTo(sim, { ...ship, environment: sim.service.productionEnvironment, startAt: promoteAt });
    if (!production) break;
    deploys.push({ id: production.id, sha, finishedAt: production.finishedAt });
    busyUntil = production.finishedAt;
  }
  return deploys;
}

/**
 * A release is cut in office hours from the newest green build, soaks in staging, then goes to
 * production; the next one is cut some days after that. Versioned trains tag their releases.
 */
function releases(
  sim: ServiceSim,
  history: CodeHistory,
  cadence: { everyDays: number; soakHours: number; versioned: boolean },
): ProductionDeploy[] {
  const { rng, service } = sim;
  const now = sim.timeline.now;
  const office = service.team.homeOffsetMinutes;
  const releaser = cadence.versioned ? service.team.developers[0]! : sim.org.bot;
  const major = rng.int(1, 4);
  let minor = rng.int(3, 40);
  const deploys: ProductionDeploy[] = [];
  let deployed = history.initialHead;
  let next = sim.from + rng.between(0, cadence.everyDays) * DAY;
  for (;;) {
    const cut = nextOfficeHour(next, office);
    if (cut > now) break;
    const sha = history.greenHeadAt(cut);
    let settledAt = cut;
    if (sha !== deployed) {
      deployed = sha;
      minor += 1;
      const ship = { sha, ref: cadence.versioned ? `v${major}.${minor}.0` : DEFAULT_BRANCH, creator: releaser, officeHoursOffset: office };
      const staging = deployTo(sim, { ...ship, environment: 'staging', startAt: cut });
      if (!staging) break;
      const soaked = staging.finishedAt + rng.lognormal(cadence.soakHours * HOUR, 0.3);
      const production = deployTo(sim, { ...ship, environment: service.productionEnvironment, startAt: nextOfficeHour(soaked, office) });
      if (!production) break;
      deploys.push({ id: production.id, sha, finishedAt: production.finishedAt });
      settledAt = production.finishedAt;
    }
    next = settledAt + cadence.everyDays * rng.between(0.6, 1.4) * DAY;
  }
  return deploys;
}

interface Shipment {
  sha: string;
  ref: string;
  environment: string;
  startAt: number;
  creator: Person;
  /** Retries wait for office hours in this UTC offset; absent: retried whenever. */
  officeHoursOffset?: number;
}

/** Deploys until an attempt succeeds; the successful attempt, or null if it is not finished by now. */
function deployTo(sim: ServiceSim, s: Shipment): { id: number; finishedAt: number } | null {
  const { rng, ids, service } = sim;
  const ctx: Context = { org: sim.org, service };
  const profile = service.profile;
  const production = s.environment === service.productionEnvironment;
  let at = s.startAt;
  for (let attempt = 1; ; attempt += 1) {
    if (at > sim.timeline.now) return null;
    const spec: DeploymentSpec = {
      id: ids.deployment.next(),
      sha: s.sha,
      ref: s.ref,
      environment: s.environment,
      production,
      description: `Deploy ${s.ref === DEFAULT_BRANCH ? s.sha.slice(0, 7) : s.ref} to ${s.environment}`,
      creator: s.creator,
      createdAt: at,
    };
    sim.timeline.emit('deployment', at, service.fullName, () => deploymentCreatedPayload(ctx, spec));
    if (production) {
      // GitHub Actions reports progress on production environments; it is not terminal and must be ignored.
      const progressAt = at + rng.int(5, 30) * SECOND;
      const progressId = ids.deploymentStatus.next();
      sim.timeline.emit('deployment_status', progressAt, service.fullName, () =>
        deploymentStatusPayload(ctx, spec, { id: progressId, state: 'in_progress', at: progressAt, description: 'Deployment started.' }),
      );
    }
    const finishedAt = at + Math.max(MINUTE, rng.lognormal(profile.deployMinutes * MINUTE, 0.3));
    // At most two failed attempts in a row: by then someone fixes the pipeline.
    const fails = attempt < 3 && rng.chance(profile.failedAttemptRate);
    const state = !fails ? 'success' : rng.chance(0.25) ? 'error' : 'failure';
    const statusId = ids.deploymentStatus.next();
    sim.timeline.emit('deployment_status', finishedAt, service.fullName, () =>
      deploymentStatusPayload(ctx, spec, { id: statusId, state, at: finishedAt, description: STATE_DESCRIPTIONS[state] }),
    );
    if (!fails) return finishedAt > sim.timeline.now ? null : { id: spec.id, finishedAt };
    const retryAt = finishedAt + Math.max(5 * MINUTE, rng.lognormal(profile.retryMinutes * MINUTE, 0.4));
    at = s.officeHoursOffset === undefined ? retryAt : nextOfficeHour(retryAt, s.officeHoursOffset);
  }
}

const STATE_DESCRIPTIONS = {
  success: 'Deployment finished successfully.',
  failure: 'Deployment failed: health checks did not pass.',
  error: 'Deployment errored: timed out waiting for the rollout.',
} as const;
