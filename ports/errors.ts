/** Errors that cross a port carry a stable code so callers branch on it, never on messages. */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'EVENT_LOG_UNAVAILABLE'
  | 'EVENT_LOG_CORRUPT'
  | 'STORE_UNAVAILABLE'
  | 'STORE_QUERY_FAILED'
  | 'MIGRATION_FAILED'
  | 'BAD_QUERY_PARAMETER';

export class DoraError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'DoraError';
  }
}

export function isDoraError(err: unknown, code?: ErrorCode): err is DoraError {
  return err instanceof DoraError && (code === undefined || err.code === code);
}
