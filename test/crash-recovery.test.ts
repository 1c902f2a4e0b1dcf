/**
 * A process killed with SIGKILL mid-stream (ingest and transform both in flight) loses no
 * acknowledged delivery and counts nothing twice once restarted and the senders retry.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDora, freePort, type DoraProcess } from './support/child-process.js';
import { deploymentStatus, push, send, sha, type Delivery } from './support/github-fixtures.js';
import { pollJson, TEST_SECRET, TEST_TOKEN } from './support/instance.js';

const REPO = 'acme/crash';
const HOUR = 3_600_000;
const T0 = Date.parse('2026-03-02T00:00:00Z');
const N = 150;

/** N pushes of two commits, each deployed to production: every lead time known in advance. */
function scenario(): { deliveries: Delivery[]; leads: number[] } {
  const deliveries: Delivery[] = [];
  const leads: number[] = [];
  let head: string | null = null;
  for (let i = 0; i < N; i++) {
    const deployAt = T0 + i * 4 * HOUR;
    const leadA = ((i % 7) + 1) * HOUR;
    const leadB = ((i % 5) + 1) * 10 * 60_000;
    const a = `crash-${i}-a`;
    const b = `crash-${i}-b`;
    deliveries.push(push(REPO, 'refs/heads/main', head, [[a, new Date(deployAt - leadA).toISOString()], [b, new Date(deployAt - leadB).toISOString()]]));
    deliveries.push(deploymentStatus(REPO, 1000 + i, sha(b), 'production', 'success', new Date(deployAt).toISOString(), 5000 + i));
    leads.push(leadA / 1000, leadB / 1000);
    head = sha(b);
  }
  return { deliveries, leads };
}

function percentile(values: number[], q: number): number {
  const s = [...values].sort((x, y) => x - y);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

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

    const { deliveries, leads } = scenario();
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

    const from = new Date(T0 - 30 * 86_400_000).toISOString();
    const to = new Date(T0 + 60 * 86_400_000).toISOString();
    const api = () => fetch(`${dora.url}/api/v1/dora?from=${from}&to=${to}`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    type Body = { deploymentFrequency: { deployments: number }; leadTime: { changes: number; p50Seconds: number; p90Seconds: number } };
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
