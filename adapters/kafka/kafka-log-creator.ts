/** Routes kafkajs' own log lines into the application's pino logger. */
import { logLevel, type LogEntry, type logCreator } from 'kafkajs';
import type { Logger } from 'pino';

export type KafkaLogLevel = 'nothing' | 'error' | 'warn' | 'info' | 'debug';

export const KAFKA_LOG_LEVELS: Record<KafkaLogLevel, logLevel> = {
  nothing: logLevel.NOTHING,
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
};

const PINO_LEVEL: Partial<Record<logLevel, 'error' | 'warn' | 'info' | 'debug'>> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * kafkajs lines demoted to debug so they do not cry wolf:
 * - the idempotent-producer retry warning, at every producer (re)creation: we bound retries on
 *   purpose and replace the producer after any failure, so the sequence reuse it warns about
 *   cannot happen (safe-producer.ts);
 * - the heartbeat answer "rebalancing" logged as an *error* by the connection layer: it is how
 *   every member learns of a routine rebalance (the runner logs that at warn anyway).
 */
function isMoot(message: string, extra: Record<string, unknown>): boolean {
  if (message === 'Limiting retries for the idempotent producer may invalidate EoS guarantees') return true;
  return message.startsWith('Response Heartbeat') && typeof extra.error === 'string' && extra.error.includes('rebalancing');
}

export function pinoLogCreator(logger: Logger): logCreator {
  const log = logger.child({ lib: 'kafkajs' });
  return () =>
    ({ namespace, level, log: entry }: LogEntry) => {
      const { message, timestamp: _timestamp, logger: _name, ...extra } = entry;
      const pinoLevel = isMoot(String(message), extra) ? 'debug' : PINO_LEVEL[level];
      if (pinoLevel === undefined) return;
      log[pinoLevel]({ namespace, ...extra }, String(message));
    };
}
