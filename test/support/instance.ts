/** Starts a real in-process instance of a role on a free port, with a throwaway data dir. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../app/config.js';
import { createLogger } from '../../app/logger.js';
import { runRole, type Role, type Running } from '../../app/runtime.js';

export const TEST_SECRET = 'test-github-secret-0123456789';
export const TEST_TOKEN = 'test-api-token-0123456789abcdef';

export interface Instance extends Running {
  config: Config;
  dataDir: string;
  api(path: string, init?: RequestInit): Promise<Response>;
  cleanup(): Promise<void>;
}

export async function startInstance(
  role: Role = 'start',
  env: Record<string, string> = {},
  dataDir?: string,
): Promise<Instance> {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'dora-test-')));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DORA_DATA_DIR: dir,
    DORA_LOG_LEVEL: 'silent',
    GITHUB_WEBHOOK_SECRET: TEST_SECRET,
    DORA_API_TOKEN: TEST_TOKEN,
    ...env,
  });
  const running = await runRole(role, config, createLogger(config.DORA_LOG_LEVEL));
  let stopped = false;
  return {
    ...running,
    config,
    dataDir: dir,
    api: (path, init) =>
      fetch(`${running.url}${path}`, { ...init, headers: { authorization: `Bearer ${TEST_TOKEN}`, ...(init?.headers ?? {}) } }),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await running.stop();
    },
    cleanup: async () => {
      if (!stopped) {
        stopped = true;
        await running.stop();
      }
      if (!dataDir) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Polls a JSON endpoint until `done(body)` holds; returns the last body. */
export async function pollJson<T>(get: () => Promise<Response>, done: (body: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    const res = await get();
    if (res.ok) {
      last = (await res.json()) as T;
      if (done(last)) return last;
    } else {
      await res.arrayBuffer();
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`condition not met within ${timeoutMs} ms; last body: ${JSON.stringify(last)}`);
}
