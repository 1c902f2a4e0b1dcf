/**
 * One repository's linking state: its default-branch commit chain, successful deployments and
 * incidents, plus what was already written. Pure logic, no I/O.
 *
 * Delivery (DESIGN.md §5): a successful deployment of revision X delivers every change up to X in
 * default-branch order that no earlier successful deployment of the same service to the same
 * environment delivered. Equivalently, a change is delivered by the EARLIEST successful deployment
 * whose ancestry contains it. New facts only ever add ancestry or deployments, so that earliest
 * deployment only moves earlier: candidates are appended and queries take the minimum. Replays,
 * duplicates and any arrival order converge to the same figures.
 */
import type { CanonicalEvent } from '../../schemas/canonical.js';
import type { DeploymentAttemptFact, FactBatch, IncidentFact, RepoFacts } from '../../schemas/facts.js';
import { PRODUCTION } from '../normalize/environment.js';

interface Commit {
  parentSha: string | null;
  committedAt: number;
}

interface Winner {
  deploymentId: string;
  at: number;
}

/** Named deployments outrank time-based attribution: their priority is offset by this. */
export const NAMED_ATTRIBUTION_BONUS = 10_000_000_000_000;

export class RepoState {
  private readonly commits = new Map<string, Commit>();
  /** deploymentId → its earliest successful attempt. */
  private readonly deployments = new Map<string, DeploymentAttemptFact>();
  /** incidentId → current state (highest version). */
  private readonly incidents = new Map<string, IncidentFact>();
  /** `service|environment|sha` → earliest delivery written. */
  private readonly delivered = new Map<string, Winner>();
  /** incidentId → best attribution written. */
  private readonly attributed = new Map<string, { deploymentId: string; priority: number }>();

  private readonly dirtyStreams = new Set<string>();
  private readonly dirtyIncidents = new Set<string>();
  private allStreamsDirty = false;

  constructor(
    readonly repo: string,
    facts: RepoFacts,
  ) {
    for (const c of facts.changes) this.commits.set(c.sha, { parentSha: c.parentSha, committedAt: c.committedAt });
    for (const d of facts.successfulDeployments) this.deployments.set(d.deploymentId, d);
    for (const i of facts.incidents) this.incidents.set(i.incidentId, i);
    for (const d of facts.deliveries) {
      this.delivered.set(streamKey(d.service, d.environment) + '|' + d.sha, { deploymentId: d.deploymentId, at: d.deployedAt });
    }
    for (const a of facts.attributions) this.attributed.set(a.incidentId, { deploymentId: a.deploymentId, priority: a.priority });
  }

  /** Records the event's own facts in `out` and marks what must be re-derived. */
  apply(event: CanonicalEvent, out: FactBatch): void {
    switch (event.type) {
      case 'changes.pushed':
        for (const c of event.commits) {
          if (this.commits.has(c.sha)) continue;
          this.commits.set(c.sha, { parentSha: c.parentSha, committedAt: c.committedAt });
          out.changes.push({ repo: this.repo, sha: c.sha, parentSha: c.parentSha, committedAt: c.committedAt });
          // New links can extend the ancestry of any deployment of this repository.
          this.allStreamsDirty = true;
        }
        return;
      case 'deployment.finished': {
        const attempt: DeploymentAttemptFact = {
          attemptId: event.id,
          deploymentId: event.deploymentId,
          service: event.service,
          repo: this.repo,
          environment: event.environment,
          sha: event.sha,
          status: event.status,
          finishedAt: event.finishedAt,
          source: event.source,
        };
        out.deploymentAttempts.push(attempt);
        if (event.status !== 'success') return;
        const known = this.deployments.get(event.deploymentId);
        if (known && known.finishedAt <= event.finishedAt) return;
        this.deployments.set(event.deploymentId, attempt);
        this.dirtyStreams.add(streamKey(event.service, event.environment));
        if (event.environment === PRODUCTION) {
          for (const i of this.incidents.values()) if (i.service === event.service) this.dirtyIncidents.add(i.incidentId);
        }
        return;
      }
      case 'incident.updated': {
        const fact: IncidentFact = {
          incidentId: event.incidentId,
          version: event.version,
          service: event.service,
          repo: this.repo,
          openedAt: event.openedAt,
          resolvedAt: event.resolvedAt,
          active: event.active,
          deploymentId: event.deploymentId ?? '',
          revision: event.revision ?? '',
          source: event.source,
        };
        out.incidents.push(fact);
        const known = this.incidents.get(event.incidentId);
        if (!known || known.version < fact.version) this.incidents.set(fact.incidentId, fact);
        this.dirtyIncidents.add(fact.incidentId);
        return;
      }
      case 'pull_request.merged':
      case 'ci_run.completed':
        // Kept in the canonical log for coverage and later metrics; no DORA fact depends on them.
        return;
    }
  }

  /** Adds to `out` every delivery and attribution candidate that beats what was written. */
  derive(out: FactBatch): void {
    const streams = this.allStreamsDirty ? this.allStreams() : this.dirtyStreams;
    for (const stream of streams) this.deriveDeliveries(stream, out);
    for (const incidentId of this.dirtyIncidents) this.deriveAttribution(incidentId, out);
    this.dirtyStreams.clear();
    this.dirtyIncidents.clear();
    this.allStreamsDirty = false;
  }

  private allStreams(): Set<string> {
    const all = new Set<string>();
    for (const d of this.deployments.values()) all.add(streamKey(d.service, d.environment));
    return all;
  }

  private deriveDeliveries(stream: string, out: FactBatch): void {
    const ordered = [...this.deployments.values()]
      .filter((d) => streamKey(d.service, d.environment) === stream)
      .sort((a, b) => a.finishedAt - b.finishedAt || (a.deploymentId < b.deploymentId ? -1 : 1));
    const visited = new Set<string>();
    for (const d of ordered) {
      // Walk back along the default branch until history runs out or an earlier deployment got there first.
      let sha: string | null = d.sha;
      while (sha !== null && !visited.has(sha)) {
        const commit = this.commits.get(sha);
        if (!commit) break;
        visited.add(sha);
        const key = `${stream}|${sha}`;
        const written = this.delivered.get(key);
        if (!written || written.at > d.finishedAt) {
          this.delivered.set(key, { deploymentId: d.deploymentId, at: d.finishedAt });
          out.deliveries.push({
            service: d.service,
            environment: d.environment,
            sha,
            deploymentId: d.deploymentId,
            repo: this.repo,
            deployedAt: d.finishedAt,
            committedAt: commit.committedAt,
          });
        }
        sha = commit.parentSha;
      }
    }
  }

  private deriveAttribution(incidentId: string, out: FactBatch): void {
    const incident = this.incidents.get(incidentId);
    if (!incident) return;
    const candidate = this.bestDeploymentFor(incident);
    if (!candidate) return;
    const written = this.attributed.get(incidentId);
    if (written && written.priority >= candidate.priority) return;
    this.attributed.set(incidentId, candidate);
    out.attributions.push({ incidentId, deploymentId: candidate.deploymentId, repo: this.repo, priority: candidate.priority });
  }

  /**
   * The deployment an incident names (by id, or by revision), else the latest successful
   * production deployment of its service finished at or before it opened.
   */
  private bestDeploymentFor(incident: IncidentFact): { deploymentId: string; priority: number } | null {
    const named = incident.deploymentId ? this.deployments.get(incident.deploymentId) : undefined;
    if (named) return { deploymentId: named.deploymentId, priority: NAMED_ATTRIBUTION_BONUS + named.finishedAt };
    let best: DeploymentAttemptFact | null = null;
    let bestNamed = false;
    for (const d of this.deployments.values()) {
      if (d.service !== incident.service || d.environment !== PRODUCTION) continue;
      const byRevision = incident.revision !== '' && d.sha.toLowerCase().startsWith(incident.revision);
      if (bestNamed && !byRevision) continue;
      if (!byRevision && d.finishedAt > incident.openedAt) continue;
      if (byRevision && !bestNamed) {
        best = d;
        bestNamed = true;
      } else if (!best || d.finishedAt > best.finishedAt) {
        best = d;
      }
    }
    if (!best) return null;
    return { deploymentId: best.deploymentId, priority: (bestNamed ? NAMED_ATTRIBUTION_BONUS : 0) + best.finishedAt };
  }
}

function streamKey(service: string, environment: string): string {
  return `${service}|${environment}`;
}
