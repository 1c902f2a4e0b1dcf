/**
 * Committed consumer offsets of one topic: one small file per group under `<topic>/groups/`,
 * holding the next offset to consume (Kafka's convention). Each commit replaces the file
 * atomically (temp file, fsync, rename, fsync dir), so a crash leaves the old or the new offset.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DoraError } from '../../ports/errors.js';
import { fsyncDir, readFileIfExists, writeFileAtomic } from './durable-fs.js';
import { groupFileName } from './names.js';

export class OffsetStore {
  private readonly dir: string;
  private dirReady: Promise<void> | undefined;

  constructor(private readonly topicDir: string) {
    this.dir = join(topicDir, 'groups');
  }

  /** The committed offset of `groupId`, or undefined when the group never committed. */
  async read(groupId: string): Promise<number | undefined> {
    const path = join(this.dir, groupFileName(groupId));
    const content = await readFileIfExists(path);
    if (content === undefined) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(content.toString('utf8'));
    } catch {
      parsed = undefined;
    }
    const offset = typeof parsed === 'object' && parsed !== null && 'offset' in parsed ? Number(parsed.offset) : Number.NaN;
    if (!Number.isSafeInteger(offset) || offset < 0) {
      throw new DoraError('EVENT_LOG_CORRUPT', `${path}: not a committed offset: ${JSON.stringify(content.toString('utf8').slice(0, 100))}`);
    }
    return offset;
  }

  async commit(groupId: string, offset: number): Promise<void> {
    this.dirReady ??= mkdir(this.dir, { recursive: true }).then(() => fsyncDir(this.topicDir));
    try {
      await this.dirReady;
    } catch (err) {
      this.dirReady = undefined;
      throw err;
    }
    await writeFileAtomic(join(this.dir, groupFileName(groupId)), `${JSON.stringify({ groupId, offset: String(offset) })}\n`);
  }
}
