/**
 * Canonical events: what the normaliser writes to the canonical topic, whatever the source.
 * Every time is epoch milliseconds UTC (event time, never arrival time). Every event is keyed
 * by `repo` on the log so one repository's events stay in order on one partition and meet in
 * one linker.
 */
import { z } from 'zod';

const epochMs = z.number().int().nonnegative();
const sha = z.string().min(4).max(64);

export const changesPushed = z.object({
  type: z.literal('changes.pushed'),
  id: z.string().min(1),
  source: z.string().min(1),
  repo: z.string().min(1),
  /** Commits that reached the default branch, oldest first, each linked to its predecessor there. */
  commits: z
    .array(z.object({ sha, parentSha: sha.nullable(), committedAt: epochMs }))
    .min(1),
});

export const deploymentFinished = z.object({
  type: z.literal('deployment.finished'),
  /** One id per terminal attempt (a deployment may fail, then succeed on retry). */
  id: z.string().min(1),
  source: z.string().min(1),
  deploymentId: z.string().min(1),
  service: z.string().min(1),
  repo: z.string().min(1),
  /** Canonical environment: `production` for any configured production name, else lower-cased. */
  environment: z.string().min(1),
  sha,
  status: z.enum(['success', 'failure']),
  finishedAt: epochMs,
});

export const incidentUpdated = z.object({
  type: z.literal('incident.updated'),
  id: z.string().min(1),
  source: z.string().min(1),
  incidentId: z.string().min(1),
  service: z.string().min(1),
  repo: z.string().min(1),
  openedAt: epochMs,
  /** 0 while unresolved (no NULLs: ClickHouse aggregates skip them, which would hide a reopen). */
  resolvedAt: epochMs,
  /** False when the source no longer calls it an incident (label removed, issue deleted). */
  active: z.boolean(),
  /** Orders updates of one incident: the highest version is its current state. */
  version: epochMs,
  /** The deployment the incident names, when it names one. */
  deploymentId: z.string().nullable(),
  revision: sha.nullable(),
});

export const pullRequestMerged = z.object({
  type: z.literal('pull_request.merged'),
  id: z.string().min(1),
  source: z.string().min(1),
  repo: z.string().min(1),
  number: z.number().int(),
  mergeSha: sha.nullable(),
  openedAt: epochMs,
  mergedAt: epochMs,
});

export const ciRunCompleted = z.object({
  type: z.literal('ci_run.completed'),
  id: z.string().min(1),
  source: z.string().min(1),
  repo: z.string().min(1),
  runId: z.string().min(1),
  sha,
  conclusion: z.string(),
  startedAt: epochMs,
  finishedAt: epochMs,
});

export const canonicalEvent = z.discriminatedUnion('type', [
  changesPushed,
  deploymentFinished,
  incidentUpdated,
  pullRequestMerged,
  ciRunCompleted,
]);

export type ChangesPushed = z.infer<typeof changesPushed>;
export type DeploymentFinished = z.infer<typeof deploymentFinished>;
export type IncidentUpdated = z.infer<typeof incidentUpdated>;
export type CanonicalEvent = z.infer<typeof canonicalEvent>;
