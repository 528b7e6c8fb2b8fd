import type { Monitor, MonitorInput, MonitorType } from '../api';
import { slugify } from './monitors';
import { browserTimeZone } from './time-zones';

/** Every field of the monitor form as the inputs hold it (text), for every type; each type uses its own subset. */
export interface MonitorFormState {
  type: MonitorType;
  name: string;
  // http, headers
  url: string;
  method: string;
  acceptedStatus: string;
  keyword: string;
  keywordMode: 'present' | 'absent';
  keywordCaseSensitive: boolean;
  jsonPath: string;
  jsonOperator: string;
  jsonExpected: string;
  /** Secret: "Name: value" per line. */
  headers: string;
  /** Secret. */
  body: string;
  degradedAboveMs: string;
  followRedirects: boolean;
  maxRedirects: string;
  verifyTls: boolean;
  minGrade: string;
  // tcp, tls
  host: string;
  port: string;
  servername: string;
  warnDays: string;
  verifyChain: boolean;
  // dns
  dnsName: string;
  recordType: string;
  expected: string;
  resolver: string;
  // postgres (connectionString is secret), redis (redisUrl is secret)
  connectionString: string;
  query: string;
  redisUrl: string;
  /** Stored secrets the person chose to remove. */
  clearSecrets: string[];
  // checking
  intervalSeconds: string;
  timeoutSeconds: string;
  retries: string;
  retryIntervalSeconds: string;
  resendEvery: string;
  channelMode: 'default' | 'chosen';
  channelIds: string[];
  // heartbeat
  scheduleMode: 'period' | 'cron';
  periodValue: string;
  periodUnit: PeriodUnit;
  graceMinutes: string;
  cron: string;
  timezone: string;
  slug: string;
}

export type PeriodUnit = 'minutes' | 'hours' | 'days';
export const PERIOD_UNITS: Record<PeriodUnit, number> = { minutes: 60, hours: 3600, days: 86_400 };
export type SetField = <K extends keyof MonitorFormState>(key: K, value: MonitorFormState[K]) => void;

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'SOA', 'SRV', 'CAA'] as const;
export const GRADES = ['A+', 'A', 'B', 'C', 'D', 'F'] as const;
export const JSON_OPERATORS = ['==', '!=', '>', '<', '>=', '<=', 'contains', 'exists'] as const;

/** The form's fields that the API keeps secret, by the config key the API reports in `secretsSet`. */
export const SECRET_FIELDS: Partial<Record<MonitorType, { key: string; field: keyof MonitorFormState; label: string }[]>> = {
  http: [
    { key: 'headers', field: 'headers', label: 'Request headers' },
    { key: 'body', field: 'body', label: 'Request body' },
  ],
  postgres: [{ key: 'connectionString', field: 'connectionString', label: 'Connection string' }],
  redis: [{ key: 'url', field: 'redisUrl', label: 'Redis URL' }],
};

/** A problem in what was typed, found before asking the API. */
export class FormProblem extends Error {}

export function newFormState(type: MonitorType): MonitorFormState {
  return {
    type,
    name: '',
    url: '',
    method: 'GET',
    acceptedStatus: '200-299',
    keyword: '',
    keywordMode: 'present',
    keywordCaseSensitive: false,
    jsonPath: '',
    jsonOperator: '==',
    jsonExpected: '',
    headers: '',
    body: '',
    degradedAboveMs: '',
    followRedirects: true,
    maxRedirects: '5',
    verifyTls: true,
    minGrade: 'B',
    host: '',
    port: type === 'tls' ? '443' : '',
    servername: '',
    warnDays: '30, 14, 7',
    verifyChain: true,
    dnsName: '',
    recordType: 'A',
    expected: '',
    resolver: '',
    connectionString: '',
    query: 'SELECT 1',
    redisUrl: '',
    clearSecrets: [],
    intervalSeconds: '60',
    timeoutSeconds: '30',
    retries: '1',
    retryIntervalSeconds: '20',
    resendEvery: '0',
    channelMode: 'default',
    channelIds: [],
    scheduleMode: 'period',
    periodValue: '1',
    periodUnit: 'days',
    graceMinutes: '5',
    cron: '0 3 * * *',
    timezone: browserTimeZone(),
    slug: '',
  };
}

const str = (value: unknown, fallback = ''): string => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : fallback);
const bool = (value: unknown, fallback: boolean): boolean => (typeof value === 'boolean' ? value : fallback);
const record = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {});

function periodOf(seconds: number | null): { periodValue: string; periodUnit: PeriodUnit } {
  if (seconds === null) return { periodValue: '1', periodUnit: 'days' };
  const unit: PeriodUnit = seconds % 86_400 === 0 ? 'days' : seconds % 3600 === 0 ? 'hours' : 'minutes';
  return { periodValue: String(seconds / PERIOD_UNITS[unit]), periodUnit: unit };
}

/** The form filled from a stored monitor; secret fields stay empty ("leave empty to keep"). */
export function formStateOf(monitor: Monitor): MonitorFormState {
  const c = monitor.config;
  const keyword = record(c.keyword);
  const json = record(c.jsonAssertion);
  const base = newFormState(monitor.type);
  const heartbeat = monitor.heartbeat;
  return {
    ...base,
    name: monitor.name,
    url: str(c.url),
    method: str(c.method, 'GET'),
    acceptedStatus: Array.isArray(c.acceptedStatus) ? c.acceptedStatus.map((v) => str(v)).join(', ') : base.acceptedStatus,
    keyword: str(keyword.value),
    keywordMode: keyword.mode === 'absent' ? 'absent' : 'present',
    keywordCaseSensitive: bool(keyword.caseSensitive, false),
    jsonPath: str(json.path),
    jsonOperator: str(json.operator, '=='),
    jsonExpected: str(json.expected),
    degradedAboveMs: str(c.degradedAboveMs),
    followRedirects: bool(c.followRedirects, true),
    maxRedirects: str(c.maxRedirects, '5'),
    verifyTls: bool(c.verifyTls, true),
    minGrade: str(c.minGrade, 'B'),
    host: str(c.host),
    port: str(c.port, base.port),
    servername: str(c.servername),
    warnDays: Array.isArray(c.warnDays) ? c.warnDays.map((v) => str(v)).join(', ') : base.warnDays,
    verifyChain: bool(c.verifyChain, true),
    dnsName: str(c.name),
    recordType: str(c.recordType, 'A'),
    expected: str(c.expected),
    resolver: str(c.resolver),
    query: str(c.query, 'SELECT 1'),
    intervalSeconds: String(monitor.intervalSeconds),
    timeoutSeconds: String(monitor.timeoutSeconds),
    retries: String(monitor.retries),
    retryIntervalSeconds: String(monitor.retryIntervalSeconds),
    resendEvery: String(monitor.resendEvery),
    channelMode: monitor.channelIds === null ? 'default' : 'chosen',
    channelIds: monitor.channelIds ?? [],
    scheduleMode: heartbeat?.cron ? 'cron' : 'period',
    ...periodOf(heartbeat?.periodSeconds ?? null),
    graceMinutes: heartbeat ? String(heartbeat.graceSeconds / 60) : base.graceMinutes,
    cron: heartbeat?.cron ?? base.cron,
    timezone: heartbeat?.timezone ?? base.timezone,
    slug: monitor.slug ?? '',
  };
}

/** "Authorization: Bearer x" lines as a header record. */
export function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new FormProblem(`Request headers: “${line.trim()}” needs the form “Name: value”.`);
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

const list = (text: string) =>
  text
    .split(/[,\s]+/)
    .map((part) => part.trim())
    .filter(Boolean);

/** Optional text: left out when empty. */
const opt = (text: string) => (text.trim() === '' ? undefined : text.trim());
const optNumber = (text: string) => (text.trim() === '' ? undefined : Number(text));

/**
 * The checker config for the API. A secret typed in is sent; an empty one is left out, which keeps
 * the stored value on a change; one marked for removal is sent as null (not in tests: nothing is stored there).
 */
export function configOf(s: MonitorFormState, forTest = false): Record<string, unknown> {
  const secret = (key: string, value: unknown, typed: boolean): Record<string, unknown> => {
    if (typed) return { [key]: value };
    if (!forTest && s.clearSecrets.includes(key)) return { [key]: null };
    return {};
  };
  switch (s.type) {
    case 'http':
      return {
        url: s.url.trim(),
        method: s.method,
        acceptedStatus: list(s.acceptedStatus),
        ...(s.keyword.trim() !== '' ? { keyword: { value: s.keyword, mode: s.keywordMode, caseSensitive: s.keywordCaseSensitive } } : {}),
        ...(s.jsonPath.trim() !== '' ? { jsonAssertion: { path: s.jsonPath.trim(), operator: s.jsonOperator, ...(s.jsonOperator === 'exists' ? {} : { expected: s.jsonExpected }) } } : {}),
        degradedAboveMs: optNumber(s.degradedAboveMs),
        followRedirects: s.followRedirects,
        maxRedirects: Number(s.maxRedirects || 0),
        verifyTls: s.verifyTls,
        ...secret('headers', s.headers.trim() === '' ? undefined : parseHeaders(s.headers), s.headers.trim() !== ''),
        ...secret('body', s.body, s.body !== ''),
      };
    case 'headers':
      return { url: s.url.trim(), verifyTls: s.verifyTls, minGrade: s.minGrade };
    case 'tcp':
      return { host: s.host.trim(), port: Number(s.port) };
    case 'tls':
      return { host: s.host.trim(), port: Number(s.port || 443), servername: opt(s.servername), warnDays: list(s.warnDays).map(Number), verifyChain: s.verifyChain };
    case 'dns':
      return { name: s.dnsName.trim(), recordType: s.recordType, expected: opt(s.expected), resolver: opt(s.resolver) };
    case 'postgres':
      return { query: s.query.trim() || 'SELECT 1', ...secret('connectionString', s.connectionString.trim(), s.connectionString.trim() !== '') };
    case 'redis':
      return secret('url', s.redisUrl.trim(), s.redisUrl.trim() !== '');
    case 'heartbeat':
      return {};
  }
}

/** A name from what is monitored, for when the person leaves the name empty. */
export function suggestedName(s: MonitorFormState): string {
  const host = (url: string) => {
    try {
      return new URL(url.trim()).host;
    } catch {
      return '';
    }
  };
  switch (s.type) {
    case 'http':
    case 'headers':
      return host(s.url);
    case 'tcp':
    case 'tls':
      return s.host.trim() && s.port ? `${s.host.trim()}:${s.port}` : s.host.trim();
    case 'dns':
      return s.dnsName.trim();
    case 'postgres':
      return host(s.connectionString) ? `PostgreSQL ${host(s.connectionString).replace(/^.*@/, '')}` : '';
    case 'redis':
      return host(s.redisUrl) ? `Redis ${host(s.redisUrl).replace(/^.*@/, '')}` : '';
    case 'heartbeat':
      return '';
  }
}

/** The body of a create (with the type), change or test request. */
export function monitorInputOf(s: MonitorFormState, mode: 'create' | 'update' | 'test'): MonitorInput {
  const name = s.name.trim() || suggestedName(s);
  if (mode !== 'test' && name === '') throw new FormProblem('Give the monitor a name.');
  const channels = { channelIds: s.channelMode === 'default' ? null : s.channelIds, resendEvery: Number(s.resendEvery || 0) };
  if (s.type === 'heartbeat') {
    const schedule =
      s.scheduleMode === 'cron' ? { cron: s.cron.trim(), timezone: s.timezone } : { cron: null, periodSeconds: Math.round(Number(s.periodValue) * PERIOD_UNITS[s.periodUnit]) };
    return {
      ...(mode === 'create' ? { type: s.type } : {}),
      name,
      ...schedule,
      graceSeconds: Math.round(Number(s.graceMinutes || 0) * 60),
      // Sentry check-ins find the monitor by its slug: every heartbeat gets one.
      slug: s.slug.trim() || slugify(name),
      ...channels,
    };
  }
  const checking = {
    intervalSeconds: Number(s.intervalSeconds),
    timeoutSeconds: Number(s.timeoutSeconds),
    retries: Number(s.retries || 0),
    retryIntervalSeconds: Number(s.retryIntervalSeconds),
  };
  if (mode === 'test') return { type: s.type, name: name || undefined, config: configOf(s, true), timeoutSeconds: checking.timeoutSeconds };
  return { ...(mode === 'create' ? { type: s.type } : {}), name, config: configOf(s), ...checking, ...channels };
}
