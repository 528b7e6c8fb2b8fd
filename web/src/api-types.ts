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
