/**
 * The one configuration object. Loaded once, by the composition root, from the environment
 * (names pinned in DESIGN.md §7). Nothing else in the code base reads process.env.
 */
import { z } from 'zod';
import { DoraError } from '../ports/errors.js';

const csv = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((s) =>
      s
        .split(',')
        .map((v) => v.trim().toLowerCase())
        .filter((v) => v.length > 0),
    )
    .refine((list) => list.length > 0, 'must name at least one value');

const optionalSecret = z
  .string()
  .min(16, 'must be at least 16 characters')
  .optional()
  .or(z.literal('').transform(() => undefined));

export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DORA_DATA_DIR: z.string().min(1).default('./data'),
  GITHUB_WEBHOOK_SECRET: optionalSecret,
  ARGOCD_WEBHOOK_TOKEN: optionalSecret,
  TEKTON_WEBHOOK_TOKEN: optionalSecret,
  DORA_API_TOKEN: optionalSecret,
  DORA_EVENT_LOG: z.enum(['embedded', 'kafka']).default('embedded'),
  KAFKA_BROKERS: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((b) => b.trim()).filter((b) => b.length > 0)),
  DORA_NAMESPACE: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,40}$/, 'must be lower-case letters, digits and dashes')
    .default('dora'),
  DORA_KAFKA_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(12),
  DORA_STORE: z.enum(['duckdb', 'clickhouse']).default('duckdb'),
  CLICKHOUSE_URL: z.string().url().default('http://localhost:8123'),
  CLICKHOUSE_USER: z.string().default('default'),
  CLICKHOUSE_PASSWORD: z.string().default(''),
  CLICKHOUSE_DATABASE: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain identifier')
    .default('dora'),
  DORA_CATALOG: z.string().optional(),
  DORA_PRODUCTION_ENVIRONMENTS: csv('production,prod'),
  DORA_INCIDENT_LABELS: csv('incident'),
  DORA_SURVEY_MIN_GROUP: z.coerce.number().int().min(1).default(5),
  DORA_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof configSchema>;

/** Parses the environment into a Config, failing fast with every problem named. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new DoraError('CONFIG_INVALID', `Invalid configuration:\n${lines.join('\n')}`);
  }
  const config = result.data;
  if (config.DORA_EVENT_LOG === 'kafka' && config.KAFKA_BROKERS.length === 0) {
    throw new DoraError('CONFIG_INVALID', 'Invalid configuration:\n  KAFKA_BROKERS: required when DORA_EVENT_LOG=kafka');
  }
  return config;
}
