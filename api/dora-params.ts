/** Query parameters of the DORA read endpoints, validated with clear per-parameter 400s. */
import { z } from 'zod';

const DAY_MS = 86_400_000;
const MAX_BUCKETS = 1_100;

const isoInstant = (name: string) =>
  z
    .string()
    .refine((s) => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) && !Number.isNaN(Date.parse(s)), {
      message: `${name} must be an ISO-8601 date or timestamp, e.g. 2026-01-31T00:00:00Z`,
    })
    .transform((s) => Date.parse(s));

const label = z.string().trim().min(1).max(200);

export const doraQuerySchema = z.object({
  from: isoInstant('from').optional(),
  to: isoInstant('to').optional(),
  service: label.optional(),
  team: label.optional(),
  goldenPath: label.optional(),
  environment: label.optional(),
});

export const trendQuerySchema = doraQuerySchema.extend({
  bucket: z.enum(['week', 'day']).default('week'),
});

export interface DoraFilter {
  from: number;
  to: number;
  service: string;
  team: string;
  goldenPath: string;
  environment: string;
}

export type ParamResult<T> = { ok: true; value: T } | { ok: false; parameter: string; message: string };

/** Validates and fills defaults: the last 30 days, the production environment. */
export function parseDoraFilter(
  query: unknown,
  productionNames: readonly string[],
  now: number,
): ParamResult<DoraFilter> {
  const parsed = doraQuerySchema.safeParse(query);
  if (!parsed.success) return firstIssue(parsed.error);
  return toFilter(parsed.data, productionNames, now);
}

export function parseTrendFilter(
  query: unknown,
  productionNames: readonly string[],
  now: number,
): ParamResult<DoraFilter & { bucket: 'week' | 'day' }> {
  const parsed = trendQuerySchema.safeParse(query);
  if (!parsed.success) return firstIssue(parsed.error);
  const filter = toFilter(parsed.data, productionNames, now);
  if (!filter.ok) return filter;
  const buckets = (filter.value.to - filter.value.from) / (parsed.data.bucket === 'day' ? DAY_MS : 7 * DAY_MS);
  if (buckets > MAX_BUCKETS) {
    return { ok: false, parameter: 'bucket', message: `the window holds ${Math.ceil(buckets)} buckets; at most ${MAX_BUCKETS}` };
  }
  return { ok: true, value: { ...filter.value, bucket: parsed.data.bucket } };
}

function toFilter(
  q: z.infer<typeof doraQuerySchema>,
  productionNames: readonly string[],
  now: number,
): ParamResult<DoraFilter> {
  const to = q.to ?? now;
  const from = q.from ?? to - 30 * DAY_MS;
  if (from >= to) return { ok: false, parameter: 'from', message: 'from must be before to' };
  const env = (q.environment ?? 'production').toLowerCase();
  return {
    ok: true,
    value: {
      from,
      to,
      service: q.service ?? '',
      team: q.team ?? '',
      goldenPath: q.goldenPath ?? '',
      environment: productionNames.includes(env) ? 'production' : env,
    },
  };
}

function firstIssue(error: z.ZodError): ParamResult<never> {
  const issue = error.issues[0]!;
  const parameter = String(issue.path[0] ?? 'query');
  return { ok: false, parameter, message: `${parameter}: ${issue.message}` };
}
