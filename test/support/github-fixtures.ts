/**
 * Real GitHub webhook payloads (@octokit/webhooks-examples) as fixtures, and builders that take a
 * real example and set only the fields a scenario needs, so every delivery keeps GitHub's shape.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

interface ExampleGroup {
  name: string;
  examples: Record<string, unknown>[];
}

const require = createRequire(import.meta.url);
const indexPath = require.resolve('@octokit/webhooks-examples/api.github.com/index.json');
const groups = JSON.parse(readFileSync(indexPath, 'utf8')) as ExampleGroup[];

/** Every real example of an event (optionally of one action), deep-copied. */
export function examples(event: string, action?: string): Record<string, unknown>[] {
  const group = groups.find((g) => g.name === event);
  if (!group) throw new Error(`no examples for ${event}`);
  return group.examples
    .filter((e) => action === undefined || e.action === action)
    .map((e) => structuredClone(e));
}

export function example(event: string, action?: string): Record<string, unknown> {
  const first = examples(event, action)[0];
  if (!first) throw new Error(`no example for ${event}.${action}`);
  return first;
}

type Json = Record<string, unknown>;

function repository(repo: string): Json {
  const base = structuredClone((example('push').repository ?? {}) as Json);
  const [owner, name] = repo.split('/');
  return { ...base, name, full_name: repo, default_branch: 'main', owner: { ...(base.owner as Json), login: owner, name: owner } };
}

export function sha(label: string): string {
  return createHmac('sha1', 'fixture').update(label).digest('hex');
}

export interface Delivery {
  event: string;
  id: string;
  body: Json;
}

/** A push of `commits` (label → timestamp with offset) on top of `before`. */
export function push(repo: string, ref: string, before: string | null, commits: [string, string][]): Delivery {
  const body = example('push');
  const list = commits.map(([label, timestamp]) => {
    const c = structuredClone(((example('push').commits as Json[])[0] ?? {}) as Json);
    return { ...c, id: sha(label), tree_id: sha(`tree-${label}`), timestamp, message: label, distinct: true };
  });
  Object.assign(body, {
    ref,
    before: before ?? '0'.repeat(40),
    after: list.length > 0 ? list[list.length - 1]!.id : '0'.repeat(40),
    created: before === null,
    deleted: false,
    commits: list,
    head_commit: list[list.length - 1] ?? null,
    repository: repository(repo),
  });
  return { event: 'push', id: randomUUID(), body };
}

export function deploymentStatus(
  repo: string,
  deploymentId: number,
  revision: string,
  environment: string,
  state: string,
  at: string,
  statusId: number,
): Delivery {
  const body = example('deployment_status');
  const deployment = { ...(body.deployment as Json), id: deploymentId, sha: revision, environment, created_at: at, updated_at: at };
  const status = { ...(body.deployment_status as Json), id: statusId, state, environment, created_at: at, updated_at: at };
  Object.assign(body, { deployment, deployment_status: status, repository: repository(repo) });
  return { event: 'deployment_status', id: randomUUID(), body };
}

export function issue(
  repo: string,
  action: string,
  number: number,
  labels: string[],
  times: { created: string; updated: string; closed?: string },
  extra: { body?: string; label?: string } = {},
): Delivery {
  const body = example('issues', action === 'closed' || action === 'reopened' ? 'reopened' : 'opened');
  const closed = times.closed ?? null;
  const issueBody = {
    ...(body.issue as Json),
    number,
    state: closed ? 'closed' : 'open',
    created_at: times.created,
    updated_at: times.updated,
    closed_at: closed,
    body: extra.body ?? 'Something is on fire.',
    labels: labels.map((name, i) => ({ id: i + 1, node_id: `L${i}`, url: '', name, color: 'ff0000', default: false, description: null })),
  };
  Object.assign(body, { action, issue: issueBody, repository: repository(repo) });
  if (extra.label) body.label = { id: 99, node_id: 'L99', url: '', name: extra.label, color: 'ff0000', default: false, description: null };
  else delete body.label;
  return { event: 'issues', id: randomUUID(), body };
}

/** Sign a body as GitHub does: sha256= HMAC of the exact bytes. */
export function signature(secret: string, raw: string | Buffer): string {
  return 'sha256=' + createHmac('sha256', secret).update(raw).digest('hex');
}

/** POSTs a delivery to a running instance, signed; returns the status code. */
export async function send(url: string, secret: string, d: Delivery, overrides: { id?: string } = {}): Promise<number> {
  const raw = JSON.stringify(d.body);
  const res = await fetch(`${url}/webhooks/github`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': d.event,
      'x-github-delivery': overrides.id ?? d.id,
      'x-hub-signature-256': signature(secret, raw),
      'user-agent': 'GitHub-Hookshot/test',
    },
    body: raw,
  });
  await res.arrayBuffer();
  return res.status;
}
