/**
 * Facts: the rows the Store keeps. Every fact has a deterministic identity (its key columns), so
 * writing it twice changes nothing. Derived facts (deliveries, attributions) are append-only
 * candidates; queries pick the winner (earliest delivery, highest-priority attribution), which
 * makes the result independent of arrival order and of replays.
 */

/** A commit that reached the default branch, linked to its predecessor there. Key: repo, sha. */
export interface ChangeFact {
  repo: string;
  sha: string;
  parentSha: string | null;
  committedAt: number;
}

/** A terminal deployment attempt. Key: attemptId. */
export interface DeploymentAttemptFact {
  attemptId: string;
  deploymentId: string;
  service: string;
  repo: string;
  environment: string;
  sha: string;
  status: 'success' | 'failure';
  finishedAt: number;
  source: string;
}

/** One version of an incident's state. Key: incidentId, version. The highest version wins. */
export interface IncidentFact {
  incidentId: string;
  version: number;
  service: string;
  repo: string;
  openedAt: number;
  /** 0 while unresolved. */
  resolvedAt: number;
  active: boolean;
  /** '' when the incident names no deployment. */
  deploymentId: string;
  /** '' when the incident names no revision. */
  revision: string;
  source: string;
}

/**
 * "Deployment D (finished at deployedAt) contains change sha of this service and environment."
 * Key: service, environment, sha, deploymentId. The change is delivered by the earliest one.
 */
export interface DeliveryFact {
  service: string;
  environment: string;
  sha: string;
  deploymentId: string;
  repo: string;
  deployedAt: number;
  committedAt: number;
}

/**
 * "Incident I may be attributed to deployment D." Key: incidentId, deploymentId. The candidate
 * with the highest priority wins: named deployments outrank time-based ones, later outranks earlier.
 */
export interface AttributionFact {
  incidentId: string;
  deploymentId: string;
  repo: string;
  priority: number;
}

/** Catalog dimension: which team owns a service and which golden path it was built from. */
export interface ServiceFact {
  service: string;
  team: string;
  goldenPath: string;
}

export interface FactBatch {
  changes: ChangeFact[];
  deploymentAttempts: DeploymentAttemptFact[];
  incidents: IncidentFact[];
  deliveries: DeliveryFact[];
  attributions: AttributionFact[];
}

export function emptyFactBatch(): FactBatch {
  return { changes: [], deploymentAttempts: [], incidents: [], deliveries: [], attributions: [] };
}

export function factCount(batch: FactBatch): number {
  return (
    batch.changes.length +
    batch.deploymentAttempts.length +
    batch.incidents.length +
    batch.deliveries.length +
    batch.attributions.length
  );
}

/** Everything the linker needs to rebuild one repository's state after a restart or rebalance. */
export interface RepoFacts {
  changes: ChangeFact[];
  /** Successful attempts only, one per deployment (its earliest success). */
  successfulDeployments: DeploymentAttemptFact[];
  /** The current (highest-version) state of each incident. */
  incidents: IncidentFact[];
  /** Delivery candidates already written. */
  deliveries: DeliveryFact[];
  /** The best attribution already written per incident. */
  attributions: AttributionFact[];
}
