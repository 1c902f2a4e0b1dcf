/** Time bounds for calls into kafkajs, whose own retries and timeouts can add up to minutes. */
import { DoraError } from '../../ports/errors.js';

/**
 * Settles like `promise`, or rejects with EVENT_LOG_UNAVAILABLE once `ms` have passed. The losing
 * promise keeps running (kafkajs calls cannot be cancelled); Promise.race keeps its rejection handled.
 */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  if (ms <= 0) return Promise.reject(new DoraError('EVENT_LOG_UNAVAILABLE', `Kafka: no time left for ${what}`));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DoraError('EVENT_LOG_UNAVAILABLE', `Kafka: ${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Milliseconds left until `deadline` (epoch ms), never negative. */
export function remaining(deadline: number): number {
  return Math.max(0, deadline - Date.now());
}

/** Waits `ms`; resolves false early when `signal` aborts (stop() must not wait out a backoff). */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
