import type {
  ApiToken,
  AuditEvent,
  EndpointDetail,
  EndpointStats,
  IngestKey,
  IngestStats,
  IngestStatsPeriod,
  InviteDescription,
  Invite,
  Issue,
  IssueDetail,
  IssueEvent,
  IssueEventPage,
  IssueList,
  IssuePatch,
  IssueQuery,
  Items,
  Job,
  JobRun,
  Me,
  Member,
  Ok,
  Org,
  OrgWithRole,
  Page,
  PerformancePeriod,
  Project,
  Release,
  Role,
  Session,
  SessionInfo,
  TokenScope,
  User,
  VitalsReport,
} from './api-types';
import type {
  Channel,
  ChannelInput,
  ChannelTypeInfo,
  CheckOutcome,
  CheckResult,
  CreatedChannel,
  Delivery,
  DeliveryQuery,
  Downtime,
  HeartbeatPing,
  MaintenanceInput,
  MaintenanceWindow,
  Monitor,
  MonitorInput,
  MonitorList,
  MonitorQuery,
  MonitorStats,
} from './api-types-monitoring';
import type { Backup, BackupSource, BackupSourceInput, PruneDecision, RestoreResult } from './api-types-backups';
import type { IncidentQuery, IncidentStatus, Impact, StatusComponent, StatusComponentInput, StatusIncident, StatusIncidentInput, StatusPage, StatusPageInput } from './api-types-status-pages';

export type * from './api-types';
export type * from './api-types-monitoring';
export type * from './api-types-status-pages';
export type * from './api-types-backups';
export { ISSUE_LEVELS, ROLES, TOKEN_SCOPES } from './api-types';
export { MONITOR_STATUSES, MONITOR_TYPES } from './api-types-monitoring';
export { COMPONENT_STATUSES, IMPACTS, INCIDENT_STATUSES, MAINTENANCE_STATUSES } from './api-types-status-pages';

/** An error answered by the API (or a network failure, with status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get isAuth(): boolean {
    return this.code === 'WP_ERR_AUTH_REQUIRED' || this.code === 'WP_ERR_AUTH_SESSION_EXPIRED';
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface RequestOptions {
  body?: unknown;
  signal?: AbortSignal;
}

let onAuthRequired: ((code: string) => void) | null = null;

/** The app installs the "go to /login" handler; kept here so every call shares it. */
export function setAuthRequiredHandler(handler: ((code: string) => void) | null): void {
  onAuthRequired = handler;
}

function isErrorBody(value: unknown): value is { error: { code: string; message: string; requestId?: string } } {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = value.error;
  return typeof error === 'object' && error !== null && 'code' in error && 'message' in error;
}

async function request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: string | undefined;
  // The server rejects POST/PATCH without a JSON body, and DELETE with a JSON content type but no body
  // (a bulk DELETE that names what to delete does send one).
  if (method === 'POST' || method === 'PUT' || method === 'PATCH' || options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body ?? {});
  }
  let response: Response;
  try {
    response = await fetch(`/api${path}`, { method, headers, body, signal: options.signal, credentials: 'same-origin' });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'WP_ERR_NETWORK', 'Could not reach the Watchpost server. Check your connection and try again.');
  }
  const text = await response.text();
  let data: unknown = null;
  if (text !== '') {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const error = isErrorBody(data)
      ? new ApiError(response.status, data.error.code, data.error.message, data.error.requestId ?? null)
      : new ApiError(response.status, 'WP_ERR_HTTP', `The server answered ${response.status} ${response.statusText}`.trim());
    if (error.isAuth) onAuthRequired?.(error.code);
    throw error;
  }
  return data as T;
}

const get = <T>(path: string, signal?: AbortSignal) => request<T>('GET', path, { signal });
const post = <T>(path: string, body: unknown = {}) => request<T>('POST', path, { body });
const put = <T>(path: string, body: unknown) => request<T>('PUT', path, { body });
const patch = <T>(path: string, body: unknown) => request<T>('PATCH', path, { body });
const del = (path: string) => request<Ok>('DELETE', path);
const delWith = <T>(path: string, body: unknown) => request<T>('DELETE', path, { body });

function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

const o = (orgId: string) => `/orgs/${encodeURIComponent(orgId)}`;
const p = (projectId: number) => `/projects/${projectId}`;
const i = (issueId: string) => `/issues/${encodeURIComponent(issueId)}`;
const m = (monitorId: string) => `/monitors/${encodeURIComponent(monitorId)}`;
const c = (channelId: string) => `/channels/${encodeURIComponent(channelId)}`;
const sp = (statusPageId: string) => `/status-pages/${encodeURIComponent(statusPageId)}`;
const si = (incidentId: string) => `/status-incidents/${encodeURIComponent(incidentId)}`;
const bs = (sourceId: string) => `/backup-sources/${encodeURIComponent(sourceId)}`;
const bk = (backupId: string) => `/backups/${encodeURIComponent(backupId)}`;

/** The issues list's path with its filters: also the cache key of that page of results. */
export function issuesPath(projectId: number, q: IssueQuery): string {
  return `${p(projectId)}/issues${query({ limit: 25, ...q })}`;
}

/** The monitor list's path with its filters: also the cache key of that page. */
export function monitorsPath(projectId: number, q: MonitorQuery): string {
  return `${p(projectId)}/monitors${query({ limit: 50, ...q })}`;
}

/** A status page's incidents with their filters: also the cache key of that list. */
export function statusIncidentsPath(statusPageId: string, q: IncidentQuery): string {
  return `${sp(statusPageId)}/incidents${query({ limit: 50, ...q })}`;
}

/** The delivery log's path with its filters. */
export function deliveriesPath(projectId: number, q: DeliveryQuery): string {
  return `${p(projectId)}/deliveries${query({ limit: 50, ...q })}`;
}

export interface PageQuery {
  limit?: number;
  before?: string | null;
}

export const api = {
  setupStatus: () => get<{ needsSetup: boolean }>('/setup'),
  setup: (body: { token: string; email: string; name?: string; password: string; orgName: string }) =>
    post<{ user: User; org: OrgWithRole }>('/setup', body),
  login: (email: string, password: string) => post<{ user: User }>('/auth/login', { email, password }),
  logout: () => post<Ok>('/auth/logout'),
  /** "Is anyone logged in?" without a 401 (which browsers log as a console error) when nobody is. */
  session: (signal?: AbortSignal) => get<SessionInfo>('/auth/session', signal),
  me: (signal?: AbortSignal) => get<Me>('/auth/me', signal),
  updateProfile: (name: string) => patch<{ user: User }>('/auth/me', { name }),
  sessions: (signal?: AbortSignal) => get<Items<Session>>('/auth/sessions', signal),
  revokeSession: (id: string) => del(`/auth/sessions/${encodeURIComponent(id)}`),
  changePassword: (currentPassword: string, newPassword: string) => post<Ok>('/auth/password', { currentPassword, newPassword }),

  describeInvite: (token: string) => post<InviteDescription>('/invites/describe', { token }),
  acceptInvite: (body: { token: string; name?: string; password?: string }) => post<{ user: User; org: OrgWithRole }>('/invites/accept', body),

  createOrg: (name: string) => post<OrgWithRole>('/orgs', { name }),
  renameOrg: (orgId: string, name: string) => patch<Org>(o(orgId), { name }),
  deleteOrg: (orgId: string) => del(o(orgId)),

  members: (orgId: string, signal?: AbortSignal) => get<Items<Member>>(`${o(orgId)}/members`, signal),
  changeRole: (orgId: string, userId: string, role: Role) => patch<Ok>(`${o(orgId)}/members/${encodeURIComponent(userId)}`, { role }),
  removeMember: (orgId: string, userId: string) => del(`${o(orgId)}/members/${encodeURIComponent(userId)}`),
  invites: (orgId: string, signal?: AbortSignal) => get<Items<Invite>>(`${o(orgId)}/invites`, signal),
  invite: (orgId: string, email: string, role: Role) => post<{ invite: Invite; url: string }>(`${o(orgId)}/invites`, { email, role }),
  withdrawInvite: (orgId: string, inviteId: string) => del(`${o(orgId)}/invites/${encodeURIComponent(inviteId)}`),

  tokens: (orgId: string, signal?: AbortSignal) => get<Items<ApiToken>>(`${o(orgId)}/tokens`, signal),
  createToken: (orgId: string, body: { name: string; scope: TokenScope; expiresInDays: number | null }) =>
    post<{ token: string; apiToken: ApiToken }>(`${o(orgId)}/tokens`, body),
  revokeToken: (orgId: string, tokenId: string) => del(`${o(orgId)}/tokens/${encodeURIComponent(tokenId)}`),

  orgAudit: (orgId: string, q: PageQuery & { action?: string }, signal?: AbortSignal) =>
    get<Page<AuditEvent>>(`${o(orgId)}/audit${query({ limit: 50, ...q })}`, signal),
  instanceAudit: (q: PageQuery & { action?: string }, signal?: AbortSignal) => get<Page<AuditEvent>>(`/audit${query({ limit: 50, ...q })}`, signal),

  projects: (orgId: string, signal?: AbortSignal) => get<Items<Project>>(`${o(orgId)}/projects`, signal),
  createProject: (orgId: string, name: string, platform: string | null) =>
    post<{ project: Project; key: IngestKey }>(`${o(orgId)}/projects`, { name, platform }),
  project: (projectId: number, signal?: AbortSignal) => get<Project>(p(projectId), signal),
  updateProject: (projectId: number, body: { name?: string; platform?: string | null }) => patch<Project>(p(projectId), body),
  deleteProject: (projectId: number) => del(p(projectId)),
  keys: (projectId: number, signal?: AbortSignal) => get<Items<IngestKey>>(`${p(projectId)}/keys`, signal),
  createKey: (projectId: number, label: string) => post<IngestKey>(`${p(projectId)}/keys`, { label }),
  rotateKey: (projectId: number, keyId: string, graceSeconds: number) =>
    post<IngestKey>(`${p(projectId)}/keys/${encodeURIComponent(keyId)}/rotate`, { graceSeconds }),
  revokeKey: (projectId: number, keyId: string) => del(`${p(projectId)}/keys/${encodeURIComponent(keyId)}`),

  issues: (projectId: number, q: IssueQuery, signal?: AbortSignal) => get<IssueList>(issuesPath(projectId, q), signal),
  updateIssues: (projectId: number, ids: string[], change: IssuePatch) => patch<Items<Issue>>(`${p(projectId)}/issues`, { ids, ...change }),
  deleteIssues: (projectId: number, ids: string[]) => delWith<{ deleted: number }>(`${p(projectId)}/issues`, { ids }),
  mergeIssues: (projectId: number, ids: string[]) => post<Issue>(`${p(projectId)}/issues/merge`, { ids }),
  issue: (issueId: string, signal?: AbortSignal) => get<IssueDetail>(i(issueId), signal),
  updateIssue: (issueId: string, change: IssuePatch) => patch<Issue>(i(issueId), change),
  deleteIssue: (issueId: string) => del(i(issueId)),
  commentIssue: (issueId: string, body: string) => post<Ok>(`${i(issueId)}/comments`, { body }),
  issueEvents: (issueId: string, q: { cursor?: number; limit?: number }, signal?: AbortSignal) => get<IssueEventPage>(`${i(issueId)}/events${query(q)}`, signal),
  /** `eventId` may be "latest" or "oldest". */
  issueEvent: (issueId: string, eventId: string, signal?: AbortSignal) => get<IssueEvent>(`${i(issueId)}/events/${encodeURIComponent(eventId)}`, signal),

  endpoints: (projectId: number, period: PerformancePeriod, signal?: AbortSignal) => get<Items<EndpointStats>>(`${p(projectId)}/performance/endpoints${query({ period })}`, signal),
  endpoint: (projectId: number, name: string, period: PerformancePeriod, signal?: AbortSignal) =>
    get<EndpointDetail>(`${p(projectId)}/performance/endpoint${query({ name, period })}`, signal),
  vitals: (projectId: number, period: PerformancePeriod, signal?: AbortSignal) => get<VitalsReport>(`${p(projectId)}/performance/vitals${query({ period })}`, signal),
  releases: (projectId: number, signal?: AbortSignal) => get<Items<Release>>(`${p(projectId)}/releases`, signal),
  ingestStats: (projectId: number, period: IngestStatsPeriod, signal?: AbortSignal) => get<IngestStats>(`${p(projectId)}/ingest/stats${query({ period })}`, signal),

  monitors: (projectId: number, q: MonitorQuery, signal?: AbortSignal) => get<MonitorList>(monitorsPath(projectId, q), signal),
  createMonitor: (projectId: number, body: MonitorInput) => post<Monitor & { pingUrl?: string }>(`${p(projectId)}/monitors`, body),
  /** Runs a check with these settings once, storing nothing. */
  testMonitor: (projectId: number, body: MonitorInput) => post<CheckOutcome>(`${p(projectId)}/monitors/test`, body),
  /** Tests changed settings of a saved monitor; its stored secrets take part. */
  testSavedMonitor: (monitorId: string, body: Partial<MonitorInput>) => post<CheckOutcome>(`/monitors/${monitorId}/test`, body),
  monitor: (monitorId: string, signal?: AbortSignal) => get<Monitor>(m(monitorId), signal),
  updateMonitor: (monitorId: string, body: MonitorInput) => patch<Monitor>(m(monitorId), body),
  deleteMonitor: (monitorId: string) => del(m(monitorId)),
  checkMonitor: (monitorId: string) => post<CheckResult>(`${m(monitorId)}/check`),
  monitorChecks: (monitorId: string, q: { limit?: number; before?: number }, signal?: AbortSignal) => get<Items<CheckResult>>(`${m(monitorId)}/checks${query(q)}`, signal),
  monitorDowntimes: (monitorId: string, limit: number, signal?: AbortSignal) => get<Items<Downtime>>(`${m(monitorId)}/downtimes${query({ limit })}`, signal),
  monitorPings: (monitorId: string, limit: number, signal?: AbortSignal) => get<Items<HeartbeatPing>>(`${m(monitorId)}/pings${query({ limit })}`, signal),
  monitorStats: (monitorId: string, signal?: AbortSignal) => get<MonitorStats>(`${m(monitorId)}/stats`, signal),
  maintenance: (projectId: number, signal?: AbortSignal) => get<Items<MaintenanceWindow>>(`${p(projectId)}/maintenance`, signal),
  createMaintenance: (projectId: number, body: MaintenanceInput) => post<MaintenanceWindow>(`${p(projectId)}/maintenance`, body),
  deleteMaintenance: (windowId: string) => del(`/maintenance/${encodeURIComponent(windowId)}`),

  channelTypes: (signal?: AbortSignal) => get<Items<ChannelTypeInfo>>('/notify/channel-types', signal),
  channels: (projectId: number, signal?: AbortSignal) => get<Items<Channel>>(`${p(projectId)}/channels`, signal),
  createChannel: (projectId: number, body: ChannelInput) => post<CreatedChannel>(`${p(projectId)}/channels`, body),
  updateChannel: (channelId: string, body: ChannelInput) => patch<Channel>(c(channelId), body),
  deleteChannel: (channelId: string) => del(c(channelId)),
  /** Sends a test message now and reports the attempt. */
  testChannel: (channelId: string) => post<Delivery>(`${c(channelId)}/test`),
  deliveries: (projectId: number, q: DeliveryQuery, signal?: AbortSignal) => get<Items<Delivery>>(deliveriesPath(projectId, q), signal),
  retryDelivery: (deliveryId: string) => post<Ok>(`/deliveries/${encodeURIComponent(deliveryId)}/retry`),

  statusPages: (projectId: number, signal?: AbortSignal) => get<Items<StatusPage>>(`${p(projectId)}/status-pages`, signal),
  createStatusPage: (projectId: number, body: StatusPageInput & { slug: string; title: string }) => post<StatusPage>(`${p(projectId)}/status-pages`, body),
  statusPage: (statusPageId: string, signal?: AbortSignal) => get<StatusPage>(sp(statusPageId), signal),
  updateStatusPage: (statusPageId: string, body: Omit<StatusPageInput, 'password'>) => patch<StatusPage>(sp(statusPageId), body),
  deleteStatusPage: (statusPageId: string) => del(sp(statusPageId)),
  setStatusPagePassword: (statusPageId: string, password: string) => put<Ok>(`${sp(statusPageId)}/password`, { password }),
  clearStatusPagePassword: (statusPageId: string) => del(`${sp(statusPageId)}/password`),
  /** Replaces the page's components, in this order. */
  setStatusComponents: (statusPageId: string, components: StatusComponentInput[]) => put<Items<StatusComponent>>(`${sp(statusPageId)}/components`, { components }),
  statusIncidents: (statusPageId: string, q: IncidentQuery, signal?: AbortSignal) => get<Items<StatusIncident>>(statusIncidentsPath(statusPageId, q), signal),
  createStatusIncident: (statusPageId: string, body: StatusIncidentInput) => post<StatusIncident>(`${sp(statusPageId)}/incidents`, body),
  /** A new status and message; the final status (resolved, completed) closes it, any other reopens it. */
  postIncidentUpdate: (incidentId: string, body: { status: IncidentStatus; body: string; impact?: Impact }) => post<StatusIncident>(`${si(incidentId)}/updates`, body),
  deleteStatusIncident: (incidentId: string) => del(si(incidentId)),

  backupSources: (projectId: number, signal?: AbortSignal) => get<Items<BackupSource>>(`${p(projectId)}/backup-sources`, signal),
  /** Checks the connection and the pg_dump version first: a mismatch is a 400 with what to install. */
  createBackupSource: (projectId: number, body: BackupSourceInput) => post<BackupSource>(`${p(projectId)}/backup-sources`, body),
  backupSource: (sourceId: string, signal?: AbortSignal) => get<BackupSource>(bs(sourceId), signal),
  deleteBackupSource: (sourceId: string) => del(bs(sourceId)),
  /** Starts a backup and returns it running (409 while one runs). */
  runBackup: (sourceId: string) => post<Backup>(`${bs(sourceId)}/run`),
  backups: (sourceId: string, limit: number, signal?: AbortSignal) => get<Items<Backup>>(`${bs(sourceId)}/backups${query({ limit })}`, signal),
  pruneBackups: (sourceId: string, dryRun: boolean) => post<PruneDecision>(`${bs(sourceId)}/prune`, { dryRun }),
  backup: (backupId: string, signal?: AbortSignal) => get<Backup>(bk(backupId), signal),
  /** A restore test; answers when it is done (poll `backup` meanwhile). */
  verifyBackup: (backupId: string) => post<Backup>(`${bk(backupId)}/verify`),
  /** `confirm` repeats the source's name. */
  restoreBackup: (backupId: string, body: { to: string; force: boolean; confirm: string }) => post<RestoreResult>(`${bk(backupId)}/restore`, body),

  jobs: (signal?: AbortSignal) => get<Items<Job> & { enabled: boolean }>('/jobs', signal),
  jobRuns: (q: PageQuery & { job?: string }, signal?: AbortSignal) => get<Page<JobRun>>(`/jobs/runs${query({ limit: 50, ...q })}`, signal),
  runJob: (name: string) => post<Ok>(`/jobs/${encodeURIComponent(name)}/run`),
};

/** The message to show for anything a call threw. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return 'Something went wrong';
}
