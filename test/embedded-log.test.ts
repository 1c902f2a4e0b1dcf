/**
 * The embedded event log: the shared EventLog contract, plus what only an on-disk log has to
 * prove (recovery of a torn tail, segment rotation, the directory lock, group commit).
 */
import { spawnSync } from 'node:child_process';
import { appendFile, mkdtemp, symlink, unlink, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import * as zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { eventLogContract } from './contract/event-log.contract.js';
import { waitFor } from './support/wait.js';
import type { ConsumedRecord, LogRecord, Subscription } from '../ports/event-log.js';
import { isDoraError } from '../ports/errors.js';
import { EmbeddedEventLog, type EmbeddedEventLogOptions } from '../adapters/embedded-log/embedded-event-log.js';
import { tableCrc32 } from '../adapters/embedded-log/crc32.js';
import type { FlushInfo, RecoveryInfo } from '../adapters/embedded-log/topic-log.js';

eventLogContract('embedded', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dora-log-contract-'));
  return {
    partitions: 1,
    open: () => EmbeddedEventLog.open(dir),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

const rec = (key: string, value: string | Buffer, headers?: Record<string, string>): LogRecord => ({
  key,
  value: typeof value === 'string' ? Buffer.from(value) : value,
  ...(headers ? { headers } : {}),
});

describe('EmbeddedEventLog on disk', () => {
  const dirs: string[] = [];
  const logs: EmbeddedEventLog[] = [];
  const subs: Subscription[] = [];

  async function tempDir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'dora-log-'));
    dirs.push(dir);
    return dir;
  }

  async function openLog(dir: string, options?: EmbeddedEventLogOptions): Promise<EmbeddedEventLog> {
    const log = await EmbeddedEventLog.open(dir, options);
    logs.push(log);
    return log;
  }

  async function closeLog(log: EmbeddedEventLog): Promise<void> {
    await log.close();
    logs.splice(logs.indexOf(log), 1);
  }

  async function collect(log: EmbeddedEventLog, topic: string, groupId: string, into: ConsumedRecord[], maxBatchSize?: number): Promise<Subscription> {
    const sub = await log.consume({ groupId, topic, maxBatchSize, handler: async (batch) => void into.push(...batch) });
    subs.push(sub);
    return sub;
  }

  /** Every record of `topic`, read by a fresh group. */
  async function readAll(log: EmbeddedEventLog, topic: string, expected: number): Promise<ConsumedRecord[]> {
    const got: ConsumedRecord[] = [];
    const sub = await collect(log, topic, `all-${Math.random()}`, got);
    await waitFor(`${expected} records`, () => got.length >= expected);
    await sub.stop();
    return got;
  }

  async function segmentFiles(dir: string, topic: string): Promise<string[]> {
    return (await readdir(join(dir, topic))).filter((f) => f.endsWith('.seg')).sort().map((f) => join(dir, topic, f));
  }

  const values = (records: ConsumedRecord[]): string[] => records.map((r) => r.value.toString());

  afterEach(async () => {
    for (const s of subs.splice(0)) await s.stop().catch(() => undefined);
    for (const l of logs.splice(0)) await l.close().catch(() => undefined);
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  describe('recovery', () => {
    it('cuts off half a frame left by a crash and keeps everything before it', async () => {
      const dir = await tempDir();
      const recoveries: RecoveryInfo[] = [];
      const log = await openLog(dir);
      await log.append('t', [rec('k', 'one'), rec('k', 'two'), rec('k', 'three')]);
      await closeLog(log);
      const [segment] = await segmentFiles(dir, 't');
      const goodSize = (await stat(segment!)).size;
      // The start of a frame that claims 1000 body bytes but was cut after 10.
      const torn = Buffer.alloc(18);
      torn.writeUInt32BE(1000, 0);
      await appendFile(segment!, torn);

      const again = await openLog(dir, { onRecover: (info) => recoveries.push(info) });
      expect(recoveries).toEqual([expect.objectContaining({ topic: 't', truncatedBytes: 18 })]);
      expect((await stat(segment!)).size).toBe(goodSize);
      await again.append('t', [rec('k', 'four')]);
      const got = await readAll(again, 't', 4);
      expect(values(got)).toEqual(['one', 'two', 'three', 'four']);
      expect(got.map((r) => r.offset)).toEqual(['0', '1', '2', '3']);
    });

    it('cuts off a garbage tail (bad checksum) and stays appendable across another restart', async () => {
      const dir = await tempDir();
      const log = await openLog(dir);
      await log.append('t', [rec('a', 'x'), rec('b', 'y', { h: '1' })]);
      await closeLog(log);
      const [segment] = await segmentFiles(dir, 't');
      const garbage = randomBytes(200);
      garbage.writeUInt32BE(100, 0); // plausible length, so the checksum is what rejects it
      await appendFile(segment!, garbage);

      const again = await openLog(dir);
      await again.append('t', [rec('c', 'z')]);
      await closeLog(again);
      const third = await openLog(dir);
      const got = await readAll(third, 't', 3);
      expect(values(got)).toEqual(['x', 'y', 'z']);
      expect(got[1]!.headers).toEqual({ h: '1' });
    });

    it('refuses to open when damage is followed by more than one write batch of data', async () => {
      const dir = await tempDir();
      const log = await openLog(dir);
      for (let i = 0; i < 20; i++) await log.append('t', [rec('k', `value-${i}`.padEnd(200, '.'))]);
      await closeLog(log);
      const [segment] = await segmentFiles(dir, 't');
      const bytes = await readFile(segment!);
      bytes[40] = bytes[40]! ^ 0xff; // inside the first record
      await writeFile(segment!, bytes);

      const err = await EmbeddedEventLog.open(dir, { writeBatchBytes: 1024 }).catch((e: unknown) => e);
      expect(isDoraError(err, 'EVENT_LOG_CORRUPT')).toBe(true);
      expect((await stat(segment!)).size).toBe(bytes.length); // nothing was cut
    });

    it('reports a corrupt record in a sealed segment to the consumer instead of skipping it', async () => {
      const dir = await tempDir();
      const log = await openLog(dir, { segmentBytes: 1024 });
      for (let i = 0; i < 30; i++) await log.append('t', [rec('k', `v${i}`.padEnd(100, '.'))]);
      await closeLog(log);
      const [first] = await segmentFiles(dir, 't');
      const bytes = await readFile(first!);
      bytes[bytes.length - 5] = bytes[bytes.length - 5]! ^ 0xff;
      await writeFile(first!, bytes);

      const errors: unknown[] = [];
      const again = await openLog(dir, { segmentBytes: 1024, onConsumerError: (e) => errors.push(e) });
      const got: ConsumedRecord[] = [];
      await collect(again, 't', 'g', got);
      await waitFor('corruption reported', () => errors.length > 0);
      expect(isDoraError(errors[0], 'EVENT_LOG_CORRUPT')).toBe(true);
      // Records before the damaged one were delivered, none after it.
      const delivered = got.map((r) => Number(r.offset));
      expect(delivered).toEqual([...Array(delivered.length).keys()]);
      expect(delivered.length).toBeLessThan(30);
    });
  });

  describe('segments', () => {
    it('rotates segments and reads across them in order, also after a restart mid-segment', async () => {
      const dir = await tempDir();
      const options = { segmentBytes: 4096, indexIntervalBytes: 512 };
      const log = await openLog(dir, options);
      const all = Array.from({ length: 300 }, (_, i) => `record-${String(i).padStart(3, '0')}`.padEnd(90, '~'));
      for (let i = 0; i < all.length; i += 3) await log.append('t', all.slice(i, i + 3).map((v) => rec(`k${i % 5}`, v)));
      expect((await segmentFiles(dir, 't')).length).toBeGreaterThan(5);
      expect(values(await readAll(log, 't', 300))).toEqual(all);

      // A group that stops partway commits mid-segment; after a restart it resumes exactly there,
      // which needs a seek into a sealed segment (index built lazily).
      const first: ConsumedRecord[] = [];
      const sub = await collect(log, 't', 'resume', first, 7);
      await waitFor('some records', () => first.length >= 100);
      await sub.stop();
      subs.splice(subs.indexOf(sub), 1);
      await closeLog(log);

      const again = await openLog(dir, options);
      const second: ConsumedRecord[] = [];
      await collect(again, 't', 'resume', second, 7);
      await waitFor('the rest', () => first.length + second.length >= 300);
      expect([...values(first), ...values(second)]).toEqual(all);
      expect(values(await readAll(again, 't', 300))).toEqual(all);
    });

    it('bounds a batch by bytes but always delivers a record bigger than the bound', async () => {
      const dir = await tempDir();
      const log = await openLog(dir, { maxBatchBytes: 10_000 });
      const big = randomBytes(50_000);
      await log.append('t', [rec('k', 'a'.repeat(4000)), rec('k', 'b'.repeat(4000)), rec('k', 'c'.repeat(4000)), rec('k', big)]);
      const batches: number[] = [];
      const got: ConsumedRecord[] = [];
      const sub = await log.consume({ groupId: 'g', topic: 't', handler: async (b) => void (batches.push(b.length), got.push(...b)) });
      subs.push(sub);
      await waitFor('4 records', () => got.length >= 4);
      expect(batches).toEqual([2, 1, 1]);
      expect(Buffer.compare(got[3]!.value, big)).toBe(0);
    });
  });

  describe('lock', () => {
    it('lets only one open at a time, and frees the directory on close', async () => {
      const dir = await tempDir();
      const log = await openLog(dir);
      const err = await EmbeddedEventLog.open(dir).catch((e: unknown) => e);
      expect(isDoraError(err, 'EVENT_LOG_UNAVAILABLE')).toBe(true);
      await closeLog(log);
      await openLog(dir);
    });

    it('refuses a directory locked by another live process', async () => {
      const dir = await tempDir();
      await writeFile(join(dir, 'LOCK'), JSON.stringify({ pid: process.ppid, host: (await import('node:os')).hostname() }));
      const err = await EmbeddedEventLog.open(dir).catch((e: unknown) => e);
      expect(isDoraError(err, 'EVENT_LOG_UNAVAILABLE')).toBe(true);
      expect(String((err as Error).message)).toContain(String(process.ppid));
    });

    it('takes over a stale lock left by a process that is gone', async () => {
      const dir = await tempDir();
      const gone = spawnSync(process.execPath, ['-e', '']).pid;
      await writeFile(join(dir, 'LOCK'), JSON.stringify({ pid: gone, host: (await import('node:os')).hostname() }));
      const log = await openLog(dir);
      expect(JSON.parse(await readFile(join(dir, 'LOCK'), 'utf8'))).toMatchObject({ pid: process.pid });
      await closeLog(log);
      await expect(stat(join(dir, 'LOCK'))).rejects.toThrow();
    });
  });

  describe('appends', () => {
    it('batches concurrent appends into far fewer write+fsync rounds (group commit)', async () => {
      const dir = await tempDir();
      const flushes: FlushInfo[] = [];
      const log = await openLog(dir, { onFlush: (f) => flushes.push(f) });
      await log.ensureTopics([{ name: 't', partitions: 1 }]);
      // Ten waves of 100 appends, each wave issued in one tick while earlier ones are in flight.
      // Without group commit that is 1000 write+fsync rounds; with it, at most one per wave.
      const pending: Array<Promise<void>> = [];
      for (let wave = 0; wave < 10; wave++) {
        for (let i = 0; i < 100; i++) pending.push(log.append('t', [rec(`k${i % 7}`, randomBytes(1024))]));
        await new Promise((r) => setImmediate(r));
      }
      await Promise.all(pending);
      expect(flushes.reduce((n, f) => n + f.appends, 0)).toBe(1000);
      expect(flushes.length).toBeLessThanOrEqual(10);
      expect(Math.max(...flushes.map((f) => f.appends))).toBeGreaterThanOrEqual(100);
      expect((await readAll(log, 't', 1000)).length).toBe(1000);
    });

    it('applies concurrent appends in call order', async () => {
      const dir = await tempDir();
      const log = await openLog(dir);
      await Promise.all(Array.from({ length: 300 }, (_, i) => log.append('fresh-topic', [rec('k', String(i))])));
      const got = await readAll(log, 'fresh-topic', 300);
      expect(got.map((r) => Number(r.value.toString()))).toEqual([...Array(300).keys()]);
    });

    it('rejects an append the disk refuses with EVENT_LOG_UNAVAILABLE', async () => {
      const dir = await tempDir();
      const log = await openLog(dir);
      await log.ensureTopics([{ name: 't', partitions: 1 }]);
      await closeLog(log);
      // /dev/full fails every write with ENOSPC: a full disk, for real.
      const [segment] = await segmentFiles(dir, 't');
      await unlink(segment!);
      await symlink('/dev/full', segment!);
      const full = await openLog(dir);
      const err = await full.append('t', [rec('k', 'v')]).catch((e: unknown) => e);
      expect(isDoraError(err, 'EVENT_LOG_UNAVAILABLE')).toBe(true);
      expect((err as Error).message).toMatch(/ENOSPC/);
      // The failed write cannot even be cut back off here (no truncate on a device), so the topic
      // stops taking writes until a restart, and readiness says so.
      expect(await full.isReady()).toBe(false);
      const again = await full.append('t', [rec('k', 'v')]).catch((e: unknown) => e);
      expect(isDoraError(again, 'EVENT_LOG_UNAVAILABLE')).toBe(true);
    });

    it('rejects appends after close with EVENT_LOG_UNAVAILABLE and reports not ready', async () => {
      const dir = await tempDir();
      const log = await openLog(dir);
      expect(await log.isReady()).toBe(true);
      await closeLog(log);
      expect(await log.isReady()).toBe(false);
      const err = await log.append('t', [rec('k', 'v')]).catch((e: unknown) => e);
      expect(isDoraError(err, 'EVENT_LOG_UNAVAILABLE')).toBe(true);
    });
  });

  describe('consumers', () => {
    it('starts at the end for a new group with fromBeginning: false', async () => {
      const dir = await tempDir();
      const log = await openLog(dir);
      await log.append('t', [rec('k', 'old')]);
      const got: ConsumedRecord[] = [];
      subs.push(await log.consume({ groupId: 'g', topic: 't', fromBeginning: false, handler: async (b) => void got.push(...b) }));
      await log.append('t', [rec('k', 'new')]);
      await waitFor('new', () => got.length >= 1);
      expect(values(got)).toEqual(['new']);
    });

    it('calls onAssignmentChange once and refuses a second live subscription of the same group', async () => {
      const dir = await tempDir();
      const log = await openLog(dir);
      let assignments = 0;
      subs.push(await log.consume({ groupId: 'g', topic: 't', handler: async () => undefined, onAssignmentChange: () => void (assignments += 1) }));
      expect(assignments).toBe(1);
      const err = await log.consume({ groupId: 'g', topic: 't', handler: async () => undefined }).catch((e: unknown) => e);
      expect(isDoraError(err, 'CONFIG_INVALID')).toBe(true);
    });

    it('stop() during a retry backoff returns without committing the failed batch', async () => {
      const dir = await tempDir();
      const log = await openLog(dir);
      await log.append('t', [rec('k', 'poison')]);
      let attempts = 0;
      const sub = await log.consume({
        groupId: 'g',
        topic: 't',
        handler: async () => {
          attempts += 1;
          throw new Error('store down');
        },
      });
      await waitFor('a failure', () => attempts >= 1);
      await sub.stop();
      const got: ConsumedRecord[] = [];
      await collect(log, 't', 'g', got);
      await waitFor('redelivery', () => got.length >= 1);
      expect(values(got)).toEqual(['poison']);
    });
  });

  it('table CRC-32 fallback agrees with zlib, including chaining', () => {
    const a = randomBytes(1000);
    const b = randomBytes(333);
    expect(tableCrc32(a)).toBe(zlib.crc32(a));
    expect(tableCrc32(b, tableCrc32(a))).toBe(zlib.crc32(Buffer.concat([a, b])));
  });
});
