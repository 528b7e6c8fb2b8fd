/** Response shapes of the Watchpost API. Timestamps are epoch milliseconds. */

export const ROLES = ['viewer', 'member', 'admin', 'owner'] as const;
export type Role = (typeof ROLES)[number];

export const TOKEN_SCOPES = ['read', 'write', 'admin'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export interface User {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  createdAt: number;
  lastLoginAt: number | null;
}

export interface Org {
  id: string;
  name: string;
  slug: string;
  createdAt: number;
}

export interface OrgWithRole extends Org {
  role: Role;
}

/** Who is logged in, if anyone: the public probe that never answers 401. */
export interface SessionInfo {
  user: User | null;
}

export interface Me {
  user: User;
  orgs: OrgWithRole[];
  auth: { kind: 'session' | 'token'; scope: string | null; orgId: string | null };
}

export interface Session {
  id: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
}

export interface Member {
  userId: string;
  email: string;
  name: string;
  role: Role;
  joinedAt: number;
  lastLoginAt: number | null;
}

export interface Invite {
  id: string;
  email: string;
  role: Role;
  createdAt: number;
  expiresAt: number;
  acceptedAt: number | null;
}

export interface InviteDescription {
  orgName: string;
  email: string;
  role: Role;
  accountExists: boolean;
  expiresAt: number;
}

export interface ApiToken {
  id: string;
  name: string;
  prefix: string;
  scope: TokenScope;
  createdBy: { id: string; email: string } | null;
  createdAt: number;
  lastUsedAt: number | null;
  expiresAt: number | null;
  revokedAt: number | null;
}

export interface AuditEvent {
  id: string;
  orgId: string | null;
  actor: { userId: string | null; label: string | null };
  action: string;
  target: { type: string | null; id: string | null };
  ip: string | null;
  details: Record<string, unknown> | null;
  createdAt: number;
}

export interface Project {
  id: number;
  orgId: string;
  name: string;
  slug: string;
  platform: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface IngestKey {
  id: string;
  label: string;
  publicKey: string;
  dsn: string;
  createdAt: number;
  /** May lie in the future: a rotated key keeps working until then. */
  revokedAt: number | null;
  lastUsedAt: number | null;
  active: boolean;
}

export type JobRunStatus = 'running' | 'ok' | 'error' | 'abandoned';

export interface JobRun {
  id: string;
  jobName: string;
  node: string;
  scheduledFor: number;
  startedAt: number;
  finishedAt: number | null;
  durationMs: number | null;
  status: JobRunStatus;
  error: string | null;
  result: unknown;
}

export interface Job {
  name: string;
  description: string | null;
  schedule: string;
  nextRunAt: number;
  running: { node: string; since: number } | null;
  lastRun: JobRun | null;
}

export interface Items<T> {
  items: T[];
}

export interface Page<T> extends Items<T> {
  nextBefore: string | null;
}

export interface Ok {
  ok: true;
}

// Errors: issues, their events and triage.

export const ISSUE_LEVELS = ['fatal', 'error', 'warning', 'info', 'debug'] as const;
export type IssueLevel = (typeof ISSUE_LEVELS)[number];
export type IssueStatus = 'unresolved' | 'resolved' | 'ignored';
export type IssueSubstatus = 'new' | 'ongoing' | 'regressed' | 'escalating' | 'none';
export type IssuePeriod = '1h' | '24h' | '7d' | '14d' | '30d' | '90d' | 'all';
export type IssueSort = 'last_seen' | 'first_seen' | 'events' | 'users';

export interface Issue {
  id: string;
  projectId: number;
  title: string;
  culprit: string;
  type: string | null;
  value: string | null;
  /** One of ISSUE_LEVELS, but older data may hold anything. */
  level: string;
  platform: string;
  status: IssueStatus;
  substatus: IssueSubstatus;
  count: number;
  userCount: number;
  firstSeen: number;
  lastSeen: number;
  firstRelease: string | null;
  lastRelease: string | null;
  assigneeId: string | null;
  statusDetails: {
    resolvedInRelease: string | null;
    resolvedInNextRelease: boolean;
    ignoreUntil: number | null;
    ignoreUntilCount: number | null;
    resolvedAt: number | null;
  };
}

export interface IssueListItem extends Issue {
  /** Events per hour over the last 24 hours, oldest first. */
  sparkline: number[];
}

export interface IssueList {
  items: IssueListItem[];
  total: number;
  /** Offset of the next page, or null on the last one. */
  nextCursor: number | null;
}

export interface IssueQuery {
  query?: string;
  status?: IssueStatus | 'all';
  level?: string;
  environment?: string;
  release?: string;
  assignee?: string;
  period?: IssuePeriod;
  sort?: IssueSort;
  cursor?: number;
  limit?: number;
}

/** A triage change: one issue (PATCH /issues/{id}) or many (with ids). */
export interface IssuePatch {
  status?: IssueStatus;
  resolvedInRelease?: string;
  resolvedInNextRelease?: boolean;
  /** With status "ignored": until this time (epoch ms). */
  ignoreUntil?: number;
  /** With status "ignored": until this many more events. */
  ignoreCount?: number;
  assigneeId?: string | null;
}

export interface IssueTag {
  key: string;
  total: number;
  values: { value: string; count: number; lastSeen: number }[];
}

export type IssueActivityKind = 'first_seen' | 'regressed' | 'unignored' | 'status' | 'assigned' | 'comment' | 'merged';

export interface IssueActivity {
  id: string;
  kind: IssueActivityKind;
  data: unknown;
  createdAt: number;
  user: { id: string; name: string; email: string } | null;
}

export interface IssueDetail extends Issue {
  tags: IssueTag[];
  activity: IssueActivity[];
}

export interface IssueEventSummary {
  eventId: string;
  timestamp: number;
  receivedAt: number;
  level: string;
  environment: string;
  release: string | null;
  transaction: string | null;
  message: string;
  user: string | null;
}

export interface IssueEventPage extends Items<IssueEventSummary> {
  nextCursor: number | null;
}

export interface IssueEvent {
  eventId: string;
  issueId: string;
  timestamp: number;
  receivedAt: number;
  /** The normalised event JSON, in Sentry's (snake_case) shape; read it with lib/sentry-event. */
  data: Record<string, unknown>;
  /** The event received before this one, and after it. */
  previousEventId: string | null;
  nextEventId: string | null;
}

// Performance, releases, ingest statistics.

export type PerformancePeriod = '1h' | '24h' | '7d' | '30d';

export interface EndpointStats {
  name: string;
  count: number;
  throughputPerMinute: number;
  /** 0..1 */
  failureRate: number;
  apdex: number | null;
  avgMs: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface EndpointDetail {
  name: string;
  series: { t: number; count: number; failures: number; p50: number | null; p95: number | null; p99: number | null }[];
  spans: { op: string; description: string; count: number; avgMs: number; p95: number | null; maxMs: number }[];
}

export type VitalName = 'lcp' | 'fcp' | 'cls' | 'ttfb' | 'inp';

export interface VitalStats {
  vital: VitalName;
  count: number;
  good: number;
  meh: number;
  poor: number;
  /** Milliseconds; unitless for CLS. */
  p75: number | null;
}

export interface VitalsReport extends Items<VitalStats> {
  pages: { page: string; vitals: VitalStats[] }[];
}

export interface Release {
  version: string;
  createdAt: number;
  lastSeen: number;
  newIssues: number;
  sessions: number;
  crashFreeSessions: number | null;
  crashFreeUsers: number | null;
}

export type IngestOutcome = 'accepted' | 'rate_limited' | 'quota' | 'filtered' | 'invalid' | 'client_discarded' | 'duplicate';
export type IngestStatsPeriod = '24h' | '7d' | '30d';

export interface IngestStats {
  totals: { category: string; outcome: IngestOutcome; count: number }[];
  series: { hour: number; category: string; outcome: IngestOutcome; count: number }[];
}
