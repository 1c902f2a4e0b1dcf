/**
 * The on-disk frame of one record. All integers big-endian.
 *
 *   u32 bodyLength | u32 crc32(bodyLength bytes ++ body) | body
 *   body = u8 version | u64 offset | u64 timestampMs | u32 keyLength | key (UTF-8)
 *        | u32 headersLength | headers (UTF-8 JSON object, empty when none) | u32 valueLength | value
 *
 * The CRC covers the length field too, so a corrupted length is caught like corrupted bytes.
 * Appends are encoded when they are submitted (so a bad record fails only its own caller) and
 * sealed (offset, timestamp, CRC) when their group-commit batch is written.
 */
import type { LogRecord } from '../../ports/event-log.js';
import { DoraError } from '../../ports/errors.js';
import { crc32 } from './crc32.js';

export const FRAME_HEADER_BYTES = 8;
export const FORMAT_VERSION = 1;
const FIXED_BODY_BYTES = 1 + 8 + 8 + 4 + 4 + 4;
const MAX_BODY_BYTES = 0xffffffff;
const TWO_32 = 2 ** 32;

export interface DecodedRecord {
  offset: number;
  timestamp: number;
  key: string;
  headers: Record<string, string>;
  value: Buffer;
}

/** What a frame header says about the frame starting at `at`; decided without reading the body. */
export type FrameHeader =
  | { kind: 'frame'; frameBytes: number }
  | { kind: 'bad'; reason: string };

/** Outcome of checking a complete frame. */
export type FrameCheck =
  | { kind: 'frame'; frameBytes: number; offset: number; body: Buffer }
  | { kind: 'bad'; reason: string };

function writeU64(buf: Buffer, value: number, at: number): void {
  buf.writeUInt32BE(Math.floor(value / TWO_32), at);
  buf.writeUInt32BE(value >>> 0, at + 4);
}

function readU64(buf: Buffer, at: number): number {
  return buf.readUInt32BE(at) * TWO_32 + buf.readUInt32BE(at + 4);
}

/** Encodes one append's records into consecutive frames, offsets and CRCs not yet filled in. */
export function encodeFrames(records: LogRecord[]): Buffer {
  const parts = records.map((r) => {
    const key = Buffer.from(r.key, 'utf8');
    const headers = r.headers && Object.keys(r.headers).length > 0 ? Buffer.from(JSON.stringify(r.headers), 'utf8') : undefined;
    const bodyBytes = FIXED_BODY_BYTES + key.length + (headers?.length ?? 0) + r.value.length;
    if (bodyBytes > MAX_BODY_BYTES) {
      throw new DoraError('EVENT_LOG_UNAVAILABLE', `record too large for the embedded log: ${bodyBytes} bytes (max 4 GiB)`);
    }
    return { key, headers, value: r.value, bodyBytes };
  });
  const total = parts.reduce((sum, p) => sum + FRAME_HEADER_BYTES + p.bodyBytes, 0);
  const buf = Buffer.allocUnsafe(total);
  let at = 0;
  for (const p of parts) {
    buf.writeUInt32BE(p.bodyBytes, at);
    buf.writeUInt32BE(0, at + 4);
    let b = at + FRAME_HEADER_BYTES;
    buf.writeUInt8(FORMAT_VERSION, b);
    buf.fill(0, b + 1, b + 17); // offset and timestamp: set by sealFrames
    b += 17;
    buf.writeUInt32BE(p.key.length, b);
    b += 4 + p.key.copy(buf, b + 4);
    buf.writeUInt32BE(p.headers?.length ?? 0, b);
    b += 4 + (p.headers?.copy(buf, b + 4) ?? 0);
    buf.writeUInt32BE(p.value.length, b);
    b += 4;
    b += p.value.copy(buf, b);
    at = b;
  }
  return buf;
}

/**
 * Fills in offsets (from `firstOffset`, one per frame), the timestamp and the CRCs of the frames in
 * `buf`. Returns each frame's size in bytes, in order (the caller indexes them).
 */
export function sealFrames(buf: Buffer, firstOffset: number, timestamp: number): number[] {
  const sizes: number[] = [];
  let at = 0;
  while (at < buf.length) {
    const bodyBytes = buf.readUInt32BE(at);
    const body = at + FRAME_HEADER_BYTES;
    writeU64(buf, firstOffset + sizes.length, body + 1);
    writeU64(buf, timestamp, body + 9);
    const end = body + bodyBytes;
    buf.writeUInt32BE(crc32(buf.subarray(body, end), crc32(buf.subarray(at, at + 4))), at + 4);
    sizes.push(end - at);
    at = end;
  }
  return sizes;
}

/** Reads the length of the frame at `at`; needs FRAME_HEADER_BYTES bytes. */
export function readFrameHeader(buf: Buffer, at: number): FrameHeader {
  const bodyBytes = buf.readUInt32BE(at);
  if (bodyBytes < FIXED_BODY_BYTES) return { kind: 'bad', reason: `impossible body length ${bodyBytes}` };
  return { kind: 'frame', frameBytes: FRAME_HEADER_BYTES + bodyBytes };
}

/** Verifies the complete frame at `at` (CRC, version, inner lengths). */
export function checkFrame(buf: Buffer, at: number): FrameCheck {
  const header = readFrameHeader(buf, at);
  if (header.kind === 'bad') return header;
  const body = buf.subarray(at + FRAME_HEADER_BYTES, at + header.frameBytes);
  const expected = buf.readUInt32BE(at + 4);
  if (crc32(body, crc32(buf.subarray(at, at + 4))) !== expected) return { kind: 'bad', reason: 'checksum mismatch' };
  if (body.readUInt8(0) !== FORMAT_VERSION) return { kind: 'bad', reason: `unknown format version ${body.readUInt8(0)}` };
  const keyBytes = body.readUInt32BE(17);
  const headersAt = 21 + keyBytes;
  if (headersAt + 4 > body.length) return { kind: 'bad', reason: 'key length beyond the frame' };
  const headersBytes = body.readUInt32BE(headersAt);
  const valueAt = headersAt + 4 + headersBytes;
  if (valueAt + 4 > body.length || valueAt + 4 + body.readUInt32BE(valueAt) !== body.length) {
    return { kind: 'bad', reason: 'inner lengths do not add up' };
  }
  return { kind: 'frame', frameBytes: header.frameBytes, offset: readU64(body, 1), body };
}

/**
 * Decodes a body that checkFrame accepted. The value is copied so a consumer that keeps it does
 * not pin the whole read buffer it came from.
 */
export function decodeBody(body: Buffer): DecodedRecord {
  const keyBytes = body.readUInt32BE(17);
  const key = body.toString('utf8', 21, 21 + keyBytes);
  const headersAt = 21 + keyBytes;
  const headersBytes = body.readUInt32BE(headersAt);
  const headers = headersBytes === 0 ? {} : parseHeaders(body.toString('utf8', headersAt + 4, headersAt + 4 + headersBytes));
  const valueAt = headersAt + 4 + headersBytes + 4;
  return {
    offset: readU64(body, 1),
    timestamp: readU64(body, 9),
    key,
    headers,
    value: Buffer.from(body.subarray(valueAt)),
  };
}

function parseHeaders(json: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (cause) {
    throw new DoraError('EVENT_LOG_CORRUPT', 'record headers are not valid JSON', { cause });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new DoraError('EVENT_LOG_CORRUPT', 'record headers are not a JSON object');
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed)) headers[k] = String(v);
  return headers;
}
