/**
 * GitHub deliveries → canonical events. Pure: (event name, delivery id, parsed body) in,
 * outcome out. Field facts: shared/reference/sources.md §1.
 */
import type { z } from 'zod';
import type { CanonicalEvent, IncidentUpdated } from '../../schemas/canonical.js';
import {
  describeIssues,
  GITHUB_EVENT_SCHEMAS,
  isHandledGithubEvent,
  type githubDeploymentStatus,
  type githubIssues,
  type githubPullRequest,
  type githubPush,
  type githubWorkflowRun,
} from '../../schemas/github.js';
import { deadLetter, drop, ok, type NormalizeOutcome } from '../outcome.js';
import { canonicalEnvironment } from './environment.js';

export interface GithubNormalizeOptions {
  productionEnvironments: readonly string[];
  incidentLabels: readonly string[];
}

const ZERO_SHA = /^0+$/;
/** GitHub caps push payloads at 2048 commits; past that the first listed commit's parent is unknown. */
const PUSH_COMMIT_CAP = 2048;

export function normalizeGithub(
  event: string,
  deliveryId: string,
  body: unknown,
  options: GithubNormalizeOptions,
): NormalizeOutcome {
  if (event === 'ping') return drop('ping');
  if (!isHandledGithubEvent(event)) return drop(`event ${event} is not used`);
  const parsed = GITHUB_EVENT_SCHEMAS[event].safeParse(body);
  if (!parsed.success) return deadLetter(`invalid ${event} payload: ${describeIssues(parsed.error)}`);
  const id = `github:${deliveryId}`;
  switch (event) {
    case 'push':
      return fromPush(id, parsed.data as z.infer<typeof githubPush>);
    case 'deployment':
      return drop('deployment created: counted when its terminal status arrives');
    case 'deployment_status':
      return fromDeploymentStatus(id, parsed.data as z.infer<typeof githubDeploymentStatus>, options);
    case 'issues':
      return fromIssue(id, parsed.data as z.infer<typeof githubIssues>, options);
    case 'pull_request':
      return fromPullRequest(id, parsed.data as z.infer<typeof githubPullRequest>);
    case 'workflow_run':
      return fromWorkflowRun(id, parsed.data as z.infer<typeof githubWorkflowRun>);
  }
}

function fromPush(id: string, p: z.infer<typeof githubPush>): NormalizeOutcome {
  if (p.ref !== `refs/heads/${p.repository.default_branch}`) return drop(`push to ${p.ref}, not the default branch`);
  if (p.deleted === true || ZERO_SHA.test(p.after)) return drop('branch deleted');
  if (p.commits.length === 0) return drop('push without commits');
  const firstParent = ZERO_SHA.test(p.before) || p.commits.length >= PUSH_COMMIT_CAP ? null : p.before;
  const commits = p.commits.map((c, i) => ({
    sha: c.id,
    parentSha: i === 0 ? firstParent : p.commits[i - 1]!.id,
    // Date.parse honours the committer's UTC offset (e.g. 2013-02-22T13:50:07-08:00).
    committedAt: Date.parse(c.timestamp),
  }));
  return ok([{ type: 'changes.pushed', id, source: 'github', repo: p.repository.full_name, commits }]);
}

const TERMINAL_STATES: Record<string, 'success' | 'failure'> = { success: 'success', failure: 'failure', error: 'failure' };

function fromDeploymentStatus(
  id: string,
  p: z.infer<typeof githubDeploymentStatus>,
  options: GithubNormalizeOptions,
): NormalizeOutcome {
  const status = TERMINAL_STATES[p.deployment_status.state];
  if (!status) return drop(`deployment status ${p.deployment_status.state} is not terminal`);
  const repo = p.repository.full_name;
  const environment = p.deployment_status.environment ?? p.deployment.environment;
  return ok([
    {
      type: 'deployment.finished',
      id,
      source: 'github',
      deploymentId: `github:${repo}:${p.deployment.id}`,
      service: repo,
      repo,
      environment: canonicalEnvironment(environment, options.productionEnvironments),
      sha: p.deployment.sha,
      status,
      finishedAt: Date.parse(p.deployment_status.created_at),
    },
  ]);
}

/** `deployment: 1234` or `revision: <sha>` on a line of the issue body names the culprit. */
const NAMED_REFERENCE = /^\s*(deployment|revision)\s*:\s*([A-Za-z0-9._:/-]+)\s*$/gim;

function namedReferences(repo: string, body: string | null | undefined): Pick<IncidentUpdated, 'deploymentId' | 'revision'> {
  let deploymentId: string | null = null;
  let revision: string | null = null;
  for (const m of (body ?? '').matchAll(NAMED_REFERENCE)) {
    const value = m[2]!;
    if (m[1]!.toLowerCase() === 'deployment') deploymentId ??= /^\d+$/.test(value) ? `github:${repo}:${value}` : value;
    else if (/^[0-9a-f]{7,64}$/i.test(value)) revision ??= value.toLowerCase();
  }
  return { deploymentId, revision };
}

function fromIssue(id: string, p: z.infer<typeof githubIssues>, options: GithubNormalizeOptions): NormalizeOutcome {
  const isIncidentLabel = (name: string) => options.incidentLabels.includes(name.toLowerCase());
  const labelled = (p.issue.labels ?? []).some((l) => isIncidentLabel(l.name));
  const unlabelledNow = p.action === 'unlabeled' && p.label !== undefined && isIncidentLabel(p.label.name);
  if (!labelled && !unlabelledNow) return drop('issue is not an incident');
  const gone = p.action === 'deleted' || p.action === 'transferred';
  const repo = p.repository.full_name;
  const closed = p.issue.state === 'closed' && p.issue.closed_at;
  const event: IncidentUpdated = {
    type: 'incident.updated',
    id,
    source: 'github',
    incidentId: `github:${repo}#${p.issue.number}`,
    service: repo,
    repo,
    openedAt: Date.parse(p.issue.created_at),
    resolvedAt: closed ? Date.parse(p.issue.closed_at!) : 0,
    active: labelled && !gone,
    // updated_at orders the states; a deletion can share its timestamp with the last edit, and must win.
    version: Date.parse(p.issue.updated_at) * 10 + (gone ? 9 : 0),
    ...namedReferences(repo, p.issue.body),
  };
  return ok([event]);
}

function fromPullRequest(id: string, p: z.infer<typeof githubPullRequest>): NormalizeOutcome {
  const pr = p.pull_request;
  if (p.action !== 'closed' || pr.merged !== true || !pr.merged_at) return drop(`pull_request ${p.action} is not a merge`);
  const event: CanonicalEvent = {
    type: 'pull_request.merged',
    id,
    source: 'github',
    repo: p.repository.full_name,
    number: pr.number,
    mergeSha: pr.merge_commit_sha ?? null,
    openedAt: Date.parse(pr.created_at),
    mergedAt: Date.parse(pr.merged_at),
  };
  return ok([event]);
}

function fromWorkflowRun(id: string, p: z.infer<typeof githubWorkflowRun>): NormalizeOutcome {
  const run = p.workflow_run;
  if (p.action !== 'completed') return drop(`workflow_run ${p.action} is not a completion`);
  const event: CanonicalEvent = {
    type: 'ci_run.completed',
    id,
    source: 'github',
    repo: p.repository.full_name,
    runId: `github:${p.repository.full_name}:${run.id}`,
    sha: run.head_sha,
    conclusion: run.conclusion ?? 'unknown',
    startedAt: Date.parse(run.run_started_at ?? run.created_at),
    finishedAt: Date.parse(run.updated_at),
  };
  return ok([event]);
}
