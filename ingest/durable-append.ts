/**
 * The one way ingest acknowledges: append to the raw topic and answer 2xx only once the log says
 * the record is durable. When the log can't take it, answer 503 so the sender retries later.
 */
import type { FastifyReply } from 'fastify';
import type { EventLog } from '../ports/event-log.js';
import { rawHeaders, type RawDeliveryMeta } from '../schemas/raw-delivery.js';

export async function appendAndAcknowledge(
  log: EventLog,
  topic: string,
  reply: FastifyReply,
  key: string,
  body: Buffer,
  meta: RawDeliveryMeta,
): Promise<FastifyReply> {
  try {
    await log.append(topic, [{ key, value: body, headers: rawHeaders(meta) }]);
  } catch (err) {
    reply.log.error({ err, source: meta.source, delivery: meta.deliveryId }, 'ingest_append_failed');
    return reply
      .code(503)
      .header('retry-after', '5')
      .send({ error: 'unavailable', message: 'the event log cannot take writes right now; retry later' });
  }
  return reply.code(202).send({ accepted: true, delivery: meta.deliveryId });
}
