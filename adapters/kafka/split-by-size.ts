/**
 * Splits an append into consecutive pieces small enough for one produce request.
 *
 * Why: the broker refuses a record batch (all records of one request for one partition) over
 * message.max.bytes, 1 MiB by default, with MESSAGE_TOO_LARGE, forever. Transform appending a whole
 * consumed batch under one key would hit that. Pieces are sent one after another, so per-key order
 * holds; a single record over the limit still goes alone and the broker decides.
 */
import type { Message } from 'kafkajs';

/** Per-record framing in a v2 record batch (length, attributes, deltas, header counts), rounded up. */
const RECORD_OVERHEAD = 32;

export function recordSize(message: Message): number {
  let size = RECORD_OVERHEAD + byteLength(message.key) + byteLength(message.value);
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    size += Buffer.byteLength(name) + (Array.isArray(value) ? value.reduce((n, v) => n + byteLength(v), 0) : byteLength(value));
  }
  return size;
}

export function splitBySize(messages: Message[], maxBytes: number): Message[][] {
  const pieces: Message[][] = [];
  let current: Message[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = recordSize(message);
    if (current.length > 0 && bytes + size > maxBytes) {
      pieces.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) pieces.push(current);
  return pieces;
}

function byteLength(value: Buffer | string | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}
