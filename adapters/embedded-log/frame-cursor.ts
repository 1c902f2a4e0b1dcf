/**
 * Walks the frames of a byte range of a segment file, in order, reading in chunks so that small
 * records cost one read per ~1 MiB rather than one per record. A frame larger than a chunk is read
 * on its own. Every frame is checksum-verified; problems come back as values, not exceptions, so
 * recovery can tell a torn tail from corruption.
 */
import type { FileHandle } from 'node:fs/promises';
import { checkFrame, FRAME_HEADER_BYTES, readFrameHeader } from './frame-codec.js';

const CHUNK_BYTES = 1024 * 1024;

export type CursorStep =
  /** A verified frame; `position` is where it starts, `body` stays valid until the next call. */
  | { kind: 'frame'; position: number; frameBytes: number; offset: number; body: Buffer }
  /** The next frame is bigger than the budget the caller passed; nothing was consumed. */
  | { kind: 'over-budget'; position: number; frameBytes: number }
  | { kind: 'end'; position: number }
  /** `pastEnd`: the frame claims to run past `end` (what a write cut short by a crash looks like). */
  | { kind: 'bad'; position: number; reason: string; pastEnd: boolean };

export class FrameCursor {
  private buf: Buffer = Buffer.alloc(0);
  private bufStart = 0;

  constructor(
    private readonly handle: FileHandle,
    private position: number,
    private readonly end: number,
  ) {}

  async next(budgetBytes = Number.POSITIVE_INFINITY): Promise<CursorStep> {
    const at = this.position;
    if (at >= this.end) return { kind: 'end', position: at };
    if (at + FRAME_HEADER_BYTES > this.end) return { kind: 'bad', position: at, reason: 'incomplete frame header', pastEnd: true };
    if (!(await this.ensure(at, FRAME_HEADER_BYTES))) return this.shortRead(at);
    const header = readFrameHeader(this.buf, at - this.bufStart);
    if (header.kind === 'bad') return { kind: 'bad', position: at, reason: header.reason, pastEnd: false };
    if (at + header.frameBytes > this.end) {
      return { kind: 'bad', position: at, reason: `frame of ${header.frameBytes} bytes runs past the end`, pastEnd: true };
    }
    if (header.frameBytes > budgetBytes) return { kind: 'over-budget', position: at, frameBytes: header.frameBytes };
    if (!(await this.ensure(at, header.frameBytes))) return this.shortRead(at);
    const check = checkFrame(this.buf, at - this.bufStart);
    if (check.kind === 'bad') return { kind: 'bad', position: at, reason: check.reason, pastEnd: false };
    this.position = at + check.frameBytes;
    return { kind: 'frame', position: at, frameBytes: check.frameBytes, offset: check.offset, body: check.body };
  }

  private shortRead(at: number): CursorStep {
    return { kind: 'bad', position: at, reason: 'file is shorter than expected', pastEnd: true };
  }

  /** Makes bytes [at, at + length) available in `buf`; false when the file ends first. */
  private async ensure(at: number, length: number): Promise<boolean> {
    if (at >= this.bufStart && at + length <= this.bufStart + this.buf.length) return true;
    const size = Math.min(Math.max(length, CHUNK_BYTES), this.end - at);
    const buf = Buffer.allocUnsafe(size);
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await this.handle.read(buf, filled, size - filled, at + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    this.buf = buf.subarray(0, filled);
    this.bufStart = at;
    return filled >= length;
  }
}
