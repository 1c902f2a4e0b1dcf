/**
 * How each fact maps onto its table: column order (as created by queries/migrations.ts) and key.
 * Shared by both store adapters so a column can't be added to one and forgotten in the other.
 */
import type { FactBatch } from './facts.js';

export type Cell = string | number | boolean;

export interface FactTable {
  name: string;
  /** Column names in table order. */
  columnNames: string[];
  /** Key columns: a fact with the same key is the same fact. */
  key: string[];
  rows(batch: FactBatch): object[];
  columns(row: object): Cell[];
}

function table<T extends object>(
  name: string,
  columnNames: string[],
  key: string[],
  pick: (b: FactBatch) => T[],
  columns: (row: T) => Cell[],
): FactTable {
  return { name, columnNames, key, rows: pick, columns: columns as (row: object) => Cell[] };
}

export const FACT_TABLES: FactTable[] = [
  table(
    'changes',
    ['repo', 'sha', 'parent_sha', 'committed_at'],
    ['repo', 'sha'],
    (b) => b.changes,
    (r) => [r.repo, r.sha, r.parentSha ?? '', r.committedAt],
  ),
  table(
    'deployment_attempts',
    ['attempt_id', 'deployment_id', 'service', 'repo', 'environment', 'sha', 'status', 'finished_at', 'source'],
    ['attempt_id'],
    (b) => b.deploymentAttempts,
    (r) => [r.attemptId, r.deploymentId, r.service, r.repo, r.environment, r.sha, r.status, r.finishedAt, r.source],
  ),
  table(
    'incidents',
    ['incident_id', 'version', 'service', 'repo', 'opened_at', 'resolved_at', 'active', 'deployment_id', 'revision', 'source'],
    ['incident_id', 'version'],
    (b) => b.incidents,
    (r) => [r.incidentId, r.version, r.service, r.repo, r.openedAt, r.resolvedAt, r.active, r.deploymentId, r.revision, r.source],
  ),
  table(
    'deliveries',
    ['service', 'environment', 'sha', 'deployment_id', 'repo', 'deployed_at', 'committed_at'],
    ['service', 'environment', 'sha', 'deployment_id', 'deployed_at'],
    (b) => b.deliveries,
    (r) => [r.service, r.environment, r.sha, r.deploymentId, r.repo, r.deployedAt, r.committedAt],
  ),
  table(
    'attributions',
    ['incident_id', 'deployment_id', 'repo', 'priority'],
    ['incident_id', 'deployment_id', 'priority'],
    (b) => b.attributions,
    (r) => [r.incidentId, r.deploymentId, r.repo, r.priority],
  ),
];
