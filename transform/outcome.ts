/**
 * Expected outcomes of processing one record are values, not exceptions: the processor decides
 * what to do with each (emit, drop with a reason, dead-letter with the original bytes).
 * Exceptions are for infrastructure failures only; they make the whole batch retry.
 */
import type { CanonicalEvent } from '../schemas/canonical.js';

export type NormalizeOutcome =
  | { kind: 'ok'; events: CanonicalEvent[] }
  | { kind: 'drop'; reason: string }
  | { kind: 'dead-letter'; reason: string };

export const ok = (events: CanonicalEvent[]): NormalizeOutcome =>
  events.length > 0 ? { kind: 'ok', events } : { kind: 'drop', reason: 'nothing to record' };
export const drop = (reason: string): NormalizeOutcome => ({ kind: 'drop', reason });
export const deadLetter = (reason: string): NormalizeOutcome => ({ kind: 'dead-letter', reason });
