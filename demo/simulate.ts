/**
 * The event generator: `days` of an organisation's GitHub activity up to `now`, as the webhook
 * deliveries GitHub would have sent, in event-time order. Pure and deterministic for
 * (days, services, seed, now); sending is someone else's job (send.ts).
 */
import { DAY } from './clock.js';
import { simulateDeploys } from './deploys.js';
import { simulateCodeHistory } from './history.js';
import { Ids, RepoCounters } from './ids.js';
import { simulateEverydayIssues, simulateIncidents } from './incidents.js';
import { buildOrganisation, type Organisation } from './organisation.js';
import type { Tier } from './profiles.js';
import { hashSeed, Random } from './random.js';
import { Timeline, type GeneratedDelivery, type ServiceSim } from './timeline.js';

export type { GeneratedDelivery } from './timeline.js';

export interface SimulateOptions {
  days: number;
  services: number;
  seed: number;
  /** End of the simulated window (epoch ms). */
  now: number;
}

export interface ServiceSummary {
  repo: string;
  team: string;
  tier: Tier;
  productionDeployments: number;
  incidents: number;
}

export interface Simulation {
  org: Organisation;
  from: number;
  to: number;
  deliveries: GeneratedDelivery[];
  services: ServiceSummary[];
}

export function simulate(options: SimulateOptions): Simulation {
  const { days, seed, now } = options;
  const org = buildOrganisation(options.services, seed);
  // Activity depends on the run's time as well as the seed (see ids.ts); the org depends on the seed only.
  const ids = new Ids(new Random(hashSeed('ids', seed, now)));
  const timeline = new Timeline(now);
  const from = now - days * DAY;
  const services: ServiceSummary[] = [];
  for (const service of org.services) {
    // One stream per service: adding a service does not change the others' histories.
    const rng = new Random(hashSeed('activity', seed, now, service.fullName));
    const sim: ServiceSim = { org, service, rng, ids, counters: new RepoCounters(rng), timeline, from };
    const history = simulateCodeHistory(sim);
    const deploys = simulateDeploys(sim, history);
    const incidents = simulateIncidents(sim, deploys);
    simulateEverydayIssues(sim);
    services.push({
      repo: service.fullName,
      team: service.team.name,
      tier: service.profile.tier,
      productionDeployments: deploys.length,
      incidents,
    });
  }
  return { org, from, to: now, deliveries: timeline.deliveries(), services };
}
