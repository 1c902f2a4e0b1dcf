/**
 * The named metric queries, the SQL of each dialect side by side.
 *
 * Every query returns one row per bucket (a single bucket 0 when bucket = 'none') and reads the
 * fact tables only through GROUP BY on their keys, so answers are exact before ClickHouse merges
 * duplicates away and identical to DuckDB's. Definitions: DESIGN.md §5.
 */
import { clickhousePercentile, expandMacros, SERVICE_FILTER, type Bucket, type Dialect } from './dialect.js';

export interface MetricQueryParams {
  from: number;
  to: number;
  bucket: Bucket;
  environment: string;
  /** '' = no filter. */
  service: string;
  team: string;
  goldenPath: string;
}

export interface MetricRows {
  deployments: { bucket: number; deployments: number; failedAttempts: number };
  leadTime: { bucket: number; changes: number; p50Ms: number | null; p90Ms: number | null };
  changeFailure: { bucket: number; deployments: number; failed: number };
  recovery: { bucket: number; incidents: number; p50Ms: number | null };
}

export type MetricQueryName = keyof MetricRows;

export interface NamedQuery {
  duckdb: string;
  clickhouse: string;
}

/** A deployment is its earliest successful attempt; its time is when that attempt finished. */
const successfulDeployments = `
    SELECT deployment_id, min(finished_at) AS deployed_at
    FROM deployment_attempts
    WHERE status = 'success' AND environment = {environment} AND ${SERVICE_FILTER}
    GROUP BY deployment_id`;

const failedAttempts = `
    SELECT attempt_id, min(finished_at) AS failed_at
    FROM deployment_attempts
    WHERE status = 'failure' AND environment = {environment} AND ${SERVICE_FILTER}
    GROUP BY attempt_id`;

const deployments = `
SELECT b AS bucket, sum(is_deployment) AS deployments, sum(is_failure) AS failed_attempts
FROM (
  SELECT BUCKET(deployed_at) AS b, 1 AS is_deployment, 0 AS is_failure
  FROM (${successfulDeployments}) AS d
  WHERE deployed_at >= {from} AND deployed_at < {to}
  UNION ALL
  SELECT BUCKET(failed_at) AS b, 0 AS is_deployment, 1 AS is_failure
  FROM (${failedAttempts}) AS f
  WHERE failed_at >= {from} AND failed_at < {to}
) AS u
GROUP BY b
ORDER BY b`;

/** Each change is delivered by the earliest successful deployment that contains it. */
const deliveredChanges = `
    SELECT service, sha, min(deployed_at) AS delivered_at, greatest(0, min(deployed_at) - min(committed_at)) AS lead_ms
    FROM deliveries
    WHERE environment = {environment} AND ${SERVICE_FILTER}
    GROUP BY service, sha`;

const leadTime = {
  duckdb: `
SELECT BUCKET(delivered_at) AS bucket, count(*) AS changes,
  quantile_cont(lead_ms, 0.5) AS p50_ms, quantile_cont(lead_ms, 0.9) AS p90_ms
FROM (${deliveredChanges}) AS c
WHERE delivered_at >= {from} AND delivered_at < {to}
GROUP BY bucket
ORDER BY bucket`,
  clickhouse: `
SELECT BUCKET(delivered_at) AS bucket, count() AS changes,
  ${clickhousePercentile('arraySort(groupArray(lead_ms))', 0.5)} AS p50_ms,
  ${clickhousePercentile('arraySort(groupArray(lead_ms))', 0.9)} AS p90_ms
FROM (${deliveredChanges}) AS c
WHERE delivered_at >= {from} AND delivered_at < {to}
GROUP BY bucket
ORDER BY bucket`,
};

/** Deployments blamed by at least one active incident (each incident's best attribution). */
const failedDeploymentIds = (argMax: string) => `
      SELECT a.best_deployment FROM (
        SELECT incident_id, ${argMax}(deployment_id, priority) AS best_deployment
        FROM attributions GROUP BY incident_id
      ) AS a
      WHERE a.incident_id IN (
        SELECT incident_id FROM (
          SELECT incident_id, ${argMax}(active, version) AS is_active FROM incidents GROUP BY incident_id
        ) AS i
        WHERE i.is_active = 1
      )`;

const changeFailure = (argMax: string) => `
SELECT BUCKET(deployed_at) AS bucket, count(*) AS deployments,
  sum(CASE WHEN deployment_id IN (${failedDeploymentIds(argMax)}) THEN 1 ELSE 0 END) AS failed
FROM (${successfulDeployments}) AS d
WHERE deployed_at >= {from} AND deployed_at < {to}
GROUP BY bucket
ORDER BY bucket`;

const currentIncidents = (argMax: string) => `
    SELECT incident_id,
      ${argMax}(opened_at, version) AS opened,
      ${argMax}(resolved_at, version) AS resolved,
      ${argMax}(active, version) AS is_active
    FROM incidents
    WHERE ${SERVICE_FILTER}
    GROUP BY incident_id`;

const recovery = {
  duckdb: `
SELECT BUCKET(opened) AS bucket, count(*) AS incidents,
  quantile_cont(greatest(0, resolved - opened), 0.5) AS p50_ms
FROM (${currentIncidents('arg_max')}) AS i
WHERE is_active = 1 AND resolved > 0 AND opened >= {from} AND opened < {to}
GROUP BY bucket
ORDER BY bucket`,
  clickhouse: `
SELECT BUCKET(opened) AS bucket, count() AS incidents,
  ${clickhousePercentile('arraySort(groupArray(greatest(0, resolved - opened)))', 0.5)} AS p50_ms
FROM (${currentIncidents('argMax')}) AS i
WHERE is_active = 1 AND resolved > 0 AND opened >= {from} AND opened < {to}
GROUP BY bucket
ORDER BY bucket`,
};

export const METRIC_QUERIES: Record<MetricQueryName, NamedQuery> = {
  deployments: { duckdb: deployments, clickhouse: deployments },
  leadTime,
  changeFailure: { duckdb: changeFailure('arg_max'), clickhouse: changeFailure('argMax') },
  recovery,
};

const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Turns a raw result row (bigints from DuckDB, strings from ClickHouse) into typed numbers. */
export const METRIC_ROW_MAPPERS: { [N in MetricQueryName]: (row: Record<string, unknown>) => MetricRows[N] } = {
  deployments: (r) => ({ bucket: num(r.bucket), deployments: num(r.deployments), failedAttempts: num(r.failed_attempts) }),
  leadTime: (r) => ({ bucket: num(r.bucket), changes: num(r.changes), p50Ms: numOrNull(r.p50_ms), p90Ms: numOrNull(r.p90_ms) }),
  changeFailure: (r) => ({ bucket: num(r.bucket), deployments: num(r.deployments), failed: num(r.failed) }),
  recovery: (r) => ({ bucket: num(r.bucket), incidents: num(r.incidents), p50Ms: numOrNull(r.p50_ms) }),
};

/**
 * Runs one named metric query in a dialect through the adapter's `select` (which binds the
 * `{name}` placeholders its own safe way) and maps the rows. `bindInt` gives integers the type
 * the adapter binds them as (DuckDB: BIGINT).
 */
export async function runMetricQuery<N extends MetricQueryName>(
  dialect: Dialect,
  name: N,
  params: MetricQueryParams,
  select: (sql: string, values: Record<string, string | number | bigint>) => Promise<Record<string, unknown>[]>,
  bindInt: (n: number) => number | bigint = (n) => n,
): Promise<MetricRows[N][]> {
  const sql = expandMacros(METRIC_QUERIES[name][dialect], dialect, params.bucket);
  const rows = await select(sql, {
    from: bindInt(params.from),
    to: bindInt(params.to),
    environment: params.environment,
    service: params.service,
    team: params.team,
    goldenPath: params.goldenPath,
  });
  const map = METRIC_ROW_MAPPERS[name];
  return rows.map((r) => map(r));
}
