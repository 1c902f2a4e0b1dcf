/**
 * Offset → file position index of one segment, sparse: one entry per `intervalBytes` of log, so a
 * 128 MiB segment costs ~2k entries (~24 KB) whatever the record size. A lookup gives the nearest
 * indexed frame at or before the wanted offset; the reader then skips at most `intervalBytes`.
 */
export interface IndexEntry {
  /** Offset relative to the segment's base offset. */
  relOffset: number;
  position: number;
}

export class SparseIndex {
  private relOffsets = new Uint32Array(256);
  // Float64 rather than Uint32: a segment may outgrow 4 GiB when one append is that large.
  private positions = new Float64Array(256);
  private count = 0;

  constructor(private readonly intervalBytes: number) {}

  /** Called for every frame, in offset order. */
  note(relOffset: number, position: number): void {
    if (this.count > 0 && position - this.positions[this.count - 1]! < this.intervalBytes) return;
    if (this.count === this.relOffsets.length) this.grow();
    this.relOffsets[this.count] = relOffset;
    this.positions[this.count] = position;
    this.count += 1;
  }

  /** The last entry with relOffset <= `relOffset`; the segment start when there is none. */
  floor(relOffset: number): IndexEntry {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.relOffsets[mid]! <= relOffset) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found < 0 ? { relOffset: 0, position: 0 } : { relOffset: this.relOffsets[found]!, position: this.positions[found]! };
  }

  private grow(): void {
    const rel = new Uint32Array(this.relOffsets.length * 2);
    rel.set(this.relOffsets);
    const pos = new Float64Array(this.positions.length * 2);
    pos.set(this.positions);
    this.relOffsets = rel;
    this.positions = pos;
  }
}
