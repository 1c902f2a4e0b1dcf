/**
 * CRC-32 (IEEE, as zlib and gzip compute it) for frame checksums.
 *
 * Node has `zlib.crc32` since 20.15 / 22.2 (native, fast). package.json allows any Node 20, so
 * older 20.x fall back to a small table-driven implementation with the same chaining semantics:
 * crc32(b, crc32(a)) === crc32(a ++ b).
 */
import * as zlib from 'node:zlib';

export type Crc32 = (data: Uint8Array, previous?: number) => number;

const TABLE = ((): Uint32Array => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export const tableCrc32: Crc32 = (data, previous = 0) => {
  let crc = ~previous >>> 0;
  for (let i = 0; i < data.length; i++) {
    crc = TABLE[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  }
  return ~crc >>> 0;
};

// Typed as optional on purpose: @types/node declares it, but a Node 20 older than 20.15 lacks it.
const native = (zlib as { crc32?: Crc32 }).crc32;

export const crc32: Crc32 = typeof native === 'function' ? (data, previous) => native(data, previous ?? 0) : tableCrc32;
