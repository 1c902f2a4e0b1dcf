/**
 * File operations whose result must survive a power cut: a rename or a new file is only durable
 * once its directory is fsynced too (POSIX leaves directory entries to the directory's own fsync).
 */
import { open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

export function errnoCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

/** Fsyncs a directory so entries created, renamed or removed in it are durable. */
export async function fsyncDir(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } catch (err) {
    // Some platforms (Windows) and file systems cannot fsync a directory; nothing more to do there.
    if (!['EINVAL', 'EISDIR', 'EPERM', 'EBADF'].includes(errnoCode(err) ?? '')) throw err;
  } finally {
    await handle.close();
  }
}

/** Replaces `path` with `data` so a crash leaves either the old or the new content, never a mix. */
export async function writeFileAtomic(path: string, data: string | Buffer): Promise<void> {
  const temp = `${path}.tmp`;
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
  await fsyncDir(dirname(path));
}

/** The file's content, or undefined when it does not exist. */
export async function readFileIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw err;
  }
}
