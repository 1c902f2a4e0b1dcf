/**
 * The EventLog contract: every adapter (embedded, Kafka) must pass this same suite.
 * It pins what transform relies on: durable appends, per-key order, commit-after-handler,
 * redelivery on failure, independent groups, and survival across a restart.
 */
import { describe, expect, it, afterEach } from 'vitest';
import type { ConsumedRecord, EventLog, LogRecord, Subscription } from '../../ports/event-log.js';
import { uniqueName, waitFor } from '../support/wait.js';

export interface EventLogHarness {
  /** A fresh log client. Called again on the same harness, it must see the same data (restart). */
  open(): Promise<EventLog>;
  /** Partitions to create topics with (1 for the embedded log is fine; Kafka uses several). */
  partitions: number;
  cleanup(): Promise<void>;
}

const rec = (key: string, value: string, headers?: Record<string, string>): LogRecord => ({
  key,
  value: Buffer.from(value),
  ...(headers ? { headers } : {}),
});

export function eventLogContract(name: string, makeHarness: () => Promise<EventLogHarness>): void {
  describe(`EventLog contract: ${name}`, () => {
    const opened: EventLog[] = [];
    const subs: Subscription[] = [];
    let harness: EventLogHarness | undefined;

    async function setup(): Promise<{ log: EventLog; topic: string; h: EventLogHarness }> {
      harness = await makeHarness();
      const log = await harness.open();
      opened.push(log);
      const topic = uniqueName('contract');
      await log.ensureTopics([{ name: topic, partitions: harness.partitions }]);
      return { log, topic, h: harness };
    }

    async function collect(log: EventLog, topic: string, groupId: string, into: ConsumedRecord[]): Promise<Subscription> {
      const sub = await log.consume({ groupId, topic, handler: async (batch) => void into.push(...batch) });
      subs.push(sub);
      return sub;
    }

    afterEach(async () => {
      for (const s of subs.splice(0)) await s.stop().catch(() => undefined);
      for (const l of opened.splice(0)) await l.close().catch(() => undefined);
      await harness?.cleanup();
      harness = undefined;
    });

    it('delivers appended records with key, value and headers intact', async () => {
      const { log, topic } = await setup();
      await log.append(topic, [rec('k1', 'hello', { source: 'github', 'x-delivery': 'd-1' }), rec('k2', '{"a":1}')]);
      const got: ConsumedRecord[] = [];
      await collect(log, topic, uniqueName('g'), got);
      await waitFor('2 records', () => got.length >= 2);
      const byKey = new Map(got.map((r) => [r.key, r]));
      expect(byKey.get('k1')?.value.toString()).toBe('hello');
      expect(byKey.get('k1')?.headers).toMatchObject({ source: 'github', 'x-delivery': 'd-1' });
      expect(byKey.get('k2')?.value.toString()).toBe('{"a":1}');
      for (const r of got) {
        expect(r.topic).toBe(topic);
        expect(typeof r.offset).toBe('string');
        expect(r.timestamp).toBeGreaterThan(0);
      }
    });

    it('keeps the order of records with the same key, across many appends', async () => {
      const { log, topic } = await setup();
      const keys = ['repo-a', 'repo-b', 'repo-c', 'repo-d'];
      for (let i = 0; i < 50; i++) {
        await log.append(topic, keys.map((k) => rec(k, String(i))));
      }
      const got: ConsumedRecord[] = [];
      await collect(log, topic, uniqueName('g'), got);
      await waitFor('200 records', () => got.length >= 200);
      for (const k of keys) {
        const seq = got.filter((r) => r.key === k).map((r) => Number(r.value.toString()));
        expect(seq).toEqual([...Array(50).keys()]);
      }
    });

    it('takes many concurrent appends and loses none', async () => {
      const { log, topic } = await setup();
      await Promise.all(Array.from({ length: 500 }, (_, i) => log.append(topic, [rec(`k${i % 7}`, `v${i}`)])));
      const got: ConsumedRecord[] = [];
      await collect(log, topic, uniqueName('g'), got);
      await waitFor('500 records', () => got.length >= 500);
      expect(new Set(got.map((r) => r.value.toString())).size).toBe(500);
    });

    it('commits after the handler: a restarted group resumes after what it processed', async () => {
      const { log, topic } = await setup();
      const group = uniqueName('g');
      await log.append(topic, [rec('k', 'a'), rec('k', 'b')]);
      const first: ConsumedRecord[] = [];
      const sub = await collect(log, topic, group, first);
      await waitFor('first 2', () => first.length >= 2);
      await sub.stop();
      await log.append(topic, [rec('k', 'c')]);
      const second: ConsumedRecord[] = [];
      await collect(log, topic, group, second);
      await waitFor('record c', () => second.some((r) => r.value.toString() === 'c'));
      await new Promise((r) => setTimeout(r, 300));
      expect(second.map((r) => r.value.toString())).toEqual(['c']);
    });

    it('redelivers a batch whose handler failed, and commits nothing of it', async () => {
      const { log, topic } = await setup();
      await log.append(topic, [rec('k', 'x'), rec('k', 'y')]);
      let failures = 0;
      const seen: string[] = [];
      const sub = await log.consume({
        groupId: uniqueName('g'),
        topic,
        handler: async (batch) => {
          if (failures < 2) {
            failures += 1;
            throw new Error('store down');
          }
          seen.push(...batch.map((r) => r.value.toString()));
        },
      });
      subs.push(sub);
      await waitFor('x and y after failures', () => seen.includes('x') && seen.includes('y'), 60_000);
      expect(failures).toBe(2);
      expect(seen.filter((v) => v === 'x')).toHaveLength(1);
    });

    it('gives each consumer group its own position', async () => {
      const { log, topic } = await setup();
      await log.append(topic, [rec('k', '1'), rec('k', '2')]);
      const a: ConsumedRecord[] = [];
      const b: ConsumedRecord[] = [];
      await collect(log, topic, uniqueName('ga'), a);
      await collect(log, topic, uniqueName('gb'), b);
      await waitFor('both groups', () => a.length >= 2 && b.length >= 2);
      expect(a.map((r) => r.value.toString())).toEqual(['1', '2']);
      expect(b.map((r) => r.value.toString())).toEqual(['1', '2']);
    });

    it('keeps appended records and committed offsets across a restart of the client', async () => {
      const { log, topic, h } = await setup();
      const group = uniqueName('g');
      await log.append(topic, [rec('k', 'before-1'), rec('k', 'before-2')]);
      const first: ConsumedRecord[] = [];
      const sub = await collect(log, topic, group, first);
      await waitFor('first', () => first.length >= 2);
      await sub.stop();
      subs.splice(subs.indexOf(sub), 1);
      await log.append(topic, [rec('k', 'after')]);
      await log.close();
      opened.splice(opened.indexOf(log), 1);

      const again = await h.open();
      opened.push(again);
      const second: ConsumedRecord[] = [];
      await collect(again, topic, group, second);
      await waitFor('after restart', () => second.length >= 1);
      await new Promise((r) => setTimeout(r, 300));
      expect(second.map((r) => r.value.toString())).toEqual(['after']);
      const replay: ConsumedRecord[] = [];
      await collect(again, topic, uniqueName('fresh'), replay);
      await waitFor('replay from offset 0', () => replay.length >= 3);
      expect(replay.map((r) => r.value.toString())).toEqual(['before-1', 'before-2', 'after']);
    });

    it('stop() lets the in-flight batch finish and commit', async () => {
      const { log, topic } = await setup();
      const group = uniqueName('g');
      await log.append(topic, [rec('k', 'slow')]);
      let finished = false;
      let started = false;
      const sub = await log.consume({
        groupId: group,
        topic,
        handler: async () => {
          started = true;
          await new Promise((r) => setTimeout(r, 500));
          finished = true;
        },
      });
      await waitFor('handler started', () => started);
      await sub.stop();
      expect(finished).toBe(true);
      const again: ConsumedRecord[] = [];
      await log.append(topic, [rec('k', 'next')]);
      await collect(log, topic, group, again);
      await waitFor('next', () => again.length >= 1);
      await new Promise((r) => setTimeout(r, 300));
      expect(again.map((r) => r.value.toString())).toEqual(['next']);
    });

    it('round-trips a large value byte for byte', async () => {
      const { log, topic } = await setup();
      const big = Buffer.alloc(900 * 1024);
      for (let i = 0; i < big.length; i++) big[i] = (i * 31) % 251;
      await log.append(topic, [{ key: 'big', value: big }]);
      const got: ConsumedRecord[] = [];
      await collect(log, topic, uniqueName('g'), got);
      await waitFor('big', () => got.length >= 1);
      expect(Buffer.compare(got[0]!.value, big)).toBe(0);
    });

    it('creates topics idempotently and reports readiness', async () => {
      const { log, topic, h } = await setup();
      await log.ensureTopics([{ name: topic, partitions: h.partitions }]);
      expect(await log.isReady()).toBe(true);
    });
  });
}
