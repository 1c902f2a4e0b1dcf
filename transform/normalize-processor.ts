/**
 * Stage 1 of transform: raw deliveries → canonical events. Consumes the raw topic, normalises each
 * delivery by its source, appends the canonical events (keyed by repository, so one repository's
 * events meet in one linker, in order) and dead-letters what cannot be read. The raw batch is
 * committed only after all of that is durable.
 */
import type { Logger } from 'pino';
import type { ConsumedRecord, EventLog, LogRecord, Subscription } from '../ports/event-log.js';
import { readRawMeta, type Topology } from '../schemas/raw-delivery.js';
import { deadLetter, type NormalizeOutcome } from './outcome.js';
import { normalizeGithub, type GithubNormalizeOptions } from './normalize/github.js';
import { DeadLetterWriter } from './dead-letter.js';

export type NormalizeOptions = GithubNormalizeOptions;

export class NormalizeProcessor {
  private readonly deadLetters: DeadLetterWriter;

  constructor(
    private readonly log: EventLog,
    private readonly topics: Topology,
    private readonly options: NormalizeOptions,
    private readonly logger: Logger,
  ) {
    this.deadLetters = new DeadLetterWriter(log, topics.deadLetter, 'normalize');
  }

  start(): Promise<Subscription> {
    return this.log.consume({
      groupId: this.topics.normalizeGroup,
      topic: this.topics.raw,
      maxBatchSize: 1_000,
      handler: (batch) => this.handle(batch),
    });
  }

  async handle(batch: ConsumedRecord[]): Promise<void> {
    const canonical: LogRecord[] = [];
    let dropped = 0;
    for (const record of batch) {
      const outcome = this.normalize(record);
      switch (outcome.kind) {
        case 'ok':
          for (const event of outcome.events) {
            canonical.push({ key: event.repo, value: Buffer.from(JSON.stringify(event)), headers: { 'dora-event': event.type } });
          }
          break;
        case 'drop':
          dropped += 1;
          this.logger.debug({ offset: record.offset, reason: outcome.reason }, 'raw_delivery_dropped');
          break;
        case 'dead-letter':
          this.logger.warn({ offset: record.offset, reason: outcome.reason }, 'raw_delivery_dead_lettered');
          await this.deadLetters.write(record, outcome.reason);
          break;
      }
    }
    if (canonical.length > 0) await this.log.append(this.topics.canonical, canonical);
    this.logger.debug({ records: batch.length, events: canonical.length, dropped }, 'normalize_batch_done');
  }

  private normalize(record: ConsumedRecord): NormalizeOutcome {
    const meta = readRawMeta(record.headers);
    if (!meta) return deadLetter('raw record lacks source headers');
    let body: unknown;
    try {
      body = JSON.parse(record.value.toString('utf8'));
    } catch {
      return deadLetter('body is not valid JSON');
    }
    switch (meta.source) {
      case 'github':
        return normalizeGithub(meta.event, meta.deliveryId, body, this.options);
      default:
        return deadLetter(`no normaliser for source ${meta.source}`);
    }
  }
}
