/**
 * Stage 2 of transform: canonical events → facts in the store. Consumes the canonical topic,
 * links changes to deployments and incidents to deployments per repository (RepoState), and
 * writes the batch's facts in one store write before the log commits the batch's offsets.
 */
import type { Logger } from 'pino';
import type { ConsumedRecord, EventLog, Subscription } from '../ports/event-log.js';
import type { Store } from '../ports/store.js';
import { canonicalEvent, type CanonicalEvent } from '../schemas/canonical.js';
import { emptyFactBatch, factCount } from '../schemas/facts.js';
import type { Topology } from '../schemas/raw-delivery.js';
import { RepoStateCache } from './link/repo-state-cache.js';
import { DeadLetterWriter } from './dead-letter.js';
import { describeIssues } from '../schemas/github.js';

export class LinkProcessor {
  private readonly cache: RepoStateCache;
  private readonly deadLetters: DeadLetterWriter;

  constructor(
    private readonly log: EventLog,
    private readonly store: Store,
    private readonly topics: Topology,
    private readonly logger: Logger,
  ) {
    this.cache = new RepoStateCache(store);
    this.deadLetters = new DeadLetterWriter(log, topics.deadLetter, 'link');
  }

  start(): Promise<Subscription> {
    return this.log.consume({
      groupId: this.topics.linkGroup,
      topic: this.topics.canonical,
      maxBatchSize: 5_000,
      handler: (batch) => this.handle(batch),
      onAssignmentChange: () => this.cache.clear(),
    });
  }

  /** Processes one batch; exported for tests that drive the processor without a consumer. */
  async handle(batch: ConsumedRecord[]): Promise<void> {
    try {
      const events: CanonicalEvent[] = [];
      for (const record of batch) {
        const event = parseCanonical(record);
        if (typeof event === 'string') await this.deadLetters.write(record, event);
        else events.push(event);
      }
      const out = emptyFactBatch();
      const touched = new Set<string>();
      for (const event of events) {
        const state = await this.cache.get(event.repo);
        state.apply(event, out);
        touched.add(event.repo);
      }
      for (const repo of touched) (await this.cache.get(repo)).derive(out);
      if (factCount(out) > 0) await this.store.writeFacts(out);
      this.logger.debug({ records: batch.length, facts: factCount(out) }, 'link_batch_done');
    } catch (err) {
      // The cache may now hold state whose facts never reached the store: rebuild from the store.
      this.cache.clear();
      this.logger.warn({ err, records: batch.length }, 'link_batch_failed_will_retry');
      throw err;
    }
  }
}

function parseCanonical(record: ConsumedRecord): CanonicalEvent | string {
  let json: unknown;
  try {
    json = JSON.parse(record.value.toString('utf8'));
  } catch {
    return 'canonical record is not JSON';
  }
  const parsed = canonicalEvent.safeParse(json);
  return parsed.success ? parsed.data : `invalid canonical event: ${describeIssues(parsed.error)}`;
}
