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

export type * from './api-types';
export { ISSUE_LEVELS, ROLES, TOKEN_SCOPES } from './api-types';

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

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

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
  if (method === 'POST' || method === 'PATCH' || options.body !== undefined) {
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

/** The issues list's path with its filters: also the cache key of that page of results. */
export function issuesPath(projectId: number, q: IssueQuery): string {
  return `${p(projectId)}/issues${query({ limit: 25, ...q })}`;
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
