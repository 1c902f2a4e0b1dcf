/** The one pino logger. Secrets are redacted wherever they might appear in a logged object. */
import { pino, type Logger } from 'pino';

export type { Logger };

const REDACT = [
  'req.headers.authorization',
  'req.headers["x-hub-signature-256"]',
  'headers.authorization',
  '*.GITHUB_WEBHOOK_SECRET',
  '*.ARGOCD_WEBHOOK_TOKEN',
  '*.TEKTON_WEBHOOK_TOKEN',
  '*.DORA_API_TOKEN',
  '*.CLICKHOUSE_PASSWORD',
  'secret',
  'token',
  'password',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { app: 'dora' }, redact: { paths: REDACT, censor: '[redacted]' } }, destination);
}
