/** Small measuring helpers: send deliveries with bounded concurrency, time things, print rows. */
import { signature, type Delivery } from '../test/support/github-fixtures.js';

export interface Prepared {
  event: string;
  id: string;
  raw: string;
}

export function prepare(deliveries: Delivery[]): Prepared[] {
  return deliveries.map((d) => ({ event: d.event, id: d.id, raw: JSON.stringify(d.body) }));
}

/** POSTs every delivery with `concurrency` in flight; returns deliveries per second. */
export async function blast(url: string, secret: string, items: Prepared[], concurrency = 32): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const d = items[next++]!;
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-github-event': d.event,
            'x-github-delivery': d.id,
            'x-hub-signature-256': signature(secret, d.raw),
          },
          body: d.raw,
        });
        await res.arrayBuffer();
        if (res.status !== 202) throw new Error(`delivery answered ${res.status}`);
      }
    }),
  );
  return items.length / ((performance.now() - started) / 1000);
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

export function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((s.length - 1) * q))]!;
}

export async function latencies(n: number, fn: () => Promise<void>): Promise<{ p50: number; p95: number }> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return { p50: quantile(out, 0.5), p95: quantile(out, 0.95) };
}

export function row(name: string, value: number, unit: string, baselineName?: string, baseline?: number): void {
  const ratio = baseline ? `  ratio ${(value / baseline).toPrecision(2)} of ${baselineName} (${baseline.toFixed(1)} ${unit})` : '';
  process.stdout.write(`${name.padEnd(46)} ${value.toFixed(1).padStart(10)} ${unit}${ratio}\n`);
}
