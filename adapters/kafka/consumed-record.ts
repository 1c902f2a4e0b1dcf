/** kafkajs message → the port's ConsumedRecord. */
import type { IHeaders, KafkaMessage } from 'kafkajs';
import type { ConsumedRecord } from '../../ports/event-log.js';

export function toConsumedRecord(topic: string, partition: number, message: KafkaMessage): ConsumedRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    timestamp: Number(message.timestamp),
    key: message.key?.toString('utf8') ?? '',
    // A null value (tombstone) is never written by this adapter; an empty buffer keeps the type honest.
    value: message.value ?? Buffer.alloc(0),
    headers: headerStrings(message.headers),
  };
}

/** Kafka allows repeated header keys; like Java's lastHeader(), the last value wins. */
function headerStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value !== undefined) out[name] = value.toString();
  }
  return out;
}

/** The offset to commit after `offset` was processed: Kafka commits the next offset to read. */
export function nextOffset(offset: string): string {
  return (BigInt(offset) + 1n).toString();
}
