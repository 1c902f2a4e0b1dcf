/**
 * Store adapter for the distributed shape: ClickHouse over HTTP (@clickhouse/client).
 *
 * Facts go to ReplacingMergeTree tables, one JSONEachRow insert per table per batch; duplicates
 * are tolerated because every named query reads through GROUP BY on the fact's key, so answers
 * are exact before (and after) ClickHouse merges them away. Values reach SQL only through
 * escape.ts: ClickHouse 18.16, which the tests run against, has no server-side parameters.
 */
import { randomBytes } from 'node:crypto';
import { createClient, ClickHouseError, ClickHouseLogLevel, type ClickHouseClient } from '@clickhouse/client';
import type { Store } from '../../ports/store.js';
import { DoraError, isDoraError } from '../../ports/errors.js';
import type { Logger } from '../../app/logger.js';
import type { FactBatch, RepoFacts, ServiceFact } from '../../schemas/facts.js';
import { FACT_TABLES, type FactTable } from '../../schemas/fact-tables.js';
import {
  runMetricQuery,
  type MetricQueryName,
  type MetricQueryParams,
  type MetricRows,
} from '../../queries/metric-queries.js';
import { loadRepoFacts } from '../../queries/repo-state.js';
import { MIGRATIONS } from '../../queries/migrations.js';
import { renderQuery, type SqlValue } from './escape.js';

export interface ClickHouseStoreOptions {
  url: string;
  username: string;
  password: string;
  /** Created on migrate() when missing. A plain identifier. */
  database: string;
  logger?: Pick<Logger, 'info' | 'warn'>;
  /** Per-request timeout; a timed-out request is STORE_UNAVAILABLE. Default 60 s. */
  requestTimeoutMs?: number;
}

type Row = Record<string, unknown>;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const STAGE_PREFIX = 'services_next_';
const RETIRED_PREFIX = 'services_old_';
/** A staging table older than this belongs to a replace that died half-way. */
const ABANDONED_AFTER_MS = 60 * 60 * 1000;

/**
 * Server error codes worth a retry (the server is overloaded or briefly unable to write), as
 * opposed to a statement that will fail the same way every time.
 */
const TRANSIENT_SERVER_CODES = new Set([
  159, // TIMEOUT_EXCEEDED
  202, // TOO_MANY_SIMULTANEOUS_QUERIES
  209, // SOCKET_TIMEOUT
  210, // NETWORK_ERROR
  241, // MEMORY_LIMIT_EXCEEDED
  242, // TABLE_IS_READ_ONLY
  252, // TOO_MANY_PARTS
  319, // UNKNOWN_STATUS_OF_INSERT
]);

export class ClickHouseStore implements Store {
  private readonly client: ClickHouseClient;
  private readonly database: string;
  private closed = false;

  constructor(private readonly options: ClickHouseStoreOptions) {
    if (!IDENTIFIER.test(options.database)) {
      throw new DoraError('CONFIG_INVALID', `ClickHouse database name must be a plain identifier: ${JSON.stringify(options.database)}`);
    }
    this.database = options.database;
    this.client = createClient({
      url: options.url,
      username: options.username,
      password: options.password,
      database: options.database,
      application: 'dora',
      request_timeout: options.requestTimeoutMs ?? 60_000,
      // Every failure reaches the caller as a DoraError and is logged there, through pino.
      log: { level: ClickHouseLogLevel.OFF },
    });
  }

  async migrate(): Promise<string[]> {
    await this.createDatabase();
    await this.command(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version UInt32, name String, applied_at Int64) ENGINE = ReplacingMergeTree ORDER BY version',
      'MIGRATION_FAILED',
    );
    const applied = new Set((await this.select('SELECT DISTINCT version FROM schema_migrations', {})).map((r) => Number(r.version)));
    const names: string[] = [];
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) continue;
      // No DDL transactions in ClickHouse: every statement is IF NOT EXISTS, so a migration that
      // died half-way, or runs in two processes at once, is simply applied again. Two processes may
      // both record the version; ReplacingMergeTree and DISTINCT make that one row.
      for (const statement of m.clickhouse) await this.command(statement, 'MIGRATION_FAILED');
      await this.insertRows(
        'schema_migrations',
        ['version', 'name', 'applied_at'],
        [{ version: m.version, name: m.name, applied_at: Date.now() }],
        'MIGRATION_FAILED',
      );
      names.push(`${m.version} ${m.name}`);
      this.options.logger?.info({ database: this.database, version: m.version }, `applied ClickHouse migration ${m.name}`);
    }
    return names;
  }

  /** The client is bound to the database, which may not exist yet: create it over a bare client. */
  private async createDatabase(): Promise<void> {
    const { url, username, password } = this.options;
    const bootstrap = createClient({ url, username, password, application: 'dora', log: { level: ClickHouseLogLevel.OFF } });
    try {
      await bootstrap.command({ query: `CREATE DATABASE IF NOT EXISTS \`${this.database}\`` });
    } catch (cause) {
      throw toDoraError(cause, 'MIGRATION_FAILED', `cannot create ClickHouse database ${this.database}`);
    } finally {
      await bootstrap.close().catch(() => undefined);
    }
  }

  async writeFacts(batch: FactBatch): Promise<void> {
    const tables = FACT_TABLES.filter((t) => t.rows(batch).length > 0);
    // One insert per table: each becomes one part, so small batches don't pile up parts.
    await Promise.all(tables.map((t) => this.insertRows(t.name, t.columnNames, jsonRows(t, batch), 'STORE_QUERY_FAILED')));
  }

  /**
   * Builds the new catalog in a staging table and swaps it in with one RENAME, so readers never
   * see an empty or half-written catalog and concurrent replaces end with one whole catalog (the
   * last rename wins). TRUNCATE + INSERT would expose an empty table between the two statements.
   */
  async replaceServices(rows: ServiceFact[]): Promise<void> {
    await this.dropAbandonedStages();
    const suffix = `${Date.now()}_${randomBytes(6).toString('hex')}`;
    const stage = `${STAGE_PREFIX}${suffix}`;
    const retired = `${RETIRED_PREFIX}${suffix}`;
    // Last row per service wins, as in DuckDB's INSERT OR REPLACE.
    const byService = new Map(rows.map((r) => [r.service, { service: r.service, team: r.team, golden_path: r.goldenPath }]));
    try {
      await this.command(`CREATE TABLE ${stage} AS services`, 'STORE_QUERY_FAILED');
      if (byService.size > 0) {
        await this.insertRows(stage, ['service', 'team', 'golden_path'], [...byService.values()], 'STORE_QUERY_FAILED');
      }
      await this.command(`RENAME TABLE services TO ${retired}, ${stage} TO services`, 'STORE_QUERY_FAILED');
    } catch (err) {
      await this.client.command({ query: `DROP TABLE IF EXISTS ${stage}` }).catch(() => undefined);
      throw err;
    }
    await this.dropTable(retired);
  }

  /** A replace that died between CREATE and DROP leaves a table behind: remove it later. */
  private async dropAbandonedStages(): Promise<void> {
    const leftovers = await this.select(
      `SELECT name FROM system.tables WHERE database = {database} AND (startsWith(name, {stage}) OR startsWith(name, {retired}))`,
      { database: this.database, stage: STAGE_PREFIX, retired: RETIRED_PREFIX },
    );
    const cutoff = Date.now() - ABANDONED_AFTER_MS;
    for (const { name } of leftovers) {
      const table = String(name);
      if (!IDENTIFIER.test(table)) continue;
      // A retired table is never read again; a young stage may belong to a replace in flight.
      const createdAt = Number(table.slice(STAGE_PREFIX.length).split('_')[0]);
      if (table.startsWith(RETIRED_PREFIX) || createdAt < cutoff) await this.dropTable(table);
    }
  }

  private async dropTable(table: string): Promise<void> {
    try {
      await this.client.command({ query: `DROP TABLE IF EXISTS ${table}` });
    } catch (err) {
      // The new catalog is already live; a leftover is harmless and removed on the next replace.
      this.options.logger?.warn({ err, table }, 'could not drop a retired services table');
    }
  }

  async loadRepoFacts(repo: string): Promise<RepoFacts> {
    return loadRepoFacts('clickhouse', repo, (sql, params) => this.select(sql, params));
  }

  async metric<N extends MetricQueryName>(name: N, params: MetricQueryParams): Promise<MetricRows[N][]> {
    return runMetricQuery('clickhouse', name, params, (sql, values) => this.select(sql, values));
  }

  async isReady(): Promise<boolean> {
    if (this.closed) return false;
    // A SELECT rather than /ping: it also proves the credentials work.
    const result = await this.client.ping({ select: true }).catch(() => ({ success: false }));
    return result.success;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.close();
  }

  /** Runs a named query with its `{name}` placeholders rendered as escaped literals. */
  private async select(sql: string, params: Record<string, SqlValue>): Promise<Row[]> {
    const query = renderQuery(sql, params);
    try {
      // wait_end_of_query: an error half-way through arrives as an error, not as truncated rows.
      const result = await this.client.query({ query, format: 'JSONEachRow', clickhouse_settings: { wait_end_of_query: 1 } });
      return await result.json<Row>();
    } catch (cause) {
      throw toDoraError(cause, 'STORE_QUERY_FAILED', 'ClickHouse query failed');
    }
  }

  private async command(query: string, failure: 'STORE_QUERY_FAILED' | 'MIGRATION_FAILED'): Promise<void> {
    try {
      await this.client.command({ query });
    } catch (cause) {
      throw toDoraError(cause, failure, 'ClickHouse statement failed');
    }
  }

  private async insertRows(
    table: string,
    columns: string[],
    values: Row[],
    failure: 'STORE_QUERY_FAILED' | 'MIGRATION_FAILED',
  ): Promise<void> {
    const [first, ...rest] = columns;
    if (first === undefined) throw new DoraError('STORE_QUERY_FAILED', `no columns for ${table}`);
    try {
      await this.client.insert({ table, values, format: 'JSONEachRow', columns: [first, ...rest] });
    } catch (cause) {
      throw toDoraError(cause, failure, `ClickHouse insert into ${table} failed`);
    }
  }
}

/** A fact table's rows as JSONEachRow objects (booleans as 0/1 for UInt8 columns). */
function jsonRows(table: FactTable, batch: FactBatch): Row[] {
  const names = table.columnNames;
  return table.rows(batch).map((fact) => {
    const cells = table.columns(fact);
    const row: Row = {};
    for (let i = 0; i < names.length; i++) {
      const cell = cells[i];
      row[names[i] as string] = typeof cell === 'boolean' ? Number(cell) : cell;
    }
    return row;
  });
}

const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/** The server's numeric error code: ClickHouseError on current servers, message text on 18.16. */
function serverErrorCode(err: unknown): number | undefined {
  if (err instanceof ClickHouseError) return Number(err.code);
  const match = err instanceof Error ? /^Code: (\d+)[,.]/.exec(err.message) : null;
  return match ? Number(match[1]) : undefined;
}

/**
 * Connection trouble becomes STORE_UNAVAILABLE (transform pauses and retries); a statement the
 * server rejected becomes `failure`, since retrying it would fail the same way.
 */
function toDoraError(cause: unknown, failure: 'STORE_QUERY_FAILED' | 'MIGRATION_FAILED', what: string): DoraError {
  if (isDoraError(cause)) return cause;
  const message = cause instanceof Error ? cause.message : String(cause);
  const code = serverErrorCode(cause);
  if (code !== undefined) {
    const transient = TRANSIENT_SERVER_CODES.has(code);
    return new DoraError(transient ? 'STORE_UNAVAILABLE' : failure, `${what}: ${message}`, { cause });
  }
  const sysCode = (cause as { code?: unknown } | null)?.code;
  const network = typeof sysCode === 'string' && NETWORK_ERROR_CODES.has(sysCode);
  // Anything else without a server code (timeouts, a proxy's error page, a cut response) is the
  // path to the server failing, not the statement: retryable.
  return new DoraError('STORE_UNAVAILABLE', `${what} (${network ? sysCode : 'no server answer'}): ${message}`, { cause });
}
