/**
 * The words in the simulated history: commit messages, branch names, file paths, issue titles.
 * Only there so the payloads read like a real organisation's when someone inspects the log.
 */
import type { Random } from './random.js';

const THINGS = [
  'webhook', 'settlement', 'session', 'cart', 'search index', 'token refresh', 'rate limiter', 'pricing',
  'payout', 'retry queue', 'email template', 'cache', 'feature flag', 'audit log', 'health check', 'pagination',
];
const CHANGES: readonly (readonly [prefix: string, template: string])[] = [
  ['feature', 'Add {x} metrics'],
  ['feature', 'Support bulk {x} updates'],
  ['feature', 'Add retry with backoff to {x} client'],
  ['fix', 'Fix {x} timeout under load'],
  ['fix', 'Handle empty {x} response'],
  ['fix', 'Fix flaky {x} test'],
  ['chore', 'Refactor {x} handler'],
  ['chore', 'Remove unused {x} flag'],
  ['chore', 'Tune {x} connection pool'],
  ['chore', 'Log {x} failures with request id'],
];
const DEPENDENCIES = ['grpc', 'otel-sdk', 'pgx', 'jackson', 'zod', 'fastapi', 'tokio', 'spring-boot'];

export interface ChangeWording {
  title: string;
  branch: string;
}

export function changeWording(rng: Random): ChangeWording {
  if (rng.chance(0.12)) {
    const dep = rng.pick(DEPENDENCIES);
    const version = `${rng.int(1, 9)}.${rng.int(0, 30)}.${rng.int(0, 12)}`;
    return { title: `Bump ${dep} to ${version}`, branch: `dependabot/${dep}-${version}` };
  }
  const [prefix, template] = rng.pick(CHANGES);
  const title = template.replace('{x}', rng.pick(THINGS));
  return { title, branch: `${prefix}/${slug(title)}-${rng.int(10, 99)}` };
}

const FOLLOW_UPS = ['Address review comments', 'Add tests', 'Fix lint', 'Update docs', 'Rename per review', 'Handle edge case'];

export function followUpMessage(rng: Random): string {
  return rng.pick(FOLLOW_UPS);
}

const EXTENSIONS: Record<string, string> = { Go: '.go', TypeScript: '.ts', Kotlin: '.kt', Java: '.java', Python: '.py', Rust: '.rs' };
const DIRECTORIES = ['src/api', 'src/domain', 'src/store', 'src/clients', 'internal/http', 'test'];
const FILE_STEMS = ['handler', 'service', 'repository', 'client', 'config', 'retry', 'metrics', 'mapper', 'validator'];

export function touchedFiles(rng: Random, language: string): { added: string[]; removed: string[]; modified: string[] } {
  const ext = EXTENSIONS[language] ?? '.txt';
  const file = () => `${rng.pick(DIRECTORIES)}/${rng.pick(FILE_STEMS)}${ext}`;
  const modified = [...new Set(Array.from({ length: rng.int(1, 3) }, file))];
  const added = rng.chance(0.25) ? [file()].filter((f) => !modified.includes(f)) : [];
  return { added, removed: [], modified };
}

const SYMPTOMS = [
  'Elevated 5xx rate on {s}',
  '{s}: p99 latency above SLO',
  '{s} pods crash-looping after rollout',
  'Error budget burn alert for {s}',
  '{s}: requests timing out to the database',
  'Spike in failed requests from {s}',
];

export function incidentTitle(rng: Random, service: string): string {
  return rng.pick(SYMPTOMS).replace('{s}', service);
}

const EVERYDAY_ISSUES = [
  'Document the local setup for {s}',
  'Flaky integration test in {s}',
  'Upgrade base image for {s}',
  'Add dashboard for {s} queue depth',
  'Investigate slow cold start of {s}',
  'Clean up deprecated endpoints in {s}',
];

export function everydayIssueTitle(rng: Random, service: string): string {
  return rng.pick(EVERYDAY_ISSUES).replace('{s}', service);
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .split('-')
    .filter(Boolean)
    .slice(0, 4)
    .join('-');
}
