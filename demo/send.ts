/**
 * Sends deliveries the way GitHub does (sources.md §1.1–1.2): POST /webhooks/github, JSON body,
 * X-GitHub-Event, a fresh X-GitHub-Delivery UUID, and X-Hub-Signature-256 = HMAC-SHA256 of the
 * exact bytes sent. Bounded concurrency keeps the instance busy without flooding it. 503 and
 * network errors are what a healthy instance answers while its log catches up, so they are
 * retried with backoff; any other refusal is a bug or a misconfiguration and stops the run.
 */
import { createHmac, randomUUID } from 'node:crypto';

export interface OutgoingDelivery {
  event: string;
  payload: unknown;
}

export interface SendOptions {
  /** Base URL of the instance, e.g. http://localhost:3000. */
  url: string;
  secret: string;
  /** Requests in flight at once (default 16). */
  concurrency?: number;
  /** Called after each accepted delivery. */
  onProgress?: (sent: number, total: number) => void;
  /** Attempts per delivery before giving up on a retryable failure (default 8). */
  maxAttempts?: number;
}

export interface SendResult {
  sent: number;
  retries: number;
}

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const REQUEST_TIMEOUT_MS = 30_000;
const MAX_BACKOFF_MS = 5_000;

export class DeliveryRejected extends Error {}

export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** Sends in list order, `concurrency` at a time; rejects on the first delivery that cannot be sent. */
export async function sendAll(deliveries: readonly OutgoingDelivery[], options: SendOptions): Promise<SendResult> {
  const endpoint = `${options.url.replace(/\/+$/, '')}/webhooks/github`;
  const concurrency = Math.max(1, options.concurrency ?? 16);
  const result: SendResult = { sent: 0, retries: 0 };
  let nextIndex = 0;
  let failure: unknown;

  const worker = async (): Promise<void> => {
    // Stop taking work once any delivery failed: the run is going to fail anyway.
    while (failure === undefined && nextIndex < deliveries.length) {
      const delivery = deliveries[nextIndex]!;
      nextIndex += 1;
      try {
        result.retries += await sendOne(endpoint, delivery, options.secret, options.maxAttempts ?? 8);
        result.sent += 1;
        options.onProgress?.(result.sent, deliveries.length);
      } catch (err) {
        failure ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, deliveries.length) }, worker));
  if (failure !== undefined) throw failure;
  return result;
}

/** Sends one delivery; resolves with the number of retries it took. */
export async function sendOne(endpoint: string, delivery: OutgoingDelivery, secret: string, maxAttempts = 8): Promise<number> {
  const body = JSON.stringify(delivery.payload);
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'GitHub-Hookshot/demo',
    'x-github-event': delivery.event,
    // One id per delivery; a retry of the same delivery keeps it, as GitHub's redeliveries do.
    'x-github-delivery': randomUUID(),
    'x-hub-signature-256': signBody(body, secret),
  };
  for (let attempt = 1; ; attempt += 1) {
    let retryReason: string;
    let retryAfterMs = 0;
    let unreachable = false;
    try {
      const res = await fetch(endpoint, { method: 'POST', headers, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      const text = await res.text();
      if (res.ok) return attempt - 1;
      if (!RETRYABLE_STATUS.has(res.status)) {
        throw new DeliveryRejected(
          `${delivery.event} delivery ${headers['x-github-delivery']} rejected by ${endpoint}: HTTP ${res.status} ${text}${hint(res.status)}`,
        );
      }
      retryReason = `HTTP ${res.status} ${text}`;
      retryAfterMs = Number(res.headers.get('retry-after') ?? 0) * 1000;
    } catch (err) {
      if (err instanceof DeliveryRejected) throw err;
      retryReason = describeNetworkError(err);
      unreachable = true;
    }
    if (attempt >= maxAttempts) {
      const advice = unreachable ? " (is a dora instance running there? start one with 'npm start', or pass --url)" : '';
      throw new Error(`could not deliver ${delivery.event} to ${endpoint} after ${attempt} attempts: ${retryReason}${advice}`);
    }
    const backoff = Math.min(MAX_BACKOFF_MS, 200 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
    await new Promise((resolve) => setTimeout(resolve, Math.min(MAX_BACKOFF_MS, Math.max(backoff, retryAfterMs))));
  }
}

function hint(status: number): string {
  if (status === 401) {
    return ' (the secret differs from the instance\'s: set GITHUB_WEBHOOK_SECRET to its value, or run the demo with the same DORA_DATA_DIR as `dora start`)';
  }
  if (status === 404) return ' (is this a dora instance running the ingest role?)';
  return '';
}

function describeNetworkError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // fetch wraps the socket error (ECONNREFUSED, ECONNRESET, …) in `cause`.
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.name === 'TimeoutError' ? 'timed out' : err.message}${cause}`;
}
