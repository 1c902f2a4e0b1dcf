/**
 * Builds the HTTP server of a role from the parts that role serves: health always, webhook ingest
 * when it ingests, the read API when it serves reads. The composition root decides which.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { EventLog } from '../ports/event-log.js';
import type { Store } from '../ports/store.js';
import { githubWebhookRoutes } from '../ingest/github-webhook.js';
import { healthRoutes, type ReadinessCheck } from './health-routes.js';
import { doraRoutes } from './dora-routes.js';
import { openApiDocument } from './openapi.js';

export interface HttpServerParts {
  logger: Logger;
  readiness: ReadinessCheck[];
  isShuttingDown: () => boolean;
  ingest?: { log: EventLog; rawTopic: string; githubSecret: string };
  api?: { store: Store; apiToken: string; productionEnvironments: readonly string[]; now?: () => number };
}

export async function buildHttpServer(parts: HttpServerParts): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: parts.logger as FastifyBaseLogger,
    // Per-request lines would dominate the log at webhook rates; failures are logged where handled.
    logController: new LogController({ disableRequestLogging: true }),
    // Behind a load balancer the sender's retry is the cure for a slow request, not a long wait.
    requestTimeout: 30_000,
    return503OnClosing: true,
  });
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) req.log.error({ err, url: req.url }, 'request_failed');
    const error = status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : status >= 500 ? 'internal' : 'bad_request';
    return reply.code(status).send({ error, message: status >= 500 ? 'internal error' : err.message });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` }));

  await app.register(healthRoutes, { checks: parts.readiness, isShuttingDown: parts.isShuttingDown });
  app.get('/openapi.json', async () => openApiDocument);
  if (parts.ingest) await app.register(githubWebhookRoutes, { log: parts.ingest.log, topic: parts.ingest.rawTopic, secret: parts.ingest.githubSecret });
  if (parts.api) await app.register(doraRoutes, { ...parts.api });
  return app;
}
