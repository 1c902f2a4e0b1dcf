/**
 * One process per data dir: a `LOCK` file naming its owner (pid, host). Two writers appending to
 * the same segment files would interleave frames and corrupt the log, so a second open fails fast.
 *
 * The file is created atomically with its content (written to a temp file, then hard-linked into
 * place, which fails if LOCK exists), so nobody ever sees an empty LOCK. A LOCK whose process is
 * gone (crash, kill -9) is stale and taken over.
 */
import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { DoraError } from '../../ports/errors.js';
import { errnoCode, fsyncDir } from './durable-fs.js';

interface LockOwner {
  pid: number;
  host: string;
}

// Locks this process holds: a LOCK naming our own pid but not in here was left by an earlier run
// that had the same pid (usual in containers, where the server is often pid 1).
const heldHere = new Set<string>();

export class DirLock {
  private constructor(private readonly path: string) {}

  static async acquire(dir: string): Promise<DirLock> {
    const path = resolve(join(dir, 'LOCK'));
    if (heldHere.has(path)) {
      throw new DoraError('EVENT_LOG_UNAVAILABLE', `the event log in ${dir} is already open in this process`);
    }
    // Reserved before the first await, so two opens in this process cannot both get through.
    heldHere.add(path);
    let acquired = false;
    const me: LockOwner = { pid: process.pid, host: hostname() };
    const temp = `${path}.${process.pid}.tmp`;
    try {
      await writeFile(temp, `${JSON.stringify(me)}\n`, { mode: 0o644 });
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          await link(temp, path);
        } catch (err) {
          if (errnoCode(err) !== 'EEXIST') throw err;
          const owner = await readOwner(path);
          if (owner && isAlive(owner)) {
            throw new DoraError(
              'EVENT_LOG_UNAVAILABLE',
              `the event log in ${dir} is in use by process ${owner.pid} on ${owner.host} (${path}); ` +
                `only one process may open it. If that process is gone, delete ${path}.`,
            );
          }
          await unlink(path).catch((e: unknown) => {
            if (errnoCode(e) !== 'ENOENT') throw e;
          });
          continue;
        }
        // Re-read: a process racing us on the same stale lock may have replaced it in between.
        const owner = await readOwner(path);
        if (owner?.pid !== me.pid || owner.host !== me.host) continue;
        await fsyncDir(dir);
        acquired = true;
        return new DirLock(path);
      }
      throw new DoraError('EVENT_LOG_UNAVAILABLE', `could not take the lock ${path}: another process keeps taking it`);
    } catch (err) {
      if (err instanceof DoraError) throw err;
      throw new DoraError('EVENT_LOG_UNAVAILABLE', `cannot lock the event log in ${dir}`, { cause: err });
    } finally {
      if (!acquired) heldHere.delete(path);
      await unlink(temp).catch(() => undefined);
    }
  }

  /** Removes LOCK if it is still ours. */
  async release(): Promise<void> {
    if (!heldHere.has(this.path)) return;
    try {
      const owner = await readOwner(this.path);
      if (owner?.pid === process.pid && owner.host === hostname()) await unlink(this.path).catch(() => undefined);
    } finally {
      // Only now: until LOCK is gone, another open in this process must not treat it as stale.
      heldHere.delete(this.path);
    }
  }
}

/** The recorded owner; undefined when the file is gone or unreadable (then it is stale). */
async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    const parsed: unknown = JSON.parse(await readFile(path, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { pid, host } = parsed as Record<string, unknown>;
    return typeof pid === 'number' && typeof host === 'string' ? { pid, host } : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(owner: LockOwner): boolean {
  // A pid on another host cannot be checked from here (shared volume): assume it is alive.
  if (owner.host !== hostname()) return true;
  if (owner.pid === process.pid) return false; // not in heldHere, so an earlier run's leftover
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (err) {
    return errnoCode(err) === 'EPERM'; // exists, but belongs to another user
  }
}
