/**
 * A service's code history: developers work on branches, open pull requests, get them reviewed
 * and merged (a merge commit on main, pushed with the branch's commits), now and then push
 * straight to main or abandon a branch. Every push to main runs CI. Only what reaches main is a
 * change (DESIGN.md §5); the branch pushes and abandoned pull requests are there to prove that.
 */
import { atLocalTime, DAY, HOUR, isWeekday, MINUTE, SECOND, startOfUtcDay } from './clock.js';
import { DEFAULT_BRANCH, type Person } from './organisation.js';
import { pullRequestClosedPayload, pushPayload, workflowRunCompletedPayload, type Commit, type Context } from './payloads.js';
import type { ServiceSim } from './timeline.js';
import { changeWording, followUpMessage, touchedFiles } from './wording.js';

export const ZERO_SHA = '0'.repeat(40);

/** A push to main and the CI run it triggered. */
export interface MainBuild {
  pushedAt: number;
  sha: string;
  ciDoneAt: number;
  green: boolean;
}

export class CodeHistory {
  constructor(
    /** Main's head when the window opens: already in production. */
    readonly initialHead: string,
    readonly builds: readonly MainBuild[],
  ) {}

  /** The newest commit on main whose CI had passed by `at`: what a pipeline would ship then. */
  greenHeadAt(at: number): string {
    let best: MainBuild | undefined;
    for (const b of this.builds) {
      if (b.green && b.ciDoneAt <= at && (!best || b.pushedAt > best.pushedAt)) best = b;
    }
    return best?.sha ?? this.initialHead;
  }
}

type IntentKind = 'pull-request' | 'direct-push' | 'abandoned';

interface Intent {
  kind: IntentKind;
  /** When it lands (merge, push, or the pull request being closed unmerged). */
  at: number;
  author: Person;
}

/** Shares of the day's work that are not a merged pull request. */
const DIRECT_PUSH_SHARE = 0.08;
const ABANDONED_SHARE = 0.05;
/** People rarely merge at weekends. */
const WEEKEND_FACTOR = 0.04;

export function simulateCodeHistory(sim: ServiceSim): CodeHistory {
  const initialHead = sim.ids.sha();
  const builds: MainBuild[] = [];
  let head = initialHead;
  let lastPushAt = 0;
  for (const intent of planIntents(sim)) {
    if (intent.kind === 'abandoned') {
      branchWork(sim, intent, head, false);
      continue;
    }
    const pushAt = Math.max(intent.at + SECOND, lastPushAt + SECOND);
    const commits = intent.kind === 'pull-request' ? branchWork(sim, intent, head, true) : directCommits(sim, intent);
    const ctx: Context = { org: sim.org, service: sim.service };
    const pusher = commits[commits.length - 1]!.author;
    sim.timeline.emit('push', pushAt, sim.service.fullName, () =>
      pushPayload(ctx, { branch: DEFAULT_BRANCH, before: head, commits, pusher, at: pushAt }),
    );
    head = commits[commits.length - 1]!.id;
    lastPushAt = pushAt;
    builds.push(runCi(sim, commits[commits.length - 1]!, pushAt, pusher));
  }
  return new CodeHistory(initialHead, builds);
}

/** What lands on main when, by whom: a Poisson number per day at each author's local working hours. */
function planIntents(sim: ServiceSim): Intent[] {
  const { rng, service, from } = sim;
  const now = sim.timeline.now;
  const intents: Intent[] = [];
  for (let day = startOfUtcDay(from); day <= now; day += DAY) {
    const mean = service.profile.mergesPerWorkday * (isWeekday(day) ? 1 : WEEKEND_FACTOR);
    for (let n = rng.poisson(mean); n > 0; n -= 1) {
      const author = rng.pick(service.team.developers);
      const at = atLocalTime(day, rng.between(9.5, 18), author.utcOffsetMinutes);
      const r = rng.next();
      const kind: IntentKind = r < DIRECT_PUSH_SHARE ? 'direct-push' : r < DIRECT_PUSH_SHARE + ABANDONED_SHARE ? 'abandoned' : 'pull-request';
      if (at >= from && at < now) intents.push({ kind, at, author });
    }
  }
  return intents.sort((a, b) => a.at - b.at);
}

/**
 * A branch's life: commits, a push that creates the branch, perhaps review follow-ups pushed
 * later, and the pull request closed: merged onto main at `base` (returns the commits main
 * receives: the branch's, then the merge commit) or abandoned (returns []).
 */
function branchWork(sim: ServiceSim, intent: Intent, base: string, merged: boolean): Commit[] {
  const { rng, ids, service } = sim;
  const ctx: Context = { org: sim.org, service };
  const profile = service.profile;
  const wording = changeWording(rng);
  const number = sim.counters.nextNumber();
  const closedAt = intent.at;
  const openedAt = closedAt - Math.max(15 * MINUTE, rng.lognormal(profile.reviewHours * HOUR, 0.7));
  const startedAt = openedAt - Math.max(10 * MINUTE, rng.lognormal(profile.branchWorkHours * HOUR, 0.6));

  const total = 1 + Math.min(5, rng.poisson(1.3));
  const reviewWindow = closedAt - 10 * MINUTE - (openedAt + 5 * MINUTE);
  const followUps = total > 1 && reviewWindow > 0 && rng.chance(0.35) ? rng.int(1, total - 1) : 0;
  const first = commitsBetween(sim, intent.author, startedAt, openedAt - 2 * MINUTE, total - followUps, wording.title);
  const later = followUps > 0 ? commitsBetween(sim, intent.author, openedAt + 5 * MINUTE, closedAt - 10 * MINUTE, followUps) : [];

  const branchPush = (before: string, commits: Commit[], at: number) =>
    sim.timeline.emit('push', at, service.fullName, () =>
      pushPayload(ctx, { branch: wording.branch, before, commits, pusher: intent.author, at }),
    );
  branchPush(ZERO_SHA, first, openedAt - MINUTE);
  if (later.length > 0) branchPush(first[first.length - 1]!.id, later, later[later.length - 1]!.at + MINUTE);

  const branchCommits = [...first, ...later];
  const headSha = branchCommits[branchCommits.length - 1]!.id;
  const files = mergedFiles(branchCommits);
  const others = service.team.developers.filter((d) => d.login !== intent.author.login);
  const mergedBy = others.length > 0 ? rng.pick(others) : intent.author;
  const merge: Commit | null =
    !merged
      ? null
      : {
          id: ids.sha(),
          treeId: ids.sha(),
          message: `Merge pull request #${number} from ${sim.org.login}/${wording.branch}\n\n${wording.title}`,
          at: closedAt,
          author: mergedBy,
          committedByGithub: true,
          distinct: true,
          files,
        };
  const edits = branchCommits.reduce((sum, c) => sum + c.files.modified.length + c.files.added.length, 0);
  const pullRequestId = ids.pullRequest.next();
  sim.timeline.emit('pull_request', closedAt, service.fullName, () =>
    pullRequestClosedPayload(ctx, {
      id: pullRequestId,
      number,
      title: wording.title,
      body: `${wording.title}.\n\nTested locally and in CI.`,
      author: intent.author,
      branch: wording.branch,
      headSha,
      baseSha: base,
      openedAt,
      closedAt,
      merge: merge ? { sha: merge.id, by: mergedBy } : null,
      commits: branchCommits.length,
      additions: edits * 17,
      deletions: edits * 6,
      changedFiles: files.modified.length + files.added.length,
    }),
  );
  if (!merge) return [];
  // Already pushed on the branch, so not distinct in main's push.
  return [...branchCommits.map((c) => ({ ...c, distinct: false })), merge];
}

function directCommits(sim: ServiceSim, intent: Intent): Commit[] {
  const count = sim.rng.chance(0.7) ? 1 : 2;
  const title = changeWording(sim.rng).title;
  return commitsBetween(sim, intent.author, intent.at - sim.rng.between(5, 60) * MINUTE, intent.at - MINUTE, count, title);
}

/** `count` commits by `author` at sorted random times in [start, end]; the first says `title`. */
function commitsBetween(sim: ServiceSim, author: Person, start: number, end: number, count: number, title?: string): Commit[] {
  const { rng, ids, service } = sim;
  const times = Array.from({ length: count }, () => Math.round(rng.between(start, Math.max(start, end)) / SECOND) * SECOND).sort(
    (a, b) => a - b,
  );
  return times.map((at, i) => ({
    id: ids.sha(),
    treeId: ids.sha(),
    message: i === 0 && title ? title : followUpMessage(rng),
    at,
    author,
    committedByGithub: false,
    distinct: true,
    files: touchedFiles(rng, service.language),
  }));
}

function mergedFiles(commits: Commit[]): Commit['files'] {
  const added = [...new Set(commits.flatMap((c) => c.files.added))];
  const modified = [...new Set(commits.flatMap((c) => c.files.modified))].filter((f) => !added.includes(f));
  return { added, removed: [], modified };
}

function runCi(sim: ServiceSim, head: Commit, pushAt: number, actor: Person): MainBuild {
  const { rng, ids, service } = sim;
  const createdAt = pushAt + rng.int(3, 15) * SECOND;
  const finishedAt = createdAt + Math.max(2 * MINUTE, rng.lognormal(8 * MINUTE, 0.3));
  const green = !rng.chance(service.profile.ciFailureRate);
  const id = ids.workflowRun.next();
  const runNumber = sim.counters.nextRunNumber();
  sim.timeline.emit('workflow_run', finishedAt, service.fullName, () =>
    workflowRunCompletedPayload(
      { org: sim.org, service },
      {
        id,
        runNumber,
        workflowId: sim.counters.workflowId,
        headCommit: head,
        headBranch: DEFAULT_BRANCH,
        conclusion: green ? 'success' : 'failure',
        createdAt,
        finishedAt,
        actor,
      },
    ),
  );
  return { pushedAt: pushAt, sha: head.id, ciDoneAt: finishedAt, green };
}
