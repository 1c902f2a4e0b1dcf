/**
 * Incidents and everyday issues. Some production deployments break something: an issue labelled
 * `incident` is opened a while later (sometimes opened as a bug and labelled when it is
 * recognised) and closed once recovered; some name the culprit with a `deployment: <id>` or
 * `revision: <sha>` line, the rest are attributed by time (DESIGN.md §5). Everyday issues without
 * the label must not count.
 */
import { atLocalTime, DAY, isWeekday, MINUTE, startOfUtcDay } from './clock.js';
import type { ProductionDeploy } from './deploys.js';
import type { Person } from './organisation.js';
import { issuesPayload, type Context, type IssueSpec, type Label } from './payloads.js';
import type { ServiceSim } from './timeline.js';
import { everydayIssueTitle, incidentTitle } from './wording.js';

const LABELS = {
  incident: { name: 'incident', color: 'b60205', description: 'Production incident' },
  sev1: { name: 'sev1', color: 'e11d21', description: 'Customer-facing outage' },
  sev2: { name: 'sev2', color: 'eb6420', description: 'Degraded service' },
  sev3: { name: 'sev3', color: 'fbca04', description: 'Minor impact' },
  bug: { name: 'bug', color: 'd73a4a', description: "Something isn't working" },
  enhancement: { name: 'enhancement', color: 'a2eeef', description: 'New feature or request' },
  documentation: { name: 'documentation', color: '0075ca', description: 'Improvements or additions to documentation' },
} as const;

type LabelName = keyof typeof LABELS;

/** Label ids are per repository and stable. */
function labelsFor(sim: ServiceSim): Record<LabelName, Label> {
  const out = {} as Record<LabelName, Label>;
  for (const name of Object.keys(LABELS) as LabelName[]) out[name] = { id: sim.ids.label.next(), ...LABELS[name] };
  return out;
}

/** Opens incidents after deployments; returns how many were opened. */
export function simulateIncidents(sim: ServiceSim, deploys: readonly ProductionDeploy[]): number {
  const { rng, service } = sim;
  const profile = service.profile;
  const labels = labelsFor(sim);
  let opened = 0;
  // Error diffusion rather than a coin per deployment: the realised failure rate stays close to
  // the profile's even over a few deployments, so each service lands in its intended tier (a
  // low performer with a single release in the window still has its incident).
  let pressure = 0.5 + 0.4 * rng.next();
  deploys.forEach((deploy, i) => {
    pressure += profile.changeFailureRate;
    if (pressure < 1) return;
    pressure -= 1;
    const reference = rng.next();
    const names = reference < 0.45 ? `\n\ndeployment: ${deploy.id}` : reference < 0.6 ? `\n\nrevision: ${deploy.sha}` : '';
    let openAt = deploy.finishedAt + Math.max(3 * MINUTE, rng.lognormal(profile.detectMinutes * MINUTE, 0.5));
    const nextDeploy = deploys[i + 1];
    if (!names && nextDeploy && openAt >= nextDeploy.finishedAt) {
      // Attributed by time: it must open before the next deployment, or it would blame that one.
      openAt = deploy.finishedAt + (nextDeploy.finishedAt - deploy.finishedAt) * rng.between(0.2, 0.9);
    }
    const recoverAt = openAt + Math.max(5 * MINUTE, rng.lognormal(profile.recoverMinutes * MINUTE, 0.45));
    const severity = rng.pick(['sev1', 'sev2', 'sev2', 'sev3'] as const);
    const labelledLater = rng.chance(0.2);
    const onCall = rng.pick(service.team.developers);
    const body =
      `Alert fired for ${service.name} in production shortly after deploying ${deploy.sha.slice(0, 7)}.\n\n` +
      `Impact: ${severity === 'sev1' ? 'requests failing for some customers' : 'elevated error rate'}.` +
      names;
    const issue = newIssue(sim, incidentTitle(rng, service.name), body, onCall, openAt);
    if (labelledLater) {
      const labelAt = openAt + rng.int(5, 40) * MINUTE;
      issue.labels = [labels.bug];
      const closeAt = Math.max(recoverAt, labelAt + 5 * MINUTE);
      lifecycle(sim, issue, onCall, [labels.bug, labels.incident, labels[severity]], closeAt, { at: labelAt, label: labels.incident });
    } else {
      issue.labels = [labels.incident, labels[severity]];
      lifecycle(sim, issue, onCall, issue.labels, recoverAt);
    }
    opened += 1;
  });
  return opened;
}

/** Ordinary issues (bugs, ideas, docs): about one every two weeks per service. */
export function simulateEverydayIssues(sim: ServiceSim): void {
  const { rng, service, from } = sim;
  const labels = labelsFor(sim);
  for (let day = startOfUtcDay(from); day <= sim.timeline.now; day += DAY) {
    if (!isWeekday(day) || !rng.chance(0.1)) continue;
    const author = rng.pick(service.team.developers);
    const at = atLocalTime(day, rng.between(9, 18), author.utcOffsetMinutes);
    if (at < from) continue;
    const label = rng.pick([labels.bug, labels.enhancement, labels.documentation]);
    const issue = newIssue(sim, everydayIssueTitle(rng, service.name), 'Noticed while working on something else.', author, at);
    issue.labels = [label];
    const closeAt = rng.chance(0.6) ? at + rng.lognormal(5 * DAY, 0.8) : Number.POSITIVE_INFINITY;
    lifecycle(sim, issue, author, issue.labels, closeAt);
  }
}

function newIssue(sim: ServiceSim, title: string, body: string, author: Person, createdAt: number): IssueSpec {
  return {
    id: sim.ids.issue.next(),
    number: sim.counters.nextNumber(),
    title,
    body,
    author,
    labels: [],
    createdAt,
    updatedAt: createdAt,
    closedAt: null,
  };
}

/**
 * opened → (labeled) → closed deliveries, each a snapshot of the issue at that moment.
 * `closeAt` is after `labelling.at`; Infinity leaves the issue open.
 */
function lifecycle(
  sim: ServiceSim,
  issue: IssueSpec,
  actor: Person,
  finalLabels: Label[],
  closeAt: number,
  labelling?: { at: number; label: Label },
): void {
  const ctx: Context = { org: sim.org, service: sim.service };
  const repo = sim.service.fullName;
  const opened = { ...issue };
  sim.timeline.emit('issues', issue.createdAt, repo, () => issuesPayload(ctx, 'opened', opened, actor));
  if (labelling) {
    const labelled = { ...issue, labels: finalLabels, updatedAt: labelling.at };
    sim.timeline.emit('issues', labelling.at, repo, () => issuesPayload(ctx, 'labeled', labelled, actor, labelling.label));
  }
  if (Number.isFinite(closeAt)) {
    const closed = { ...issue, labels: finalLabels, updatedAt: closeAt, closedAt: closeAt };
    sim.timeline.emit('issues', closeAt, repo, () => issuesPayload(ctx, 'closed', closed, actor));
  }
}
