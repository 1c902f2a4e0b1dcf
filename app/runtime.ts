/**
 * The composition root: builds a role from the configuration and runs it until a signal.
 *
 * Roles: `start` (everything in one process: the embedded default), `ingest`, `transform`, `api`
 * (the distributed shape, each scaled on its own). Shutdown order keeps the promises of §8: stop
 * taking requests and let in-flight appends finish, stop consumers after their in-flight batch
 * commits, then close the log and the store.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { EventLog, Subscription } from '../ports/event-log.js';
import type { Store } from '../ports/store.js';
import { openEventLog, openStore, topicSpecs } from './adapters.js';
import { requireSecrets, resolveEmbeddedSecrets, type Secrets } from './secrets.js';
import { buildHttpServer } from '../api/http-server.js';
import type { ReadinessCheck } from '../api/health-routes.js';
import { NormalizeProcessor } from '../transform/normalize-processor.js';
import { LinkProcessor } from '../transform/link-processor.js';
import { printStartBanner } from './banner.js';
import { topology } from '../schemas/raw-delivery.js';

export type Role = 'start' | 'ingest' | 'transform' | 'api';

export interface Running {
  /** The HTTP address the role listens on. */
  url: string;
  secrets: Secrets;
  stop(): Promise<void>;
}

export async function runRole(role: Role, config: Config, logger: Logger, options: { banner?: boolean } = {}): Promise<Running> {
  const needsLog = role !== 'api';
  const needsStore = role !== 'ingest';
  const runsTransform = role === 'start' || role === 'transform';
  const servesIngest = role === 'start' || role === 'ingest';
  const servesApi = role === 'start' || role === 'api';

  let secrets: Secrets;
  let generated: string[] = [];
  let secretsFile = '';
  if (role === 'start') {
    const resolved = await resolveEmbeddedSecrets(config);
    secrets = resolved.secrets;
    generated = resolved.fromFile;
    secretsFile = resolved.file;
  } else {
    secrets = requireSecrets(
      config,
      role === 'ingest' ? ['GITHUB_WEBHOOK_SECRET'] : role === 'api' ? ['DORA_API_TOKEN'] : [],
      role,
    );
  }

  const topics = topology(config.DORA_NAMESPACE);
  const closers: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const close of closers.splice(0).reverse()) {
      await close().catch((err: unknown) => logger.error({ err }, 'shutdown_step_failed'));
    }
  };
  try {
    let log: EventLog | undefined;
    let store: Store | undefined;
    const readiness: ReadinessCheck[] = [];
    if (needsStore) {
      store = await openStore(config, logger);
      closers.push(() => store!.close());
      const applied = await store.migrate();
      if (applied.length > 0) logger.info({ applied }, 'store_migrated');
      readiness.push({ name: 'store', check: () => store!.isReady() });
    }
    if (needsLog) {
      log = await openEventLog(config, logger, `dora-${role}`);
      closers.push(() => log!.close());
      await log.ensureTopics(topicSpecs(config));
      readiness.push({ name: 'eventLog', check: () => log!.isReady() });
    }

    const subscriptions: Subscription[] = [];
    if (runsTransform && log && store) {
      const normalize = new NormalizeProcessor(
        log,
        topics,
        { productionEnvironments: config.DORA_PRODUCTION_ENVIRONMENTS, incidentLabels: config.DORA_INCIDENT_LABELS },
        logger.child({ component: 'normalize' }),
      );
      const link = new LinkProcessor(log, store, topics, logger.child({ component: 'link' }));
      subscriptions.push(await normalize.start(), await link.start());
      closers.push(async () => {
        await Promise.all(subscriptions.map((s) => s.stop()));
      });
    }

    let shuttingDown = false;
    const http: FastifyInstance = await buildHttpServer({
      logger,
      readiness,
      isShuttingDown: () => shuttingDown,
      ...(servesIngest && log ? { ingest: { log, rawTopic: topics.raw, githubSecret: secrets.GITHUB_WEBHOOK_SECRET } } : {}),
      ...(servesApi && store
        ? { api: { store, apiToken: secrets.DORA_API_TOKEN, productionEnvironments: config.DORA_PRODUCTION_ENVIRONMENTS } }
        : {}),
    });
    closers.push(async () => {
      shuttingDown = true;
      await http.close();
    });
    const address = await http.listen({ port: config.PORT, host: config.HOST });
    const url = address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
    logger.info({ role, url, eventLog: config.DORA_EVENT_LOG, store: config.DORA_STORE }, 'dora_started');
    if (options.banner && role === 'start') printStartBanner(url, secrets, generated, secretsFile);
    return { url, secrets, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** Runs until SIGTERM/SIGINT, then shuts down gracefully (a second signal forces exit). */
export function stopOnSignals(running: Running, logger: Logger): void {
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'forced_exit');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting_down');
    running.stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown_failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  process.once('SIGINT', () => onSignal('SIGINT'));
}
