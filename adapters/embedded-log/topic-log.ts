/**
 * One topic of the embedded log: a folder of segment files, a single partition (0).
 *
 * Writes: appends are encoded on submission and written by a group-commit queue, one write+
 * fdatasync per batch, always at the end of the last segment. A batch becomes visible to readers
 * (and its appends resolve) only after the fsync, so a consumer never sees a record a crash could
 * take back. Reads: each read opens its own file handle and stops at the durable size, so reads
 * never race writes or rotation.
 */
import { mkdir, open, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConsumedRecord, LogRecord } from '../../ports/event-log.js';
import { DoraError, isDoraError } from '../../ports/errors.js';
import { errnoCode, fsyncDir } from './durable-fs.js';
import { decodeBody, encodeFrames, sealFrames } from './frame-codec.js';
import { FrameCursor } from './frame-cursor.js';
import { GroupCommitQueue } from './group-commit.js';
import { listSegments, scanSegment, segmentFileName, type Segment } from './segment.js';
import { SparseIndex } from './sparse-index.js';

export interface TopicLogOptions {
  segmentBytes: number;
  writeBatchBytes: number;
  indexIntervalBytes: number;
  onFlush?: (info: FlushInfo) => void;
  onRecover?: (info: RecoveryInfo) => void;
}

/** One write+fsync of the group-commit queue. */
export interface FlushInfo {
  topic: string;
  appends: number;
  records: number;
  bytes: number;
}

/** A torn tail cut off while opening a topic. */
export interface RecoveryInfo {
  topic: string;
  segment: string;
  truncatedBytes: number;
  reason: string;
}

/**
 * Where a consumer is. `position` is the start of a frame in segment `segmentBase` whose offset is
 * `positionOffset` (<= `next`); frames before `next` are skipped when reading.
 */
export interface ReadCursor {
  next: number;
  segmentBase: number;
  position: number;
  positionOffset: number;
}

export interface ReadResult {
  records: ConsumedRecord[];
  cursor: ReadCursor;
}

function unavailable(message: string, cause?: unknown): DoraError {
  return new DoraError('EVENT_LOG_UNAVAILABLE', message, { cause });
}

export class TopicLog {
  /** Settles when the topic folder exists and its last segment is recovered. */
  readonly ready: Promise<void>;
  private readonly dir: string;
  private readonly queue: GroupCommitQueue<Buffer>;
  private segments: Segment[] = [];
  private writer: FileHandle | undefined;
  private nextOffsetValue = 0;
  private flushes = 0;
  private broken: unknown;
  private closed = false;
  private readonly listeners = new Set<() => void>();

  /** Returns at once (so appends queue up in call order); `ready` tells when it is usable. */
  constructor(
    parentDir: string,
    readonly name: string,
    private readonly options: TopicLogOptions,
  ) {
    this.dir = join(parentDir, name);
    this.queue = new GroupCommitQueue((appends) => this.flush(appends), options.writeBatchBytes);
    this.ready = this.recover(parentDir);
    // Failures surface through `ready` to whoever awaits it; avoid an unhandled rejection meanwhile.
    this.ready.catch(() => undefined);
  }

  get nextOffset(): number {
    return this.nextOffsetValue;
  }

  /** Counts completed flushes, so a waiting consumer can tell whether it missed one. */
  get flushCount(): number {
    return this.flushes;
  }

  get writable(): boolean {
    return !this.closed && this.broken === undefined;
  }

  get folder(): string {
    return this.dir;
  }

  /** Calls `listener` after every flush; returns the unsubscribe function. */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  append(records: LogRecord[]): Promise<void> {
    if (this.closed) return Promise.reject(unavailable(`event log topic ${this.name} is closed`));
    if (records.length === 0) return Promise.resolve();
    let frames: Buffer;
    try {
      frames = encodeFrames(records);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.queue.submit(frames, frames.length);
  }

  /** Waits for queued appends, then closes the write handle. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.drained();
    await this.ready.catch(() => undefined);
    await this.writer?.close().catch(() => undefined);
    this.writer = undefined;
  }

  /** A cursor for reading from `offset` (clamped to the end of the log by the caller). */
  async locate(offset: number): Promise<ReadCursor> {
    await this.ready;
    const last = this.lastSegment();
    if (offset >= this.nextOffsetValue) {
      return { next: offset, segmentBase: last.base, position: last.size, positionOffset: this.nextOffsetValue };
    }
    const segment = this.segmentFor(offset);
    // A segment's first record is at byte 0: replays from the start need no index.
    const entry = offset === segment.base ? { relOffset: 0, position: 0 } : (await this.indexFor(segment, offset)).floor(offset - segment.base);
    return { next: offset, segmentBase: segment.base, position: entry.position, positionOffset: segment.base + entry.relOffset };
  }

  /**
   * Reads up to `maxRecords` records from `cursor`, at most `maxBytes` of frames (but always at least
   * one record, however big). An empty result means the reader is caught up.
   */
  async read(cursor: ReadCursor, maxRecords: number, maxBytes: number): Promise<ReadResult> {
    await this.ready;
    const records: ConsumedRecord[] = [];
    let { segmentBase, position, positionOffset } = cursor;
    let i = this.segmentIndex(segmentBase);
    let budget = maxBytes;
    while (records.length < maxRecords) {
      const segment = this.segments[i]!;
      const end = segment.size;
      if (position >= end) {
        if (i === this.segments.length - 1) break;
        i += 1;
        segmentBase = this.segments[i]!.base;
        position = 0;
        positionOffset = segmentBase;
        continue;
      }
      const handle = await open(segment.path, 'r');
      let full = false;
      try {
        const frames = new FrameCursor(handle, position, end);
        while (records.length < maxRecords) {
          const step = await frames.next(records.length === 0 ? Number.POSITIVE_INFINITY : budget);
          if (step.kind === 'end') break;
          if (step.kind === 'over-budget') {
            full = true;
            break;
          }
          if (step.kind === 'bad') throw this.corrupt(segment, step.position, step.reason);
          if (step.offset !== positionOffset) {
            throw this.corrupt(segment, step.position, `offset ${step.offset} where ${positionOffset} was expected`);
          }
          position = step.position + step.frameBytes;
          positionOffset += 1;
          if (step.offset < cursor.next) continue;
          budget -= step.frameBytes;
          const r = decodeBody(step.body);
          records.push({ topic: this.name, partition: 0, offset: String(r.offset), timestamp: r.timestamp, key: r.key, headers: r.headers, value: r.value });
        }
      } finally {
        await handle.close();
      }
      if (full) break;
    }
    const next = records.length > 0 ? Number(records[records.length - 1]!.offset) + 1 : cursor.next;
    return { records, cursor: { next, segmentBase, position, positionOffset } };
  }

  private async flush(appends: Buffer[]): Promise<void> {
    try {
      await this.ready;
    } catch (cause) {
      throw isDoraError(cause) ? cause : unavailable(`event log topic ${this.name} could not be opened`, cause);
    }
    if (this.broken !== undefined) {
      throw unavailable(`event log topic ${this.name} failed a write earlier and needs a restart`, this.broken);
    }
    let segment = this.lastSegment();
    if (segment.size >= this.options.segmentBytes) segment = await this.rotate();
    const writer = this.writer!;
    const timestamp = Date.now();
    const sizes: number[] = [];
    for (const frames of appends) {
      for (const size of sealFrames(frames, this.nextOffsetValue + sizes.length, timestamp)) sizes.push(size);
    }
    const bytes = appends.reduce((sum, b) => sum + b.length, 0);
    const start = segment.size;
    try {
      const { bytesWritten } = await writer.writev(appends, start);
      if (bytesWritten !== bytes) throw new Error(`short write: ${bytesWritten} of ${bytes} bytes`);
      await writer.datasync();
    } catch (cause) {
      await this.rollback(writer, start, cause);
      throw unavailable(`event log append to ${this.name} failed: ${String(cause)}`, cause);
    }
    let position = start;
    const index = segment.index!;
    for (const [k, size] of sizes.entries()) {
      index.note(this.nextOffsetValue + k - segment.base, position);
      position += size;
    }
    segment.size = position;
    this.nextOffsetValue += sizes.length;
    this.flushes += 1;
    try {
      this.options.onFlush?.({ topic: this.name, appends: appends.length, records: sizes.length, bytes });
    } catch {
      // An observer's failure must not fail appends that are already durable.
    }
    for (const listener of this.listeners) listener();
  }

  /** Cuts a failed write back off; if even that fails, the topic stops taking writes. */
  private async rollback(writer: FileHandle, size: number, cause: unknown): Promise<void> {
    try {
      await writer.truncate(size);
      await writer.datasync();
    } catch {
      this.broken = cause;
    }
  }

  /** Seals the last segment (already fully synced) and starts a new one at the next offset. */
  private async rotate(): Promise<Segment> {
    const next = await this.createSegment(this.nextOffsetValue).catch((cause: unknown) => {
      throw unavailable(`cannot start a new segment for ${this.name}`, cause);
    });
    const old = this.writer;
    this.writer = next.handle;
    this.segments.push(next.segment);
    await old?.close().catch(() => undefined);
    return next.segment;
  }

  private async createSegment(base: number): Promise<{ segment: Segment; handle: FileHandle }> {
    const path = join(this.dir, segmentFileName(base));
    let handle: FileHandle;
    try {
      handle = await open(path, 'wx+');
    } catch (err) {
      // Left empty by an earlier attempt whose directory fsync failed: reuse it. A non-empty one
      // would hold records this topic does not know of, so that stays an error.
      if (errnoCode(err) !== 'EEXIST' || (await stat(path)).size !== 0) throw err;
      handle = await open(path, 'r+');
    }
    try {
      await fsyncDir(this.dir);
    } catch (err) {
      await handle.close();
      throw err;
    }
    return { segment: { base, path, size: 0, index: new SparseIndex(this.options.indexIntervalBytes) }, handle };
  }

  private async recover(parentDir: string): Promise<void> {
    try {
      await mkdir(this.dir, { recursive: true });
      await fsyncDir(parentDir);
      const found = await listSegments(this.dir);
      if (found.length === 0) {
        const first = await this.createSegment(0);
        this.segments = [first.segment];
        this.writer = first.handle;
        return;
      }
      const segments: Segment[] = [];
      for (const f of found) segments.push({ ...f, size: (await stat(f.path)).size });
      const last = segments[segments.length - 1]!;
      const count = await this.recoverTail(last);
      this.segments = segments;
      this.nextOffsetValue = last.base + count;
      this.writer = await open(last.path, 'r+');
    } catch (err) {
      if (isDoraError(err)) throw err;
      throw unavailable(`cannot open event log topic ${this.name} in ${this.dir}`, err);
    }
  }

  /**
   * Verifies the last segment and cuts off a torn tail. What follows the first bad frame is a torn
   * tail when it cannot hold acknowledged data: the frame runs past the end of the file (a write cut
   * short), or no more than one write batch follows it (a batch is acknowledged only after its
   * fsync, so at most the last one can be half on disk). More than that after a bad frame means
   * acknowledged records are damaged: refuse to open rather than silently drop them.
   */
  private async recoverTail(last: Segment): Promise<number> {
    const scan = await scanSegment(last.path, last.base, last.size, this.options.indexIntervalBytes);
    last.index = scan.index;
    if (scan.kind === 'clean') return scan.count;
    const tail = last.size - scan.position;
    if (!scan.pastEnd && tail > this.options.writeBatchBytes) {
      throw new DoraError(
        'EVENT_LOG_CORRUPT',
        `${last.path}: bad frame at byte ${scan.position} (${scan.reason}) followed by ${tail} bytes, more than one ` +
          `write batch, so acknowledged records are damaged. Restore the file from a backup, or truncate it to ` +
          `${scan.position} bytes to give up everything from offset ${last.base + scan.count} on.`,
      );
    }
    const handle = await open(last.path, 'r+');
    try {
      await handle.truncate(scan.position);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    last.size = scan.position;
    this.options.onRecover?.({ topic: this.name, segment: last.path, truncatedBytes: tail, reason: scan.reason });
    return scan.count;
  }

  /**
   * The sparse index of a segment, scanning a sealed segment the first time it is needed. A
   * damaged sealed segment is not indexed for good, but a seek to a record before the damage still
   * works (the damage is reported when a reader reaches it).
   */
  private async indexFor(segment: Segment, offset: number): Promise<SparseIndex> {
    if (segment.index) return segment.index;
    const scan = await scanSegment(segment.path, segment.base, segment.size, this.options.indexIntervalBytes);
    if (scan.kind === 'bad') {
      if (offset < segment.base + scan.count) return scan.index;
      throw this.corrupt(segment, scan.position, scan.reason);
    }
    const following = this.segments[this.segmentIndex(segment.base) + 1];
    if (following && segment.base + scan.count !== following.base) {
      throw this.corrupt(segment, segment.size, `holds ${scan.count} records but the next segment starts at ${following.base}`);
    }
    segment.index = scan.index;
    return scan.index;
  }

  private corrupt(segment: Segment, position: number, reason: string): DoraError {
    return new DoraError('EVENT_LOG_CORRUPT', `${segment.path}: corrupt record at byte ${position}: ${reason}`);
  }

  private lastSegment(): Segment {
    return this.segments[this.segments.length - 1]!;
  }

  /** Position in `segments` of the segment holding `offset`: the last one whose base is <= offset. */
  private segmentPosition(offset: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.segments[mid]!.base <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private segmentFor(offset: number): Segment {
    return this.segments[this.segmentPosition(offset)]!;
  }

  private segmentIndex(base: number): number {
    const i = this.segmentPosition(base);
    if (this.segments[i]?.base !== base) throw new DoraError('EVENT_LOG_CORRUPT', `${this.name}: no segment starts at offset ${base}`);
    return i;
  }
}
