/** Maps kafkajs failures onto the port's error codes. */
import { DoraError, isDoraError, type ErrorCode } from '../../ports/errors.js';

/** kafkajs wraps errors (retries exceeded, non-retriable) around a cause: walk to the protocol error. */
export function kafkaErrorType(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 10 && current instanceof Error; depth++) {
    const type = (current as { type?: unknown }).type;
    if (typeof type === 'string') return type;
    current = current.cause;
  }
  return undefined;
}

/**
 * Errors that mean the idempotent producer's id/epoch/sequence state no longer matches the
 * broker's (e.g. after a broker restart lost producer state, or the producer id expired). The
 * broker rejected the batch without writing it, so resending it with a new producer is safe.
 */
const PRODUCER_STATE_ERRORS = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_EPOCH',
  'INVALID_PRODUCER_ID_MAPPING',
  'PRODUCER_FENCED',
]);

export function isProducerStateError(err: unknown): boolean {
  const type = kafkaErrorType(err);
  return type !== undefined && PRODUCER_STATE_ERRORS.has(type);
}

/**
 * The broker refused these records for what they are (too large, malformed) and wrote nothing: the
 * log itself is fine, so neither the producer nor readiness should suffer for it.
 */
const RECORD_REJECTED_ERRORS = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'CORRUPT_MESSAGE']);

export function isRecordRejected(err: unknown): boolean {
  const type = kafkaErrorType(err);
  return type !== undefined && RECORD_REJECTED_ERRORS.has(type);
}

/** Requests the broker refuses as invalid: retrying cannot help, the configuration must change. */
const CONFIG_ERRORS = new Set(['INVALID_REPLICATION_FACTOR', 'INVALID_PARTITIONS', 'INVALID_TOPIC_EXCEPTION', 'POLICY_VIOLATION', 'INVALID_CONFIG']);

/** Wraps any failure as a DoraError; a DoraError passes through unchanged. */
export function toDoraError(err: unknown, what: string, code: ErrorCode = 'EVENT_LOG_UNAVAILABLE'): DoraError {
  if (isDoraError(err)) return err;
  const type = kafkaErrorType(err);
  const finalCode = type !== undefined && CONFIG_ERRORS.has(type) ? 'CONFIG_INVALID' : code;
  const reason = err instanceof Error ? err.message : String(err);
  return new DoraError(finalCode, `Kafka: ${what}: ${type ? `${type}: ` : ''}${reason}`, { cause: err });
}
