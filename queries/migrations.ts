/**
 * Versioned schema migrations, each dialect side by side. Applied in order; each adapter records
 * applied versions in its own `schema_migrations` table. Never edit a released migration: add one.
 *
 * Key columns identify a fact; writing the same fact again is harmless in both stores (DuckDB:
 * primary key + INSERT OR IGNORE; ClickHouse: ReplacingMergeTree on the same ORDER BY, and every
 * query reads through GROUP BY on the key, so it is exact before merges happen). Derived
 * candidates keep their time or priority in the key: a deployment whose earliest success arrives
 * late is written again with an earlier time, and both stores keep both so queries take the minimum.
 */
export interface Migration {
  version: number;
  name: string;
  duckdb: string[];
  clickhouse: string[];
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'core facts',
    duckdb: [
      `CREATE TABLE changes (
        repo VARCHAR NOT NULL, sha VARCHAR NOT NULL, parent_sha VARCHAR NOT NULL, committed_at BIGINT NOT NULL,
        PRIMARY KEY (repo, sha))`,
      `CREATE TABLE deployment_attempts (
        attempt_id VARCHAR NOT NULL PRIMARY KEY, deployment_id VARCHAR NOT NULL, service VARCHAR NOT NULL,
        repo VARCHAR NOT NULL, environment VARCHAR NOT NULL, sha VARCHAR NOT NULL, status VARCHAR NOT NULL,
        finished_at BIGINT NOT NULL, source VARCHAR NOT NULL)`,
      `CREATE TABLE incidents (
        incident_id VARCHAR NOT NULL, version BIGINT NOT NULL, service VARCHAR NOT NULL, repo VARCHAR NOT NULL,
        opened_at BIGINT NOT NULL, resolved_at BIGINT NOT NULL, active BIGINT NOT NULL,
        deployment_id VARCHAR NOT NULL, revision VARCHAR NOT NULL, source VARCHAR NOT NULL,
        PRIMARY KEY (incident_id, version))`,
      `CREATE TABLE deliveries (
        service VARCHAR NOT NULL, environment VARCHAR NOT NULL, sha VARCHAR NOT NULL, deployment_id VARCHAR NOT NULL,
        repo VARCHAR NOT NULL, deployed_at BIGINT NOT NULL, committed_at BIGINT NOT NULL,
        PRIMARY KEY (service, environment, sha, deployment_id, deployed_at))`,
      `CREATE TABLE attributions (
        incident_id VARCHAR NOT NULL, deployment_id VARCHAR NOT NULL, repo VARCHAR NOT NULL, priority BIGINT NOT NULL,
        PRIMARY KEY (incident_id, deployment_id, priority))`,
      `CREATE TABLE services (
        service VARCHAR NOT NULL PRIMARY KEY, team VARCHAR NOT NULL, golden_path VARCHAR NOT NULL)`,
    ],
    clickhouse: [
      `CREATE TABLE IF NOT EXISTS changes (
        repo String, sha String, parent_sha String, committed_at Int64
      ) ENGINE = ReplacingMergeTree ORDER BY (repo, sha)`,
      `CREATE TABLE IF NOT EXISTS deployment_attempts (
        attempt_id String, deployment_id String, service String, repo String, environment String, sha String,
        status String, finished_at Int64, source String
      ) ENGINE = ReplacingMergeTree ORDER BY (repo, attempt_id)`,
      `CREATE TABLE IF NOT EXISTS incidents (
        incident_id String, version Int64, service String, repo String, opened_at Int64, resolved_at Int64,
        active UInt8, deployment_id String, revision String, source String
      ) ENGINE = ReplacingMergeTree ORDER BY (repo, incident_id, version)`,
      `CREATE TABLE IF NOT EXISTS deliveries (
        service String, environment String, sha String, deployment_id String, repo String,
        deployed_at Int64, committed_at Int64
      ) ENGINE = ReplacingMergeTree ORDER BY (repo, service, environment, sha, deployment_id, deployed_at)`,
      `CREATE TABLE IF NOT EXISTS attributions (
        incident_id String, deployment_id String, repo String, priority Int64
      ) ENGINE = ReplacingMergeTree ORDER BY (repo, incident_id, deployment_id, priority)`,
      `CREATE TABLE IF NOT EXISTS services (
        service String, team String, golden_path String
      ) ENGINE = ReplacingMergeTree ORDER BY service`,
    ],
  },
];
