/**
 * Named queries the linker rebuilds one repository's state from (after a restart or a
 * rebalance), the SQL of each dialect side by side. All are keyed GROUP BYs, exact before
 * ClickHouse merges duplicates.
 */
import type { RepoFacts } from '../schemas/facts.js';
import type { Dialect } from './dialect.js';
import type { NamedQuery } from './metric-queries.js';

const changes = `
SELECT sha, min(parent_sha) AS parent_sha, min(committed_at) AS committed_at
FROM changes WHERE repo = {repo}
GROUP BY sha`;

const successfulDeployments = (argMin: string, any: string) => `
SELECT deployment_id,
  ${argMin}(attempt_id, finished_at) AS attempt_id,
  ${any}(service) AS service, ${any}(environment) AS environment, ${any}(sha) AS sha,
  ${any}(source) AS source, min(finished_at) AS first_finished_at
FROM deployment_attempts WHERE repo = {repo} AND status = 'success'
GROUP BY deployment_id`;

const incidents = (argMax: string) => `
SELECT incident_id, max(version) AS latest_version,
  ${argMax}(service, version) AS service_name, ${argMax}(opened_at, version) AS opened,
  ${argMax}(resolved_at, version) AS resolved, ${argMax}(active, version) AS is_active,
  ${argMax}(deployment_id, version) AS named_deployment, ${argMax}(revision, version) AS named_revision,
  ${argMax}(source, version) AS source_name
FROM incidents WHERE repo = {repo}
GROUP BY incident_id`;

/** The current winner per change: the earliest deployment written as containing it. */
const deliveries = (argMin: string) => `
SELECT service, environment, sha,
  ${argMin}(deployment_id, deployed_at) AS first_deployment, min(deployed_at) AS first_deployed_at,
  min(committed_at) AS committed
FROM deliveries WHERE repo = {repo}
GROUP BY service, environment, sha`;

const attributions = (argMax: string) => `
SELECT incident_id, ${argMax}(deployment_id, priority) AS best_deployment, max(priority) AS best_priority
FROM attributions WHERE repo = {repo}
GROUP BY incident_id`;

export const REPO_STATE_QUERIES: Record<'changes' | 'successfulDeployments' | 'incidents' | 'deliveries' | 'attributions', NamedQuery> = {
  changes: { duckdb: changes, clickhouse: changes },
  successfulDeployments: {
    duckdb: successfulDeployments('arg_min', 'any_value'),
    clickhouse: successfulDeployments('argMin', 'any'),
  },
  incidents: { duckdb: incidents('arg_max'), clickhouse: incidents('argMax') },
  deliveries: { duckdb: deliveries('arg_min'), clickhouse: deliveries('argMin') },
  attributions: { duckdb: attributions('arg_max'), clickhouse: attributions('argMax') },
};

type Row = Record<string, unknown>;

/**
 * Runs the repo-state queries in a dialect through `select` and maps the rows (bigints from
 * DuckDB, strings from ClickHouse) to the facts the linker rebuilds its state from.
 */
export async function loadRepoFacts(
  dialect: Dialect,
  repo: string,
  select: (sql: string, params: { repo: string }) => Promise<Row[]>,
): Promise<RepoFacts> {
  const q = REPO_STATE_QUERIES;
  const [changes, deployments, incidents, deliveries, attributions] = await Promise.all([
    select(q.changes[dialect], { repo }),
    select(q.successfulDeployments[dialect], { repo }),
    select(q.incidents[dialect], { repo }),
    select(q.deliveries[dialect], { repo }),
    select(q.attributions[dialect], { repo }),
  ]);
  return {
    changes: changes.map((r) => ({
      repo,
      sha: String(r.sha),
      parentSha: r.parent_sha === '' ? null : String(r.parent_sha),
      committedAt: Number(r.committed_at),
    })),
    successfulDeployments: deployments.map((r) => ({
      attemptId: String(r.attempt_id),
      deploymentId: String(r.deployment_id),
      service: String(r.service),
      repo,
      environment: String(r.environment),
      sha: String(r.sha),
      status: 'success' as const,
      finishedAt: Number(r.first_finished_at),
      source: String(r.source),
    })),
    incidents: incidents.map((r) => ({
      incidentId: String(r.incident_id),
      version: Number(r.latest_version),
      service: String(r.service_name),
      repo,
      openedAt: Number(r.opened),
      resolvedAt: Number(r.resolved),
      active: Number(r.is_active) === 1,
      deploymentId: String(r.named_deployment),
      revision: String(r.named_revision),
      source: String(r.source_name),
    })),
    deliveries: deliveries.map((r) => ({
      service: String(r.service),
      environment: String(r.environment),
      sha: String(r.sha),
      deploymentId: String(r.first_deployment),
      repo,
      deployedAt: Number(r.first_deployed_at),
      committedAt: Number(r.committed),
    })),
    attributions: attributions.map((r) => ({
      incidentId: String(r.incident_id),
      deploymentId: String(r.best_deployment),
      repo,
      priority: Number(r.best_priority),
    })),
  };
}
