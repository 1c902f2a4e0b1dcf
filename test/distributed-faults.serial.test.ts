/**
 * Faults in the distributed shape (runs alone: it stops the shared broker). Every acknowledged
 * delivery must be counted exactly once after (1) the transform process is killed mid-batch and
 * restarted, and (2) the Kafka broker is stopped mid-stream and started again.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { send, type Delivery } from './support/github-fixtures.js';
import { steadyScenario, percentile, WINDOW, type DoraCounts } from './support/crash-scenario.js';
import { pollJson, TEST_SECRET, TEST_TOKEN } from './support/instance.js';
import { startDistributed, dropDatabase, type Distributed } from './support/distributed.js';
import { waitFor } from './support/wait.js';

const started: Distributed[] = [];
afterAll(async () => {
  for (const d of started) {
    await d.stop();
    await dropDatabase(d.env);
  }
});

function services(command: string): void {
  const r = spawnSync('bash', ['scripts/services.sh', command, process.env.DORA_SERVICES_DIR ?? '.services'], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`services.sh ${command} failed: ${r.stderr}`);
}

/** Sends like GitHub's redelivery tooling would: until acknowledged, backing off on 503/refusals. */
async function deliverUntilAcknowledged(url: string, d: Delivery, seen503: { count: number }): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const status = await send(url, TEST_SECRET, d).catch(() => 0);
    if (status === 202) return;
    if (status === 503) seen503.count += 1;
    else if (status !== 0) throw new Error(`unexpected status ${status}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('delivery never acknowledged');
}

async function settledCounts(dist: Distributed, n: number): Promise<DoraCounts> {
  const api = () => fetch(`${dist.api.url}/api/v1/dora?from=${WINDOW.from}&to=${WINDOW.to}`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
  const body = await pollJson<DoraCounts>(api, (b) => b.deploymentFrequency.deployments >= n && b.leadTime.changes >= 2 * n, 90_000);
  await new Promise((r) => setTimeout(r, 2_000));
  expect((await (await api()).json()) as DoraCounts).toEqual(body);
  return body;
}

describe('distributed faults', () => {
  it('transform killed mid-batch and restarted: nothing lost, nothing doubled', async () => {
    const dist = await startDistributed();
    started.push(dist);
    const n = 200;
    const { deliveries, leads } = steadyScenario('acme/transform-kill', n);
    const ack = { count: 0 };
    await Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        for (let i = w; i < deliveries.length; i += 8) await deliverUntilAcknowledged(dist.ingest.url, deliveries[i]!, ack);
      }),
    );
    // Kill as soon as transform has written part of the facts.
    const api = () => fetch(`${dist.api.url}/api/v1/dora?from=${WINDOW.from}&to=${WINDOW.to}`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    await waitFor('transform to be mid-stream', async () => {
      const b = (await (await api()).json()) as DoraCounts;
      return b.deploymentFrequency.deployments > 0 || b.leadTime.changes > 0;
    }, 60_000);
    await dist.transform.kill('SIGKILL');
    await dist.restartTransform();
    const body = await settledCounts(dist, n);
    expect(body.deploymentFrequency.deployments).toBe(n);
    expect(body.leadTime.changes).toBe(2 * n);
    expect(body.leadTime.p50Seconds).toBe(percentile(leads, 0.5));
    expect(body.leadTime.p90Seconds).toBe(percentile(leads, 0.9));
  });

  it('broker stopped mid-stream: ingest answers 503, recovers by itself, every acknowledged delivery counted once', async () => {
    const dist = await startDistributed();
    started.push(dist);
    const n = 150;
    const { deliveries, leads } = steadyScenario('acme/broker-stop', n);
    const refused = { count: 0 };
    let acknowledged = 0;
    let stopped = false;
    let readyWhileDown: number | undefined;
    const outage = (async () => {
      await waitFor('a third acknowledged', () => acknowledged >= deliveries.length / 3, 60_000);
      services('kafka-stop');
      stopped = true;
      await new Promise((r) => setTimeout(r, 4_000));
      readyWhileDown = (await fetch(`${dist.ingest.url}/readyz`)).status;
      services('kafka-start');
    })();
    for (const d of deliveries) {
      await deliverUntilAcknowledged(dist.ingest.url, d, refused);
      acknowledged += 1;
      if (acknowledged === Math.ceil(deliveries.length / 3)) await waitFor('broker stopped', () => stopped, 60_000);
    }
    await outage;
    expect(refused.count).toBeGreaterThan(0);
    expect(readyWhileDown).toBe(503);
    const body = await settledCounts(dist, n);
    expect(body.deploymentFrequency.deployments).toBe(n);
    expect(body.leadTime.changes).toBe(2 * n);
    expect(body.leadTime.p50Seconds).toBe(percentile(leads, 0.5));
    expect(body.leadTime.p90Seconds).toBe(percentile(leads, 0.9));
  });
});
