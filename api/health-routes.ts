/**
 * /healthz: the process serves (liveness; never calls dependencies, so a blip elsewhere doesn't
 * restart pods). /readyz: every dependency this role uses answers now, and we are not shutting down.
 */
import type { FastifyInstance } from 'fastify';

export interface ReadinessCheck {
  name: string;
  check: () => Promise<boolean>;
}

export interface HealthRoutesOptions {
  checks: ReadinessCheck[];
  isShuttingDown: () => boolean;
}

export async function healthRoutes(app: FastifyInstance, options: HealthRoutesOptions): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const results = await Promise.all(
      options.checks.map(async (c) => [c.name, await c.check().catch(() => false)] as const),
    );
    const dependencies = Object.fromEntries(results.map(([n, ok]) => [n, ok ? 'ready' : 'unavailable']));
    const ready = !options.isShuttingDown() && results.every(([, ok]) => ok);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', dependencies });
  });
}
