/**
 * The `dora` command line. Every command reads the one configuration from the environment
 * (DESIGN.md §7); `dora <command> --help` says which settings it uses.
 */
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from './config.js';
import { createLogger } from './logger.js';
import { runRole, stopOnSignals, type Role } from './runtime.js';
import { openStore } from './adapters.js';
import { isDoraError } from '../ports/errors.js';
import { resolveEmbeddedSecrets } from './secrets.js';

const COMMON_ENV = `Configuration (environment variables):
  DORA_EVENT_LOG   embedded | kafka            (default embedded)
  KAFKA_BROKERS    host:port[,host:port]       (with DORA_EVENT_LOG=kafka)
  DORA_NAMESPACE   prefix of topics and consumer groups (default dora)
  DORA_STORE       duckdb | clickhouse         (default duckdb)
  CLICKHOUSE_URL, CLICKHOUSE_USER, CLICKHOUSE_PASSWORD, CLICKHOUSE_DATABASE (default dora)
  DORA_DATA_DIR    embedded log, DuckDB file, generated secrets (default ./data)
  DORA_PRODUCTION_ENVIRONMENTS (default production,prod)  DORA_INCIDENT_LABELS (default incident)
  DORA_LOG_LEVEL   fatal|error|warn|info|debug|trace|silent (default info)`;

const HELP: Record<string, string> = {
  main: `dora: DORA metrics and developer-feedback pipeline

Usage: dora <command> [options]

Commands:
  start       run everything in one process (the embedded default; npm start)
  ingest      run only the webhook receivers (distributed shape)
  transform   run only the stream processors (distributed shape)
  api         run only the REST API (distributed shape)
  migrate     apply pending store migrations and exit
  demo        fill a running instance with a simulated organisation

Run 'dora <command> --help' for a command's settings.

${COMMON_ENV}`,
  start: `dora start: webhook ingest, event log, stream processors, store, REST API in one process.

Listens on PORT (default 3000). Secrets left unset (GITHUB_WEBHOOK_SECRET, ARGOCD_WEBHOOK_TOKEN,
TEKTON_WEBHOOK_TOKEN, DORA_API_TOKEN) are generated once into DORA_DATA_DIR/secrets.json (0600)
and printed at start.

${COMMON_ENV}`,
  ingest: `dora ingest: POST /webhooks/github, acknowledged once durable in the event log.
Stateless: run as many as you like behind a load balancer. Requires GITHUB_WEBHOOK_SECRET.
Answers 503 while the event log is unavailable. Listens on PORT (default 3000).

${COMMON_ENV}`,
  transform: `dora transform: normalises raw deliveries and computes DORA facts into the store.
Processes share the consumer groups dora-normalize and dora-link: run one per partition at most.
Serves /healthz and /readyz on PORT (default 3000).

${COMMON_ENV}`,
  api: `dora api: GET /api/v1/dora, /api/v1/dora/trend, /openapi.json. Requires DORA_API_TOKEN.
Listens on PORT (default 3000).

${COMMON_ENV}`,
  migrate: `dora migrate: applies pending versioned migrations of the configured store, then exits.

${COMMON_ENV}`,
  demo: `dora demo [--url URL] [--days N] [--services N] [--seed N]
Sends a simulated organisation's GitHub webhooks (signed) to a running instance, so its
dashboards show real figures within a minute.
  --url        instance to fill (default http://localhost:$PORT)
  --days       days of history (default 120)
  --services   number of services (default 8)
  --seed       random seed, for repeatable data (default 42)
Uses GITHUB_WEBHOOK_SECRET, or the one 'dora start' generated into DORA_DATA_DIR.

${COMMON_ENV}`,
};

const ROLES: readonly string[] = ['start', 'ingest', 'transform', 'api'];

export async function main(argv: string[], env: Record<string, string | undefined>): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      url: { type: 'string' },
      days: { type: 'string' },
      services: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  const command = positionals[0] ?? (values.help ? 'help' : 'start');
  if (command === 'help' || (values.help && !HELP[command])) {
    process.stdout.write(HELP.main + '\n');
    return 0;
  }
  if (!HELP[command]) {
    process.stderr.write(`dora: unknown command '${command}'\n\n${HELP.main}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP[command] + '\n');
    return 0;
  }

  let config: Config;
  try {
    config = loadConfig(env);
  } catch (err) {
    process.stderr.write(`dora: ${(err as Error).message}\n`);
    return 2;
  }
  const logger = createLogger(config.DORA_LOG_LEVEL);
  try {
    if (ROLES.includes(command)) {
      const running = await runRole(command as Role, config, logger, { banner: true });
      stopOnSignals(running, logger);
      return -1; // keep running
    }
    if (command === 'migrate') {
      const store = await openStore(config, logger);
      try {
        const applied = await store.migrate();
        process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'nothing to apply\n');
      } finally {
        await store.close();
      }
      return 0;
    }
    // demo: loaded only when asked for, so the server roles never load the simulator.
    const { runDemo } = await import('../demo/run-demo.js');
    const secret = config.GITHUB_WEBHOOK_SECRET ?? (await resolveEmbeddedSecrets(config)).secrets.GITHUB_WEBHOOK_SECRET;
    const summary = await runDemo({
      url: values.url ?? `http://localhost:${config.PORT}`,
      githubSecret: secret,
      days: positiveInt(values.days, 120),
      services: positiveInt(values.services, 8),
      seed: positiveInt(values.seed, 42),
      log: (line: string) => process.stdout.write(line + '\n'),
    });
    process.stdout.write(`${summary}\n`);
    return 0;
  } catch (err) {
    if (isDoraError(err)) {
      process.stderr.write(`dora ${command}: ${err.message} [${err.code}]\n`);
    } else {
      logger.error({ err }, 'command_failed');
      process.stderr.write(`dora ${command}: ${(err as Error).message}\n`);
    }
    return 1;
  }
}

function positiveInt(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`expected a positive integer, got '${value}'`);
  return n;
}
