/**
 * GitHub webhook payloads, shaped like the real ones (@octokit/webhooks-examples, api.github.com):
 * the fields a consumer would look at are all there, with GitHub's names, formats and quirks
 * (push payloads carry the repository's times as epoch seconds, everything else as ISO strings).
 * Written out by hand rather than cloned from the examples: those are a dev dependency, and
 * `dora demo` must run from a production install.
 */
import { isoUtc, isoWithOffset } from './clock.js';
import { DEFAULT_BRANCH, type Organisation, type Person, type Service } from './organisation.js';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

const WEB = 'https://github.com';
const API = 'https://api.github.com';

/** GitHub's legacy global node ids are base64 of `<len>:<Type><id>`, e.g. `010:Repository186853002`. */
function nodeId(type: string, id: number): string {
  return Buffer.from(`${String(type.length).padStart(2, '0')}:${type}${id}`).toString('base64');
}

export function user(person: Person): JsonObject {
  const path = encodeURIComponent(person.login);
  return {
    login: person.login,
    id: person.id,
    node_id: nodeId(person.type, person.id),
    avatar_url: `https://avatars.githubusercontent.com/${person.type === 'Bot' ? 'in/15368' : `u/${person.id}`}?v=4`,
    gravatar_id: '',
    url: `${API}/users/${path}`,
    html_url: person.type === 'Bot' ? `${WEB}/apps/github-actions` : `${WEB}/${path}`,
    type: person.type,
    site_admin: false,
  };
}

export function organization(org: Organisation): JsonObject {
  const api = `${API}/orgs/${org.login}`;
  return {
    login: org.login,
    id: org.id,
    node_id: nodeId('Organization', org.id),
    url: api,
    repos_url: `${api}/repos`,
    events_url: `${api}/events`,
    hooks_url: `${api}/hooks`,
    issues_url: `${api}/issues`,
    members_url: `${api}/members{/member}`,
    public_members_url: `${api}/public_members{/member}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${org.id}?v=4`,
    description: 'Acme Corp engineering',
  };
}

/**
 * The repository object. `push` payloads differ: `created_at`/`pushed_at` are epoch seconds,
 * `url` is the web URL, and the owner carries name/email (sources.md §1.4).
 */
export function repository(service: Service, org: Organisation, flavour: 'push' | 'api', pushedAt: number): JsonObject {
  const web = `${WEB}/${service.fullName}`;
  const api = `${API}/repos/${service.fullName}`;
  const owner: JsonObject = {
    ...(flavour === 'push' ? { name: org.login, email: null } : {}),
    login: org.login,
    id: org.id,
    node_id: nodeId('Organization', org.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${org.id}?v=4`,
    gravatar_id: '',
    url: `${API}/users/${org.login}`,
    html_url: `${WEB}/${org.login}`,
    type: 'Organization',
    site_admin: false,
  };
  const seconds = (ms: number) => Math.floor(ms / 1000);
  return {
    id: service.repoId,
    node_id: nodeId('Repository', service.repoId),
    name: service.name,
    full_name: service.fullName,
    private: true,
    owner,
    html_url: web,
    description: service.description,
    fork: false,
    url: flavour === 'push' ? web : api,
    hooks_url: `${api}/hooks`,
    issues_url: `${api}/issues{/number}`,
    pulls_url: `${api}/pulls{/number}`,
    commits_url: `${api}/commits{/sha}`,
    compare_url: `${api}/compare/{base}...{head}`,
    deployments_url: `${api}/deployments`,
    created_at: flavour === 'push' ? seconds(service.createdAt) : isoUtc(service.createdAt),
    updated_at: isoUtc(pushedAt),
    pushed_at: flavour === 'push' ? seconds(pushedAt) : isoUtc(pushedAt),
    git_url: `git://github.com/${service.fullName}.git`,
    ssh_url: `git@github.com:${service.fullName}.git`,
    clone_url: `${web}.git`,
    svn_url: web,
    homepage: null,
    size: 4096 + (service.repoId % 60_000),
    stargazers_count: 0,
    watchers_count: 0,
    language: service.language,
    has_issues: true,
    has_projects: false,
    has_downloads: true,
    has_wiki: false,
    has_pages: false,
    forks_count: 0,
    mirror_url: null,
    archived: false,
    disabled: false,
    open_issues_count: 0,
    license: null,
    forks: 0,
    open_issues: 0,
    watchers: 0,
    default_branch: DEFAULT_BRANCH,
    ...(flavour === 'push' ? { stargazers: 0, master_branch: DEFAULT_BRANCH, organization: org.login } : {}),
    is_template: false,
    topics: [service.team.slug],
    visibility: 'private',
    web_commit_signoff_required: false,
  };
}

export interface Commit {
  id: string;
  treeId: string;
  message: string;
  at: number;
  author: Person;
  /** Merge commits made on github.com are committed by GitHub itself. */
  committedByGithub: boolean;
  /** False when the commit was already pushed to another branch (its feature branch). */
  distinct: boolean;
  files: { added: string[]; removed: string[]; modified: string[] };
}

const GITHUB_COMMITTER = { name: 'GitHub', email: 'noreply@github.com', username: 'web-flow' };

function gitIdentity(person: Person): JsonObject {
  return { name: person.name, email: person.email, username: person.login };
}

function commit(service: Service, c: Commit): JsonObject {
  return {
    id: c.id,
    tree_id: c.treeId,
    distinct: c.distinct,
    message: c.message,
    // The committer's local offset, as git records it: lead time must honour it.
    timestamp: isoWithOffset(c.at, c.author.utcOffsetMinutes),
    url: `${WEB}/${service.fullName}/commit/${c.id}`,
    author: gitIdentity(c.author),
    committer: c.committedByGithub ? GITHUB_COMMITTER : gitIdentity(c.author),
    added: c.files.added,
    removed: c.files.removed,
    modified: c.files.modified,
  };
}

export interface Context {
  org: Organisation;
  service: Service;
}

function envelope(ctx: Context, flavour: 'push' | 'api', at: number, sender: Person): JsonObject {
  return {
    repository: repository(ctx.service, ctx.org, flavour, at),
    organization: organization(ctx.org),
    sender: user(sender),
  };
}

export interface PushSpec {
  /** Branch name, e.g. `main` or `feature/retry-webhooks`. */
  branch: string;
  before: string;
  commits: Commit[];
  pusher: Person;
  at: number;
}

const ZERO_SHA = '0'.repeat(40);

export function pushPayload(ctx: Context, p: PushSpec): JsonObject {
  const head = p.commits[p.commits.length - 1]!;
  const created = p.before === ZERO_SHA;
  const web = `${WEB}/${ctx.service.fullName}`;
  return {
    ref: `refs/heads/${p.branch}`,
    before: p.before,
    after: head.id,
    created,
    deleted: false,
    forced: false,
    base_ref: null,
    compare: created ? `${web}/compare/${p.branch}` : `${web}/compare/${p.before.slice(0, 12)}...${head.id.slice(0, 12)}`,
    commits: p.commits.map((c) => commit(ctx.service, c)),
    head_commit: commit(ctx.service, head),
    pusher: { name: p.pusher.login, email: p.pusher.email },
    ...envelope(ctx, 'push', p.at, p.pusher),
  };
}

export interface PullRequestSpec {
  id: number;
  number: number;
  title: string;
  body: string;
  author: Person;
  branch: string;
  headSha: string;
  baseSha: string;
  openedAt: number;
  closedAt: number;
  /** Null when the pull request was closed without merging. */
  merge: { sha: string; by: Person } | null;
  commits: number;
  additions: number;
  deletions: number;
  changedFiles: number;
}

export function pullRequestClosedPayload(ctx: Context, pr: PullRequestSpec): JsonObject {
  const web = `${WEB}/${ctx.service.fullName}`;
  const api = `${API}/repos/${ctx.service.fullName}`;
  const repo = repository(ctx.service, ctx.org, 'api', pr.closedAt);
  const ref = (name: string, sha: string): JsonObject => ({
    label: `${ctx.org.login}:${name}`,
    ref: name,
    sha,
    user: { login: ctx.org.login, id: ctx.org.id, type: 'Organization' },
    repo,
  });
  return {
    action: 'closed',
    number: pr.number,
    pull_request: {
      url: `${api}/pulls/${pr.number}`,
      id: pr.id,
      node_id: nodeId('PullRequest', pr.id),
      html_url: `${web}/pull/${pr.number}`,
      diff_url: `${web}/pull/${pr.number}.diff`,
      patch_url: `${web}/pull/${pr.number}.patch`,
      issue_url: `${api}/issues/${pr.number}`,
      number: pr.number,
      state: 'closed',
      locked: false,
      title: pr.title,
      user: user(pr.author),
      body: pr.body,
      created_at: isoUtc(pr.openedAt),
      updated_at: isoUtc(pr.closedAt),
      closed_at: isoUtc(pr.closedAt),
      merged_at: pr.merge ? isoUtc(pr.closedAt) : null,
      merge_commit_sha: pr.merge?.sha ?? null,
      assignee: null,
      assignees: [],
      requested_reviewers: [],
      requested_teams: [],
      labels: [],
      milestone: null,
      draft: false,
      head: ref(pr.branch, pr.headSha),
      base: ref(DEFAULT_BRANCH, pr.baseSha),
      author_association: 'MEMBER',
      auto_merge: null,
      active_lock_reason: null,
      merged: pr.merge !== null,
      mergeable: null,
      rebaseable: null,
      mergeable_state: 'unknown',
      merged_by: pr.merge ? user(pr.merge.by) : null,
      comments: pr.commits % 3,
      review_comments: pr.commits + 1,
      maintainer_can_modify: false,
      commits: pr.commits,
      additions: pr.additions,
      deletions: pr.deletions,
      changed_files: pr.changedFiles,
    },
    ...envelope(ctx, 'api', pr.closedAt, pr.merge?.by ?? pr.author),
  };
}

export interface WorkflowRunSpec {
  id: number;
  runNumber: number;
  workflowId: number;
  headCommit: Commit;
  headBranch: string;
  conclusion: 'success' | 'failure';
  createdAt: number;
  finishedAt: number;
  actor: Person;
}

const CI_WORKFLOW = { name: 'CI', path: '.github/workflows/ci.yml' };

export function workflowRunCompletedPayload(ctx: Context, run: WorkflowRunSpec): JsonObject {
  const web = `${WEB}/${ctx.service.fullName}`;
  const api = `${API}/repos/${ctx.service.fullName}`;
  const repo = repository(ctx.service, ctx.org, 'api', run.finishedAt);
  const head = run.headCommit;
  return {
    action: 'completed',
    workflow: {
      id: run.workflowId,
      node_id: nodeId('Workflow', run.workflowId),
      name: CI_WORKFLOW.name,
      path: CI_WORKFLOW.path,
      state: 'active',
      created_at: isoUtc(ctx.service.createdAt),
      updated_at: isoUtc(ctx.service.createdAt),
      url: `${api}/actions/workflows/${run.workflowId}`,
      html_url: `${web}/blob/${DEFAULT_BRANCH}/${CI_WORKFLOW.path}`,
      badge_url: `${web}/workflows/${CI_WORKFLOW.name}/badge.svg`,
    },
    workflow_run: {
      id: run.id,
      node_id: nodeId('WorkflowRun', run.id),
      name: CI_WORKFLOW.name,
      display_title: head.message.split('\n')[0]!,
      path: CI_WORKFLOW.path,
      workflow_id: run.workflowId,
      run_number: run.runNumber,
      run_attempt: 1,
      event: 'push',
      status: 'completed',
      conclusion: run.conclusion,
      head_branch: run.headBranch,
      head_sha: head.id,
      head_commit: {
        id: head.id,
        tree_id: head.treeId,
        message: head.message,
        timestamp: isoWithOffset(head.at, head.author.utcOffsetMinutes),
        author: { name: head.author.name, email: head.author.email },
        committer: head.committedByGithub ? { name: GITHUB_COMMITTER.name, email: GITHUB_COMMITTER.email } : { name: head.author.name, email: head.author.email },
      },
      pull_requests: [],
      created_at: isoUtc(run.createdAt),
      run_started_at: isoUtc(run.createdAt),
      updated_at: isoUtc(run.finishedAt),
      actor: user(run.actor),
      triggering_actor: user(run.actor),
      url: `${api}/actions/runs/${run.id}`,
      html_url: `${web}/actions/runs/${run.id}`,
      jobs_url: `${api}/actions/runs/${run.id}/jobs`,
      logs_url: `${api}/actions/runs/${run.id}/logs`,
      previous_attempt_url: null,
      head_repository: repo,
      repository: repo,
    },
    ...envelope(ctx, 'api', run.finishedAt, run.actor),
  };
}

export interface DeploymentSpec {
  id: number;
  sha: string;
  /** Branch or tag that was deployed, e.g. `main` or `v2.14.0`. */
  ref: string;
  environment: string;
  production: boolean;
  description: string;
  creator: Person;
  createdAt: number;
}

function deployment(ctx: Context, d: DeploymentSpec, updatedAt: number): JsonObject {
  const api = `${API}/repos/${ctx.service.fullName}`;
  return {
    url: `${api}/deployments/${d.id}`,
    id: d.id,
    node_id: nodeId('Deployment', d.id),
    sha: d.sha,
    ref: d.ref,
    task: 'deploy',
    payload: {},
    original_environment: d.environment,
    environment: d.environment,
    description: d.description,
    creator: user(d.creator),
    created_at: isoUtc(d.createdAt),
    updated_at: isoUtc(updatedAt),
    statuses_url: `${api}/deployments/${d.id}/statuses`,
    repository_url: api,
    transient_environment: false,
    production_environment: d.production,
  };
}

export function deploymentCreatedPayload(ctx: Context, d: DeploymentSpec): JsonObject {
  return {
    action: 'created',
    deployment: deployment(ctx, d, d.createdAt),
    ...envelope(ctx, 'api', d.createdAt, d.creator),
  };
}

export interface DeploymentStatusSpec {
  id: number;
  state: 'in_progress' | 'success' | 'failure' | 'error';
  at: number;
  description: string;
}

export function deploymentStatusPayload(ctx: Context, d: DeploymentSpec, s: DeploymentStatusSpec): JsonObject {
  const web = `${WEB}/${ctx.service.fullName}`;
  const api = `${API}/repos/${ctx.service.fullName}`;
  const logUrl = `${web}/actions/runs/${d.id}`;
  return {
    action: 'created',
    deployment_status: {
      url: `${api}/deployments/${d.id}/statuses/${s.id}`,
      id: s.id,
      node_id: nodeId('DeploymentStatus', s.id),
      state: s.state,
      creator: user(d.creator),
      description: s.description,
      environment: d.environment,
      target_url: logUrl,
      log_url: logUrl,
      environment_url: `https://${d.production ? '' : `${d.environment}.`}${ctx.service.name}.acme.example`,
      created_at: isoUtc(s.at),
      updated_at: isoUtc(s.at),
      deployment_url: `${api}/deployments/${d.id}`,
      repository_url: api,
    },
    deployment: deployment(ctx, d, s.at),
    ...envelope(ctx, 'api', s.at, d.creator),
  };
}

export interface Label {
  id: number;
  name: string;
  color: string;
  description: string;
}

export interface IssueSpec {
  id: number;
  number: number;
  title: string;
  body: string;
  author: Person;
  labels: Label[];
  createdAt: number;
  updatedAt: number;
  /** Null while open. */
  closedAt: number | null;
}

export function issuesPayload(
  ctx: Context,
  action: 'opened' | 'labeled' | 'closed',
  issue: IssueSpec,
  sender: Person,
  label?: Label,
): JsonObject {
  const web = `${WEB}/${ctx.service.fullName}`;
  const api = `${API}/repos/${ctx.service.fullName}`;
  return {
    action,
    issue: {
      url: `${api}/issues/${issue.number}`,
      repository_url: api,
      html_url: `${web}/issues/${issue.number}`,
      id: issue.id,
      node_id: nodeId('Issue', issue.id),
      number: issue.number,
      title: issue.title,
      user: user(issue.author),
      labels: issue.labels.map((l) => labelJson(ctx, l)),
      state: issue.closedAt === null ? 'open' : 'closed',
      state_reason: issue.closedAt === null ? null : 'completed',
      locked: false,
      assignee: null,
      assignees: [],
      milestone: null,
      comments: issue.closedAt === null ? 0 : 3,
      created_at: isoUtc(issue.createdAt),
      updated_at: isoUtc(issue.updatedAt),
      closed_at: issue.closedAt === null ? null : isoUtc(issue.closedAt),
      author_association: 'MEMBER',
      active_lock_reason: null,
      body: issue.body,
    },
    ...(label ? { label: labelJson(ctx, label) } : {}),
    ...envelope(ctx, 'api', issue.updatedAt, sender),
  };
}

function labelJson(ctx: Context, l: Label): JsonObject {
  return {
    id: l.id,
    node_id: nodeId('Label', l.id),
    url: `${API}/repos/${ctx.service.fullName}/labels/${encodeURIComponent(l.name)}`,
    name: l.name,
    color: l.color,
    default: false,
    description: l.description,
  };
}

/** The `ping` GitHub sends when an organisation hook is created: the demo's first delivery. */
export function pingPayload(org: Organisation, sender: Person, at: number): JsonObject {
  const hookId = 400_000_000 + (org.id % 100_000_000);
  return {
    zen: 'Design for failure.',
    hook_id: hookId,
    hook: {
      type: 'Organization',
      id: hookId,
      name: 'web',
      active: true,
      events: ['push', 'pull_request', 'deployment', 'deployment_status', 'workflow_run', 'issues'],
      config: { content_type: 'json', insecure_ssl: '0', url: 'https://dora.acme.example/webhooks/github' },
      updated_at: isoUtc(at),
      created_at: isoUtc(at),
      url: `${API}/orgs/${org.login}/hooks/${hookId}`,
      ping_url: `${API}/orgs/${org.login}/hooks/${hookId}/pings`,
      deliveries_url: `${API}/orgs/${org.login}/hooks/${hookId}/deliveries`,
    },
    organization: organization(org),
    sender: user(sender),
  };
}
