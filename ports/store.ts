/**
 * Store port: the analytics store behind the metrics. Adapters: DuckDB (embedded), ClickHouse
 * (distributed). Both pass test/contract/store.contract.ts.
 */
import type { FactBatch, RepoFacts, ServiceFact } from '../schemas/facts.js';
import type { MetricQueryName, MetricQueryParams, MetricRows } from '../queries/metric-queries.js';

export interface Store {
  /** Applies pending versioned migrations; returns the names applied now. Idempotent. */
  migrate(): Promise<string[]>;
  /** Writes facts idempotently. Resolves once they are durable and visible to queries. */
  writeFacts(batch: FactBatch): Promise<void>;
  /** Replaces the catalog dimension (service → team, golden path). */
  replaceServices(rows: ServiceFact[]): Promise<void>;
  /** The facts the linker rebuilds one repository's state from. */
  loadRepoFacts(repo: string): Promise<RepoFacts>;
  /** Runs one named metric query. */
  metric<N extends MetricQueryName>(name: N, params: MetricQueryParams): Promise<MetricRows[N][]>;
  /** True when the store answers now (readiness). */
  isReady(): Promise<boolean>;
  close(): Promise<void>;
}
