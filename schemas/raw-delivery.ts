/**
 * A raw delivery as ingest writes it to the raw topic: the exact request body as the value, and
 * what the normaliser needs from the request in headers. Keeping the original bytes lets us
 * re-normalise the whole history after a fix, and lets the dead-letter topic keep them too.
 */
export const RAW_HEADERS = {
  source: 'dora-source',
  event: 'dora-event',
  deliveryId: 'dora-delivery-id',
  receivedAt: 'dora-received-at',
  contentType: 'dora-content-type',
} as const;

export type SourceName = 'github' | 'tekton' | 'argocd';

export interface RawDeliveryMeta {
  source: SourceName;
  /** Source event name (X-GitHub-Event, CloudEvent type, Argo CD event). */
  event: string;
  /** The source's idempotency key for this delivery. */
  deliveryId: string;
  receivedAt: number;
}

export function rawHeaders(meta: RawDeliveryMeta): Record<string, string> {
  return {
    [RAW_HEADERS.source]: meta.source,
    [RAW_HEADERS.event]: meta.event,
    [RAW_HEADERS.deliveryId]: meta.deliveryId,
    [RAW_HEADERS.receivedAt]: String(meta.receivedAt),
  };
}

export function readRawMeta(headers: Record<string, string>): RawDeliveryMeta | null {
  const source = headers[RAW_HEADERS.source];
  const event = headers[RAW_HEADERS.event];
  const deliveryId = headers[RAW_HEADERS.deliveryId];
  const receivedAt = Number(headers[RAW_HEADERS.receivedAt]);
  if ((source !== 'github' && source !== 'tekton' && source !== 'argocd') || !event || !deliveryId) return null;
  return { source, event, deliveryId, receivedAt: Number.isFinite(receivedAt) ? receivedAt : 0 };
}

/**
 * Topic and consumer-group names, in one place so every role agrees. The namespace
 * (DORA_NAMESPACE, default `dora`) lets several installations share one Kafka cluster.
 */
export interface Topology {
  raw: string;
  canonical: string;
  deadLetter: string;
  normalizeGroup: string;
  linkGroup: string;
}

export function topology(namespace: string): Topology {
  return {
    raw: `${namespace}.raw.v1`,
    canonical: `${namespace}.canonical.v1`,
    deadLetter: `${namespace}.deadletter.v1`,
    normalizeGroup: `${namespace}-normalize`,
    linkGroup: `${namespace}-link`,
  };
}

/** Headers a dead-lettered record carries on top of its original ones. */
export const DEAD_LETTER_HEADERS = {
  reason: 'dora-dlq-reason',
  stage: 'dora-dlq-stage',
  at: 'dora-dlq-at',
  originTopic: 'dora-dlq-origin-topic',
  originOffset: 'dora-dlq-origin-offset',
} as const;
