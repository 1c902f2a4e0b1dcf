/**
 * The SQL dialects the named queries are written in, and the few macros both share.
 *
 * Named queries are text with `{param}` placeholders. Adapters never splice values themselves:
 * DuckDB binds them as prepared-statement parameters, ClickHouse (18.16 has no server-side
 * parameters) renders them through the one tested escaping helper in adapters/clickhouse/escape.ts.
 *
 * Times are epoch milliseconds (Int64) in both stores, so bucketing is integer arithmetic that
 * gives identical UTC day and Monday-week boundaries in both dialects, whatever the server's zone.
 */
export type Dialect = 'duckdb' | 'clickhouse';
export type Bucket = 'none' | 'day' | 'week';

const DAY_MS = 86_400_000;

/** SQL expression for the start (epoch ms, UTC) of the bucket holding `column`. */
export function bucketExpression(dialect: Dialect, bucket: Bucket, column: string): string {
  const days = dialect === 'duckdb' ? `(${column} // ${DAY_MS})` : `intDiv(${column}, ${DAY_MS})`;
  switch (bucket) {
    case 'none':
      // Not a bare 0: DuckDB would read `GROUP BY 0` as a column position.
      return `(${column} * 0)`;
    case 'day':
      return `(${days} * ${DAY_MS})`;
    case 'week':
      // 1970-01-01 was a Thursday: (days + 3) % 7 is the distance back to Monday.
      return `((${days} - (${days} + 3) % 7) * ${DAY_MS})`;
  }
}

/**
 * Expands `BUCKET(column)` macros. Placeholders `{name}` are left for the adapter to bind.
 */
export function expandMacros(sql: string, dialect: Dialect, bucket: Bucket): string {
  return sql.replace(/BUCKET\(([a-z_.]+)\)/g, (_m, column: string) => bucketExpression(dialect, bucket, column));
}

/** The filter on a `service` column shared by every metric query (same text in both dialects). */
export const SERVICE_FILTER = `({service} = '' OR service = {service})
  AND ({team} = '' OR service IN (SELECT service FROM services WHERE team = {team}))
  AND ({goldenPath} = '' OR service IN (SELECT service FROM services WHERE golden_path = {goldenPath}))`;

/**
 * ClickHouse 18.16 has no interpolating quantile, so percentiles come from a sorted array with the
 * same linear interpolation as DuckDB's quantile_cont (position (n-1)·q between closest ranks).
 */
export function clickhousePercentile(sortedArray: string, q: number): string {
  const pos = `((length(${sortedArray}) - 1) * ${q})`;
  const lo = `${sortedArray}[toUInt64(floor(${pos})) + 1]`;
  const hi = `${sortedArray}[toUInt64(ceil(${pos})) + 1]`;
  return `(${lo} + (${hi} - ${lo}) * (${pos} - floor(${pos})))`;
}
