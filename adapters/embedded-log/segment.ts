/**
 * A segment: one file of consecutive frames, named after the offset of its first record
 * (20 digits, so names sort like offsets). Only the last segment of a topic takes appends.
 */
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FrameCursor } from './frame-cursor.js';
import { SparseIndex } from './sparse-index.js';

const SEGMENT_NAME = /^(\d{20})\.seg$/;

export interface Segment {
  readonly base: number;
  readonly path: string;
  /** Bytes that are durable and readable; readers never look past this. */
  size: number;
  /** Built at recovery (last segment) or on first seek into a sealed segment. */
  index?: SparseIndex;
}

export function segmentFileName(base: number): string {
  return `${String(base).padStart(20, '0')}.seg`;
}

/** Segments found in a topic folder, in offset order. */
export async function listSegments(topicDir: string): Promise<Array<{ base: number; path: string }>> {
  const found: Array<{ base: number; path: string }> = [];
  for (const name of await readdir(topicDir)) {
    const m = SEGMENT_NAME.exec(name);
    if (m) found.push({ base: Number(m[1]), path: join(topicDir, name) });
  }
  return found.sort((a, b) => a.base - b.base);
}

export type ScanOutcome =
  | { kind: 'clean'; count: number; index: SparseIndex }
  /** Frames before `position` are valid (`count` of them, indexed); the rest is not. */
  | { kind: 'bad'; count: number; index: SparseIndex; position: number; reason: string; pastEnd: boolean };

/**
 * Reads a whole segment, verifying every frame's checksum and that offsets run base, base+1, ...
 * and indexing as it goes. Cost: one sequential read of the file.
 */
export async function scanSegment(path: string, base: number, size: number, intervalBytes: number): Promise<ScanOutcome> {
  const index = new SparseIndex(intervalBytes);
  const handle = await open(path, 'r');
  try {
    const cursor = new FrameCursor(handle, 0, size);
    let count = 0;
    for (;;) {
      const step = await cursor.next();
      if (step.kind === 'end') return { kind: 'clean', count, index };
      if (step.kind === 'bad') return { kind: 'bad', count, index, position: step.position, reason: step.reason, pastEnd: step.pastEnd };
      if (step.kind === 'over-budget') throw new Error('unreachable: scan has no budget');
      if (step.offset !== base + count) {
        return {
          kind: 'bad',
          count,
          index,
          position: step.position,
          reason: `offset ${step.offset} where ${base + count} was expected`,
          pastEnd: false,
        };
      }
      index.note(count, step.position);
      count += 1;
    }
  } finally {
    await handle.close();
  }
}
