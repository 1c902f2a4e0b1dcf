/**
 * Named queries the linker rebuilds one repository's state from (after a restart or a
 * rebalance), the SQL of each dialect side by side. All are keyed GROUP BYs, exact before
 * ClickHouse merges duplicates.
 */
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
