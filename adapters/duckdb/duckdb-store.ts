/**
 * Store adapter for the embedded shape: DuckDB in a file under DORA_DATA_DIR.
 *
 * Writes go through one connection, serialised, each batch in one transaction: rows are appended
 * to temporary staging tables, then moved with INSERT OR IGNORE so a fact written twice is kept
 * once. Queries use a second connection with bound parameters (no value is spliced into SQL).
 */
import { DuckDBInstance, type DuckDBConnection, type DuckDBAppender } from '@duckdb/node-api';
import type { Store } from '../../ports/store.js';
import { DoraError } from '../../ports/errors.js';
import type { FactBatch, RepoFacts, ServiceFact } from '../../schemas/facts.js';
import {
  runMetricQuery,
  type MetricQueryName,
  type MetricQueryParams,
  type MetricRows,
} from '../../queries/metric-queries.js';
import { loadRepoFacts } from '../../queries/repo-state.js';
import { MIGRATIONS } from '../../queries/migrations.js';
import { SerialQueue } from './serial-queue.js';
import { FACT_TABLES, type FactTable } from '../../schemas/fact-tables.js';

type Params = Record<string, string | number | bigint>;

export class DuckDbStore implements Store {
  private readonly writes = new SerialQueue();
  private closed = false;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly writer: DuckDBConnection,
    private readonly reader: DuckDBConnection,
  ) {}

  /** Opens (creating if needed) the database file; ':memory:' for tests of pure logic. */
  static async open(path: string): Promise<DuckDbStore> {
    try {
      const instance = await DuckDBInstance.create(path);
      return new DuckDbStore(instance, await instance.connect(), await instance.connect());
    } catch (cause) {
      throw new DoraError('STORE_UNAVAILABLE', `cannot open DuckDB database at ${path}`, { cause });
    }
  }

  async migrate(): Promise<string[]> {
    return this.writes.run(async () => {
      await this.writer.run(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at BIGINT NOT NULL)',
      );
      const done = await this.writer.runAndReadAll('SELECT version FROM schema_migrations');
      const applied = new Set(done.getRowObjects().map((r) => Number(r.version)));
      const names: string[] = [];
      for (const m of MIGRATIONS) {
        if (applied.has(m.version)) continue;
        try {
          await this.writer.run('BEGIN TRANSACTION');
          for (const statement of m.duckdb) await this.writer.run(statement);
          await this.writer.run('INSERT INTO schema_migrations VALUES ($version, $name, $at)', {
            version: m.version,
            name: m.name,
            at: BigInt(Date.now()),
          });
          await this.writer.run('COMMIT');
        } catch (cause) {
          await this.writer.run('ROLLBACK').catch(() => undefined);
          throw new DoraError('MIGRATION_FAILED', `DuckDB migration ${m.version} (${m.name}) failed`, { cause });
        }
        names.push(`${m.version} ${m.name}`);
      }
      return names;
    });
  }

  async writeFacts(batch: FactBatch): Promise<void> {
    const tables = FACT_TABLES.filter((t) => t.rows(batch).length > 0);
    if (tables.length === 0) return;
    await this.writes.run(async () => {
      try {
        await this.writer.run('BEGIN TRANSACTION');
        for (const table of tables) await this.insertOrIgnore(table, batch);
        await this.writer.run('COMMIT');
      } catch (cause) {
        await this.writer.run('ROLLBACK').catch(() => undefined);
        throw new DoraError('STORE_UNAVAILABLE', 'DuckDB write failed', { cause });
      }
    });
  }

  private async insertOrIgnore(table: FactTable, batch: FactBatch): Promise<void> {
    const stage = `stage_${table.name}`;
    await this.writer.run(`CREATE TEMP TABLE IF NOT EXISTS ${stage} AS SELECT * FROM ${table.name} LIMIT 0`);
    await this.writer.run(`DELETE FROM ${stage}`);
    const appender = await this.writer.createAppender(stage, 'main', 'temp');
    try {
      for (const row of table.rows(batch)) {
        appendRow(appender, table.columns(row));
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
    // DISTINCT ON the key: ON CONFLICT cannot resolve duplicates within one statement.
    await this.writer.run(
      `INSERT OR IGNORE INTO ${table.name} SELECT DISTINCT ON (${table.key.join(', ')}) * FROM ${stage}`,
    );
  }

  async replaceServices(rows: ServiceFact[]): Promise<void> {
    await this.writes.run(async () => {
      await this.writer.run('BEGIN TRANSACTION');
      try {
        await this.writer.run('DELETE FROM services');
        for (const r of rows) {
          await this.writer.run('INSERT OR REPLACE INTO services VALUES ($service, $team, $goldenPath)', {
            service: r.service,
            team: r.team,
            goldenPath: r.goldenPath,
          });
        }
        await this.writer.run('COMMIT');
      } catch (cause) {
        await this.writer.run('ROLLBACK').catch(() => undefined);
        throw new DoraError('STORE_UNAVAILABLE', 'DuckDB services write failed', { cause });
      }
    });
  }

  async loadRepoFacts(repo: string): Promise<RepoFacts> {
    return loadRepoFacts('duckdb', repo, (sql, params) => this.select(sql, params));
  }

  async metric<N extends MetricQueryName>(name: N, params: MetricQueryParams): Promise<MetricRows[N][]> {
    return runMetricQuery('duckdb', name, params, (sql, values) => this.select(sql, values), BigInt);
  }

  /** Runs a named query with `{name}` placeholders bound as DuckDB `$name` parameters. */
  private async select(sql: string, params: Params): Promise<Record<string, unknown>[]> {
    const text = sql.replace(/\{([A-Za-z]+)\}/g, (_m, name: string) => {
      if (!(name in params)) throw new DoraError('STORE_QUERY_FAILED', `query parameter ${name} not bound`);
      return `$${name}`;
    });
    const used = Object.fromEntries(Object.entries(params).filter(([k]) => text.includes(`$${k}`)));
    try {
      const result = await this.reader.runAndReadAll(text, used);
      return result.getRowObjects() as Record<string, unknown>[];
    } catch (cause) {
      throw new DoraError('STORE_QUERY_FAILED', `DuckDB query failed: ${(cause as Error).message}`, { cause });
    }
  }

  async isReady(): Promise<boolean> {
    if (this.closed) return false;
    try {
      await this.reader.run('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writes.drain();
    // A checkpoint folds the WAL into the database file so the next start opens fast.
    await this.writer.run('CHECKPOINT').catch(() => undefined);
    this.writer.closeSync();
    this.reader.closeSync();
    this.instance.closeSync();
  }
}

function appendRow(appender: DuckDBAppender, values: (string | number | boolean)[]): void {
  for (const v of values) {
    if (typeof v === 'string') appender.appendVarchar(v);
    else if (typeof v === 'boolean') appender.appendBigInt(v ? 1n : 0n);
    else appender.appendBigInt(BigInt(v));
  }
  appender.endRow();
}
