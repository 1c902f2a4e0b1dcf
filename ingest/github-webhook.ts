/**
 * POST /webhooks/github. Verifies X-Hub-Signature-256 with @octokit/webhooks over the request's
 * raw bytes, validates the fields we read, and acknowledges only once the raw delivery is durable
 * in the log. Facts about the format: shared/reference/sources.md §1–2.
 */
import type { FastifyInstance } from 'fastify';
import { Webhooks } from '@octokit/webhooks';
import type { EventLog } from '../ports/event-log.js';
import { describeIssues, GITHUB_EVENT_SCHEMAS, isHandledGithubEvent } from '../schemas/github.js';
import { appendAndAcknowledge } from './durable-append.js';

/** GitHub never sends more than 25 MB; leave headroom for the envelope. */
export const GITHUB_BODY_LIMIT = 26 * 1024 * 1024;

export interface GithubWebhookOptions {
  log: EventLog;
  /** The raw topic deliveries are appended to. */
  topic: string;
  secret: string;
}

export async function githubWebhookRoutes(app: FastifyInstance, options: GithubWebhookOptions): Promise<void> {
  const webhooks = new Webhooks({ secret: options.secret });

  // Scoped to this plugin: keep the exact bytes GitHub signed, whatever the content type says.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: GITHUB_BODY_LIMIT }, (_req, body, done) => done(null, body));

  app.post('/webhooks/github', { bodyLimit: GITHUB_BODY_LIMIT }, async (req, reply) => {
    const event = header(req.headers['x-github-event']);
    const delivery = header(req.headers['x-github-delivery']);
    const signature = header(req.headers['x-hub-signature-256']);
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);

    if (!signature) return reply.code(401).send({ error: 'unauthorized', message: 'missing X-Hub-Signature-256' });
    if (raw.length === 0) return reply.code(400).send({ error: 'bad_request', message: 'empty body' });
    // The signed payload is the body as UTF-8; decoding valid UTF-8 is lossless, and invalid bytes fail the check.
    const verified = await webhooks.verify(raw.toString('utf8'), signature).catch(() => false);
    if (!verified) return reply.code(401).send({ error: 'unauthorized', message: 'signature does not match' });
    if (!event) return reply.code(400).send({ error: 'bad_request', message: 'missing X-GitHub-Event' });
    if (!delivery) return reply.code(400).send({ error: 'bad_request', message: 'missing X-GitHub-Delivery' });

    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return reply.code(400).send({ error: 'bad_request', message: 'body is not valid JSON (configure the hook with content type application/json)' });
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return reply.code(400).send({ error: 'bad_request', message: 'body must be a JSON object' });
    }
    if (event === 'ping') return reply.code(200).send({ ok: true, pong: true });
    if (!isHandledGithubEvent(event)) return reply.code(202).send({ accepted: true, ignored: `event ${event} is not used` });

    const parsed = GITHUB_EVENT_SCHEMAS[event].safeParse(body);
    if (!parsed.success) {
      return reply.code(400).send({ error: 'bad_request', message: `invalid ${event} payload: ${describeIssues(parsed.error)}` });
    }
    const key = parsed.data.repository.full_name;
    return appendAndAcknowledge(options.log, options.topic, reply, key, raw, {
      source: 'github',
      event,
      deliveryId: delivery,
      receivedAt: Date.now(),
    });
  });
}

function header(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v && v.length > 0 ? v : undefined;
}
