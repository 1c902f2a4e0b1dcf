/**
 * `dora demo`: fills a running instance with a simulated organisation's history through the real,
 * signed GitHub webhook path, so the dashboards show believable figures within a minute and
 * every stage (signature check, durable log, normalise, link, store, API) takes part.
 */
import { DAY, isoUtc, MINUTE } from './clock.js';
import { pingPayload } from './payloads.js';
import { sendAll, sendOne } from './send.js';
import { simulate, type Simulation } from './simulate.js';

export interface DemoOptions {
  url: string;
  githubSecret: string;
  days: number;
  services: number;
  seed: number;
  log: (line: string) => void;
  /** End of the simulated history (epoch ms); defaults to the current time. */
  now?: number;
  concurrency?: number;
}

/** Returns a one-paragraph summary of what was sent and how to read the figures. */
export async function runDemo(options: DemoOptions): Promise<string> {
  const started = Date.now();
  const base = options.url.replace(/\/+$/, '');
  const now = options.now ?? Date.now();
  const sim = simulate({ days: options.days, services: options.services, seed: options.seed, now });
  options.log(
    `dora demo: ${sim.deliveries.length} GitHub deliveries simulated for ${sim.services.length} services ` +
      `of ${sim.org.teams.length} teams over ${options.days} days (seed ${options.seed})`,
  );
  for (const s of sim.services) {
    options.log(
      `  ${s.repo.padEnd(28)} ${s.team.padEnd(11)} ${s.tier.padEnd(6)} profile: ` +
        `${s.productionDeployments} production deployments, ${s.incidents} incidents`,
    );
  }

  // GitHub pings a new hook first; here it also proves the URL and secret before thousands follow.
  const admin = sim.org.teams[0]?.developers[0] ?? sim.org.bot;
  await sendOne(`${base}/webhooks/github`, { event: 'ping', payload: pingPayload(sim.org, admin, now) }, options.githubSecret, 6);

  let nextReport = 0.1;
  const result = await sendAll(sim.deliveries, {
    url: base,
    secret: options.githubSecret,
    concurrency: options.concurrency ?? 16,
    onProgress: (sent, total) => {
      if (sent / total < nextReport && sent !== total) return;
      nextReport = Math.floor((sent / total) * 10) / 10 + 0.1;
      options.log(`  sent ${sent}/${total} (${Math.round((sent / total) * 100)}%)`);
    },
  });
  return summarise(sim, base, result.sent + 1, result.retries, Date.now() - started);
}

function summarise(sim: Simulation, base: string, sent: number, retries: number, elapsedMs: number): string {
  const count = (event: string) => sim.deliveries.filter((d) => d.event === event).length.toLocaleString('en-US');
  const seconds = elapsedMs / 1000;
  // Whole minutes around the simulated window, so the query covers all of it.
  const from = isoUtc(Math.floor(sim.from / MINUTE) * MINUTE);
  const to = isoUtc(Math.ceil((sim.to + 1) / MINUTE) * MINUTE);
  const firstService = sim.services[0]?.repo ?? 'acme/payments-api';
  return (
    `Sent ${sent.toLocaleString('en-US')} signed GitHub webhook deliveries to ${base} ` +
    `(a ping, ${count('push')} pushes, ${count('pull_request')} pull requests, ${count('workflow_run')} CI runs, ` +
    `${count('deployment')} deployments with ${count('deployment_status')} statuses, ${count('issues')} issue events) ` +
    `simulating ${Math.round((sim.to - sim.from) / DAY)} days of ${sim.services.length} services ` +
    `(${sim.services.map((s) => `${s.repo}: ${s.tier}`).join(', ')}) owned by ${sim.org.teams.length} teams ` +
    `(${sim.org.teams.map((t) => t.name).join(', ')}), in ${seconds.toFixed(1)} s ` +
    `(${Math.round(sent / Math.max(seconds, 0.001))}/s${retries > 0 ? `, ${retries} retries` : ''}). ` +
    `The pipeline turns them into figures within moments; read them with the API token 'dora start' printed: ` +
    `curl -s -H "Authorization: Bearer $DORA_API_TOKEN" "${base}/api/v1/dora?from=${from}&to=${to}" ` +
    `(add &service=${firstService} for one service).`
  );
}
