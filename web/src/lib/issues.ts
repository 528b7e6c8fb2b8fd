import type { Issue, IssuePeriod, IssueQuery, IssueSort, IssueStatus } from '../api';
import type { Tone } from '../components/badge';

export const STATUS_TABS: { value: IssueStatus | 'all'; label: string }[] = [
  { value: 'unresolved', label: 'Unresolved' },
  { value: 'resolved', label: 'Resolved' },
  { value: 'ignored', label: 'Ignored' },
  { value: 'all', label: 'All' },
];

export const PERIODS: { value: IssuePeriod; label: string }[] = [
  { value: '1h', label: 'Last hour' },
  { value: '24h', label: 'Last 24 hours' },
  { value: '7d', label: 'Last 7 days' },
  { value: '14d', label: 'Last 14 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: '90d', label: 'Last 90 days' },
  { value: 'all', label: 'Any time' },
];

export const SORTS: { value: IssueSort; label: string }[] = [
  { value: 'last_seen', label: 'Last seen' },
  { value: 'first_seen', label: 'First seen' },
  { value: 'events', label: 'Events' },
  { value: 'users', label: 'Users' },
];

export const PAGE_SIZE = 25;

/** The issue list's filters as they appear in the URL; defaults are left out of it. */
export interface IssueFilters {
  query: string;
  status: IssueStatus | 'all';
  level: string;
  environment: string;
  release: string;
  period: IssuePeriod;
  sort: IssueSort;
  cursor: number;
}

export const DEFAULT_FILTERS: IssueFilters = { query: '', status: 'unresolved', level: '', environment: '', release: '', period: 'all', sort: 'last_seen', cursor: 0 };

function pick<T extends string>(value: string | null, options: { value: T }[], fallback: T): T {
  return options.find((option) => option.value === value)?.value ?? fallback;
}

export function filtersFromSearch(search: URLSearchParams): IssueFilters {
  const cursor = Number(search.get('cursor') ?? 0);
  return {
    query: search.get('query') ?? '',
    status: pick(search.get('status'), STATUS_TABS, DEFAULT_FILTERS.status),
    level: search.get('level') ?? '',
    environment: search.get('environment') ?? '',
    release: search.get('release') ?? '',
    period: pick(search.get('period'), PERIODS, DEFAULT_FILTERS.period),
    sort: pick(search.get('sort'), SORTS, DEFAULT_FILTERS.sort),
    cursor: Number.isInteger(cursor) && cursor > 0 ? cursor : 0,
  };
}

/** `?status=resolved&level=error`: only what differs from the defaults, so plain links stay plain. */
export function searchOfFilters(filters: IssueFilters): string {
  const search = new URLSearchParams();
  for (const key of Object.keys(DEFAULT_FILTERS) as (keyof IssueFilters)[]) {
    const value = filters[key];
    if (value !== DEFAULT_FILTERS[key]) search.set(key, String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

export function queryOfFilters(filters: IssueFilters): IssueQuery {
  return {
    query: filters.query || undefined,
    status: filters.status,
    level: filters.level || undefined,
    environment: filters.environment || undefined,
    release: filters.release || undefined,
    period: filters.period,
    sort: filters.sort,
    cursor: filters.cursor || undefined,
    limit: PAGE_SIZE,
  };
}

export const LEVEL_LABELS: Record<string, string> = { fatal: 'Fatal', error: 'Error', warning: 'Warning', info: 'Info', debug: 'Debug' };

/** The CSS modifier for a level's colour; unknown levels look like errors. */
export function levelClass(level: string | null | undefined): string {
  return `level-${level && level in LEVEL_LABELS ? level : 'error'}`;
}

/** The badge next to an unresolved issue's title: why it needs a look. */
export function substatusBadge(issue: Pick<Issue, 'status' | 'substatus'>): { label: string; tone: Tone; title: string } | null {
  if (issue.status !== 'unresolved') return null;
  switch (issue.substatus) {
    case 'new':
      return { label: 'New', tone: 'blue', title: 'First seen recently' };
    case 'regressed':
      return { label: 'Regressed', tone: 'red', title: 'It happened again after it was resolved' };
    case 'escalating':
      return { label: 'Escalating', tone: 'amber', title: 'Many more events than usual' };
    default:
      return null;
  }
}

export function statusBadge(issue: Issue): { label: string; tone: Tone } {
  if (issue.status === 'resolved') return { label: 'Resolved', tone: 'green' };
  if (issue.status === 'ignored') return { label: 'Ignored', tone: 'neutral' };
  return { label: 'Unresolved', tone: 'amber' };
}

/** The issue's title split as Sentry shows it: the type in bold, then the message. */
export function issueHeadline(issue: Pick<Issue, 'title' | 'type' | 'value'>): { type: string | null; rest: string } {
  if (issue.type && issue.title.startsWith(`${issue.type}: `)) return { type: issue.type, rest: issue.title.slice(issue.type.length + 2) };
  return { type: null, rest: issue.title };
}
