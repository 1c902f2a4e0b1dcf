/**
 * The subset of GitHub webhook payloads we read, validated at runtime (payloads vary: nullable
 * head_commit, epoch vs ISO repository times, open-ended enums). Objects are loose: GitHub adds
 * fields all the time and unknown fields must not reject a delivery.
 */
import { z } from 'zod';

const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO-8601 timestamp');
const repository = z.looseObject({
  full_name: z.string().min(3),
  default_branch: z.string().min(1).optional(),
});

export const githubPush = z.looseObject({
  ref: z.string(),
  before: z.string(),
  after: z.string(),
  deleted: z.boolean().optional(),
  repository: repository.extend({ default_branch: z.string().min(1) }),
  commits: z.array(z.looseObject({ id: z.string().min(4), timestamp: isoTime })),
});

const deployment = z.looseObject({
  id: z.number().int(),
  sha: z.string().min(4),
  environment: z.string().min(1),
  created_at: isoTime,
});

export const githubDeployment = z.looseObject({ deployment, repository });

export const githubDeploymentStatus = z.looseObject({
  deployment_status: z.looseObject({
    id: z.number().int(),
    state: z.string(),
    environment: z.string().optional(),
    created_at: isoTime,
  }),
  deployment,
  repository,
});

export const githubIssues = z.looseObject({
  action: z.string(),
  issue: z.looseObject({
    number: z.number().int(),
    state: z.string().optional(),
    created_at: isoTime,
    updated_at: isoTime,
    closed_at: isoTime.nullable().optional(),
    body: z.string().nullable().optional(),
    labels: z.array(z.looseObject({ name: z.string() })).optional(),
  }),
  label: z.looseObject({ name: z.string() }).optional(),
  repository,
});

export const githubPullRequest = z.looseObject({
  action: z.string(),
  pull_request: z.looseObject({
    number: z.number().int(),
    created_at: isoTime,
    merged: z.boolean().nullable().optional(),
    merged_at: isoTime.nullable().optional(),
    merge_commit_sha: z.string().nullable().optional(),
  }),
  repository,
});

export const githubWorkflowRun = z.looseObject({
  action: z.string(),
  workflow_run: z.looseObject({
    id: z.number().int(),
    head_sha: z.string().min(4),
    conclusion: z.string().nullable().optional(),
    created_at: isoTime,
    updated_at: isoTime,
    run_started_at: isoTime.optional(),
  }),
  repository,
});

/** The events we read, by X-GitHub-Event name. Others are accepted and ignored. */
export const GITHUB_EVENT_SCHEMAS = {
  push: githubPush,
  deployment: githubDeployment,
  deployment_status: githubDeploymentStatus,
  issues: githubIssues,
  pull_request: githubPullRequest,
  workflow_run: githubWorkflowRun,
} as const;

export type GithubEventName = keyof typeof GITHUB_EVENT_SCHEMAS;

export function isHandledGithubEvent(name: string): name is GithubEventName {
  return Object.hasOwn(GITHUB_EVENT_SCHEMAS, name);
}

/** A readable one-line summary of a zod error: `path: message; path: message`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
    .join('; ');
}
