/**
 * A process killed with SIGKILL mid-stream (ingest and transform both in flight) loses no
 * acknowledged delivery and counts nothing twice once restarted and the senders retry.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDora, freePort, type DoraProcess } from './support/child-process.js';
import { send } from './support/github-fixtures.js';
import { steadyScenario, percentile, WINDOW, type DoraCounts } from './support/crash-scenario.js';
import { pollJson, TEST_SECRET, TEST_TOKEN } from './support/instance.js';

const REPO = 'acme/crash';
const N = 150;

describe('crash recovery', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('kill -9 mid-stream, restart, senders retry: every acknowledged delivery counted exactly once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dora-crash-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const env = { DORA_DATA_DIR: dir, GITHUB_WEBHOOK_SECRET: TEST_SECRET, DORA_API_TOKEN: TEST_TOKEN };
    const port = await freePort();
    let dora: DoraProcess = await startDora('start', env, port);
    cleanups.push(() => dora.kill());

    const { deliveries, leads } = steadyScenario(REPO, N);
    const acknowledged = new Set<string>();
    let next = 0;
    let killed = false;
    const worker = async () => {
      while (next < deliveries.length) {
        const d = deliveries[next++]!;
        try {
          if ((await send(dora.url, TEST_SECRET, d)) === 202) acknowledged.add(d.id);
        } catch {
          // connection refused or reset: not acknowledged, the sender will retry
        }
        if (!killed && acknowledged.size >= deliveries.length * 0.4) {
          killed = true;
          await dora.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(killed).toBe(true);
    expect(acknowledged.size).toBeLessThan(deliveries.length);

    dora = await startDora('start', env, port);
    // Senders retry what was not acknowledged; a few acknowledged ones are redelivered by hand too.
    for (const d of deliveries) {
      if (!acknowledged.has(d.id)) expect(await send(dora.url, TEST_SECRET, d)).toBe(202);
    }
    for (const d of deliveries.slice(0, 20)) expect(await send(dora.url, TEST_SECRET, d)).toBe(202);

    const api = () => fetch(`${dora.url}/api/v1/dora?from=${WINDOW.from}&to=${WINDOW.to}`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    type Body = DoraCounts;
    const body = await pollJson<Body>(api, (b) => b.deploymentFrequency.deployments >= N && b.leadTime.changes >= 2 * N, 60_000);
    await new Promise((r) => setTimeout(r, 1_000));
    const settled = (await (await api()).json()) as Body;
    expect(settled).toEqual(body);
    expect(body.deploymentFrequency.deployments).toBe(N);
    expect(body.leadTime.changes).toBe(2 * N);
    expect(body.leadTime.p50Seconds).toBe(percentile(leads, 0.5));
    expect(body.leadTime.p90Seconds).toBe(percentile(leads, 0.9));
  });
});
