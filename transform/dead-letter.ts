/**
 * Dead-lettering: the original bytes, key and headers go to the dead-letter topic with the reason,
 * the stage and where the record came from. Nothing is dropped silently.
 */
import type { ConsumedRecord, EventLog } from '../ports/event-log.js';
import { DEAD_LETTER_HEADERS } from '../schemas/raw-delivery.js';

export class DeadLetterWriter {
  constructor(
    private readonly log: EventLog,
    private readonly topic: string,
    private readonly stage: string,
  ) {}

  async write(record: ConsumedRecord, reason: string): Promise<void> {
    await this.log.append(this.topic, [
      {
        key: record.key,
        value: record.value,
        headers: {
          ...record.headers,
          [DEAD_LETTER_HEADERS.reason]: reason.slice(0, 2_000),
          [DEAD_LETTER_HEADERS.stage]: this.stage,
          [DEAD_LETTER_HEADERS.at]: String(Date.now()),
          [DEAD_LETTER_HEADERS.originTopic]: record.topic,
          [DEAD_LETTER_HEADERS.originOffset]: `${record.partition}:${record.offset}`,
        },
      },
    ]);
  }
}
