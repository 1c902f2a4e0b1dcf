/**
 * The demo's sender against an in-process stub receiver (node:http): GitHub's headers and
 * signature, bounded concurrency, retries on 503, and a loud failure with the body on a 4xx.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sendAll } from '../demo/send.js';

const SECRET = 'stub-secret-0123456789';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server | undefined;

async function stub(answer: (req: Received, n: number) => { status: number; body?: string; delayMs?: number }) {
  const received: Received[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      const a = answer(r, received.length);
      setTimeout(() => {
        inFlight -= 1;
        res.writeHead(a.status, { 'content-type': 'application/json' }).end(a.body ?? '{}');
      }, a.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, maxInFlight: () => maxInFlight };
}

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

const deliveries = Array.from({ length: 40 }, (_, i) => ({ event: 'push', payload: { n: i, repository: { full_name: 'acme/x' } } }));

describe('demo sender', () => {
  it('signs the exact bytes and sends GitHub\'s headers, a fresh delivery id each', async () => {
    const s = await stub(() => ({ status: 202, delayMs: 5 }));
    const result = await sendAll(deliveries, { url: `${s.url}/`, secret: SECRET, concurrency: 4 });
    expect(result.sent).toBe(40);
    expect(s.received).toHaveLength(40);
    for (const r of s.received) {
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['x-github-event']).toBe('push');
      expect(r.headers['user-agent']).toBe('GitHub-Hookshot/demo');
      expect(r.headers['x-hub-signature-256']).toBe(`sha256=${createHmac('sha256', SECRET).update(r.body).digest('hex')}`);
      expect(r.headers['x-github-delivery']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect(new Set(s.received.map((r) => r.headers['x-github-delivery'])).size).toBe(40);
    expect(s.maxInFlight()).toBeLessThanOrEqual(4);
    expect(s.maxInFlight()).toBeGreaterThan(1);
  });

  it('retries 503 with the same delivery id until accepted', async () => {
    const s = await stub((_r, n) => (n % 3 === 1 ? { status: 503, body: '{"error":"unavailable"}' } : { status: 202 }));
    const result = await sendAll(deliveries.slice(0, 6), { url: s.url, secret: SECRET, concurrency: 1 });
    expect(result.sent).toBe(6);
    expect(result.retries).toBeGreaterThan(0);
    const ids = s.received.map((r) => r.headers['x-github-delivery']);
    expect(new Set(ids).size).toBe(6);
    expect(ids.length).toBe(6 + result.retries);
  });

  it('fails loudly on a 4xx, with the response body', async () => {
    const s = await stub(() => ({ status: 400, body: '{"error":"bad_request","message":"invalid push payload: ref: Required"}' }));
    await expect(sendAll(deliveries, { url: s.url, secret: SECRET, concurrency: 2 })).rejects.toThrow(/HTTP 400 .*invalid push payload: ref: Required/);
    // It stops instead of sending the rest.
    expect(s.received.length).toBeLessThanOrEqual(2);
  });
});
