/** GET /api/v1/dora and /api/v1/dora/trend (DESIGN.md §6). */
import type { FastifyInstance } from 'fastify';
import type { Store } from '../ports/store.js';
import { requireBearer } from './auth.js';
import { parseDoraFilter, parseTrendFilter } from './dora-params.js';
import { doraSummary, doraTrend } from './dora-metrics.js';

export interface DoraRoutesOptions {
  store: Store;
  apiToken: string;
  productionEnvironments: readonly string[];
  now?: () => number;
}

export async function doraRoutes(app: FastifyInstance, options: DoraRoutesOptions): Promise<void> {
  const now = options.now ?? Date.now;
  app.addHook('onRequest', requireBearer(options.apiToken));

  app.get('/api/v1/dora', async (req, reply) => {
    const filter = parseDoraFilter(req.query, options.productionEnvironments, now());
    if (!filter.ok) return reply.code(400).send({ error: 'bad_request', parameter: filter.parameter, message: filter.message });
    return doraSummary(options.store, filter.value);
  });

  app.get('/api/v1/dora/trend', async (req, reply) => {
    const filter = parseTrendFilter(req.query, options.productionEnvironments, now());
    if (!filter.ok) return reply.code(400).send({ error: 'bad_request', parameter: filter.parameter, message: filter.message });
    return doraTrend(options.store, filter.value, filter.value.bucket);
  });
}
