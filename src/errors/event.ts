import { isIP } from 'node:net';
import { fail } from '../lib/errors.js';
import { randomHex } from '../lib/ids.js';
import { BAG_LIMITS, bagData, breadcrumbsData, fitToBudget, MAX_EVENT_BYTES, requestData, type EventError } from './event-data.js';
import { buildTags } from './event-tags.js';
import { normalizeStacktrace, type NormalizedStack } from './frames.js';
import { asBool, asString, compact, isRecord, parseTimestamp, setOwn, toRfc3339, trimValue, truncate } from './json-values.js';
import { readMessage } from './message.js';

export type Level = 'fatal' | 'error' | 'warning' | 'info' | 'debug';

export interface StackFrame {
  filename: string | null;
  absPath: string | null;
  function: string | null;
  module: string | null;
  lineno: number | null;
  colno: number | null;
  inApp: boolean | null;
  contextLine: string | null;
  preContext: string[];
  postContext: string[];
  platform: string | null;
}

export interface ExceptionInfo {
  type: string | null;
  value: string | null;
  module: string | null;
  mechanism: { type: string | null; handled: boolean | null; synthetic: boolean } | null;
  /** Caller → callee: the last frame threw. */
  frames: StackFrame[];
}

export interface NormalizedEvent {
  eventId: string;
  /** Epoch ms. */
  timestamp: number;
  receivedAt: number;
  platform: string;
  level: Level;
  logger: string | null;
  transaction: string | null;
  serverName: string | null;
  release: string | null;
  dist: string | null;
  environment: string;
  message: string | null;
  messageTemplate: string | null;
  /** Oldest first; the last is the one that was thrown. */
  exceptions: ExceptionInfo[];
  /** The stack of a message event (top-level `stacktrace`, or the crashed/current thread). */
  threadFrames: StackFrame[];
  fingerprint: string[] | null;
  tags: Array<[string, string]>;
  user: { id: string | null; email: string | null; username: string | null; ipAddress: string | null } | null;
  userKey: string | null;
  sdk: { name: string; version: string } | null;
  data: Record<string, unknown>;
}

export interface NormalizeOptions {
  receivedAt: number;
  clientIp?: string | null;
  /**
   * Size of the event's JSON as received, when known. Normalising only trims the input and adds a
   * bounded set of fields, so an event received well under the storage budget can't exceed it and
   * skips the budget check (a full JSON.stringify of the event).
   */
  inputBytes?: number;
}

const MAX_EXCEPTIONS = 25;
const MAX_THREADS = 50;
const EXCEPTION_VALUE_CHARS = 8192;
/** Sentry accepts events up to an hour ahead of the server's clock (clock drift); later ones get receivedAt. */
const MAX_FUTURE_MS = 60 * 60 * 1000;
/** Relay's max_secs_in_past: 30 days. */
const MAX_PAST_MS = 30 * 86_400_000;
const LEVELS: Record<string, Level> = {
  fatal: 'fatal', critical: 'fatal', error: 'error', warning: 'warning', warn: 'warning', info: 'info', log: 'info', debug: 'debug',
};

function normalizeLevel(value: unknown): Level {
  return (typeof value === 'string' && LEVELS[value.trim().toLowerCase()]) || 'error';
}

function normalizeEventId(value: unknown): string {
  const hex = typeof value === 'string' ? value.trim().toLowerCase().replace(/-/g, '') : '';
  return /^[0-9a-f]{32}$/.test(hex) ? hex : randomHex(16);
}

/** A string field Sentry restricts: dropped (null) when it breaks the rule rather than stored mangled. */
function restricted(value: unknown, max: number, forbidden: RegExp): string | null {
  const text = asString(value, Infinity)?.trim() ?? '';
  return text === '' || text.length > max || forbidden.test(text) ? null : text;
}

function exceptionValue(value: unknown): string | null {
  if (isRecord(value) || Array.isArray(value)) return truncate(JSON.stringify(trimValue(value, BAG_LIMITS)), EXCEPTION_VALUE_CHARS);
  return asString(value, EXCEPTION_VALUE_CHARS);
}

function readMechanism(raw: unknown): { info: ExceptionInfo['mechanism']; data: unknown } {
  if (!isRecord(raw)) return { info: null, data: undefined };
  const info = { type: asString(raw.type, 128), handled: asBool(raw.handled), synthetic: asBool(raw.synthetic) ?? false };
  const extra = trimValue(raw, { depth: 4, stringChars: 1024, items: 50 }) as Record<string, unknown>;
  return { info, data: compact({ ...extra, type: info.type, handled: info.handled, synthetic: info.synthetic }) };
}

/** `exception` as `{values: [...]}`, a bare list, or (legacy) one exception object; keeps the newest 25. */
function readExceptions(raw: unknown): { infos: ExceptionInfo[]; data: Record<string, unknown>[] } {
  let values: unknown[] = [];
  if (Array.isArray(raw)) values = raw;
  else if (isRecord(raw)) values = Array.isArray(raw.values) ? raw.values : 'type' in raw || 'value' in raw ? [raw] : [];
  const infos: ExceptionInfo[] = [];
  const data: Record<string, unknown>[] = [];
  // The newest are the ones that matter; not normalising the rest also bounds the work.
  for (const item of values.filter(isRecord).slice(-MAX_EXCEPTIONS)) {
    const stack = normalizeStacktrace(item.stacktrace);
    const mechanism = readMechanism(item.mechanism);
    const info: ExceptionInfo = {
      type: asString(item.type, 256),
      value: exceptionValue(item.value),
      module: asString(item.module, 256),
      mechanism: mechanism.info,
      frames: stack.frames,
    };
    if (info.type === null && info.value === null && info.frames.length === 0) continue;
    infos.push(info);
    data.push(compact({ type: info.type, value: info.value, module: info.module, mechanism: mechanism.data, stacktrace: stack.data }));
  }
  return { infos, data };
}

/** The stack of an event without exception: top-level `stacktrace`, else the crashed, current or only thread with frames. */
function readThreads(raw: Record<string, unknown>): { frames: StackFrame[]; topData: NormalizedStack['data']; threadsData: Record<string, unknown>[] } {
  const top = normalizeStacktrace(raw.stacktrace);
  const values = Array.isArray(raw.threads) ? raw.threads : isRecord(raw.threads) && Array.isArray(raw.threads.values) ? raw.threads.values : [];
  const threads: Array<{ crashed: boolean; current: boolean; stack: NormalizedStack }> = [];
  const threadsData: Record<string, unknown>[] = [];
  for (const item of values.slice(0, MAX_THREADS)) {
    if (!isRecord(item)) continue;
    const thread = { crashed: asBool(item.crashed) === true, current: asBool(item.current) === true, stack: normalizeStacktrace(item.stacktrace) };
    threads.push(thread);
    threadsData.push(compact({
      id: asString(item.id, 128), name: asString(item.name, 256), crashed: thread.crashed || null, current: thread.current || null, stacktrace: thread.stack.data,
    }));
  }
  if (top.frames.length > 0) return { frames: top.frames, topData: top.data, threadsData };
  const withFrames = threads.filter((t) => t.stack.frames.length > 0);
  const chosen = withFrames.find((t) => t.crashed) ?? withFrames.find((t) => t.current) ?? (withFrames.length === 1 ? withFrames[0] : undefined);
  return { frames: chosen?.stack.frames ?? [], topData: null, threadsData };
}

function readUser(raw: unknown, clientIp: string | null): { user: NormalizedEvent['user']; data: Record<string, unknown> | null } {
  if (!isRecord(raw)) return { user: null, data: null };
  let ip = typeof raw.ip_address === 'string' ? raw.ip_address.trim() : null;
  if (ip === '{{auto}}') ip = clientIp;
  const user = {
    id: asString(raw.id, 128),
    email: asString(raw.email, 256),
    username: asString(raw.username, 128),
    ipAddress: ip !== null && isIP(ip) !== 0 ? ip : null,
  };
  const data = trimValue(raw, { depth: 5, stringChars: 1024, items: 50 }) as Record<string, unknown>;
  for (const [key, value] of [['id', user.id], ['email', user.email], ['username', user.username], ['ip_address', user.ipAddress]] as const) {
    if (value === null) delete data[key];
    else data[key] = value;
  }
  const known = user.id ?? user.email ?? user.username ?? user.ipAddress;
  return { user: known === null ? null : user, data: Object.keys(data).length > 0 ? data : null };
}

function userKeyOf(user: NormalizedEvent['user']): string | null {
  if (!user) return null;
  if (user.id !== null) return truncate(`id:${user.id}`, 200);
  if (user.email !== null) return truncate(`email:${user.email}`, 200);
  if (user.username !== null) return truncate(`username:${user.username}`, 200);
  return user.ipAddress === null ? null : `ip:${user.ipAddress}`;
}

function readSdk(raw: unknown): { sdk: NormalizedEvent['sdk']; data: Record<string, unknown> | null } {
  if (!isRecord(raw)) return { sdk: null, data: null };
  const name = asString(raw.name, 128);
  const version = asString(raw.version, 128);
  if (name === null || version === null) return { sdk: null, data: null };
  const data: Record<string, unknown> = { name, version };
  if (Array.isArray(raw.integrations)) data.integrations = raw.integrations.filter((i) => typeof i === 'string').slice(0, 200).map((i: string) => truncate(i, 128));
  if (Array.isArray(raw.packages)) data.packages = trimValue(raw.packages.slice(0, 50), { depth: 2, stringChars: 256, items: 50 });
  return { sdk: { name, version }, data };
}

function readFingerprint(raw: unknown): string[] | null {
  if (!Array.isArray(raw)) return null;
  const parts = raw.map((p) => asString(p, 1024)).filter((p) => p !== null).slice(0, 100);
  return parts.length > 0 ? parts : null;
}

/**
 * Normalises one Sentry error event to Sentry's field limits. Only input that is not a JSON object
 * is refused (WP_ERR_INGEST_MALFORMED); wrongly typed fields are coerced or dropped so an SDK bug
 * costs a field, not the event. `data` is the event JSON to store, in Sentry's shape.
 */
export function normalizeEvent(input: unknown, options: NormalizeOptions): NormalizedEvent {
  if (!isRecord(input)) throw fail('WP_ERR_INGEST_MALFORMED', 'The event must be a JSON object');
  const { receivedAt } = options;
  const errors: EventError[] = [];

  let timestamp = parseTimestamp(input.timestamp);
  if (timestamp === null) {
    if (input.timestamp !== undefined && input.timestamp !== null) errors.push({ type: 'invalid_data', name: 'timestamp', value: trimValue(input.timestamp, { depth: 1, stringChars: 64, items: 1 }) });
    timestamp = receivedAt;
  } else if (timestamp > receivedAt + MAX_FUTURE_MS) {
    errors.push({ type: 'future_timestamp', name: 'timestamp', value: toRfc3339(timestamp) });
    timestamp = receivedAt;
  } else if (timestamp < receivedAt - MAX_PAST_MS) {
    // Like Relay: a device clock far behind must not date an issue so old that retention deletes it.
    errors.push({ type: 'past_timestamp', name: 'timestamp', value: toRfc3339(timestamp) });
    timestamp = receivedAt;
  }

  const platformText = typeof input.platform === 'string' ? input.platform.trim().toLowerCase() : '';
  const exceptions = readExceptions(input.exception);
  const threads = readThreads(input);
  const message = readMessage(input);
  const { user, data: userData } = readUser(input.user, options.clientIp ?? null);
  const { sdk, data: sdkData } = readSdk(input.sdk);
  const userKey = userKeyOf(user);

  const base = {
    eventId: normalizeEventId(input.event_id),
    timestamp,
    receivedAt,
    platform: /^[a-z0-9_.-]{1,64}$/.test(platformText) ? platformText : 'other',
    level: normalizeLevel(input.level),
    logger: restricted(input.logger, 64, /\s/),
    transaction: asString(input.transaction, 200),
    serverName: asString(input.server_name, 200),
    release: restricted(input.release, 200, /[\r\n\t/\\]|^\.{1,2}$/),
    dist: restricted(input.dist, 64, /\s/),
    environment: restricted(input.environment, 64, /[\s/]|^None$/) ?? 'production',
    message: message.formatted,
    messageTemplate: message.template,
    exceptions: exceptions.infos,
    threadFrames: threads.frames,
    fingerprint: readFingerprint(input.fingerprint),
    user,
    userKey,
    sdk,
  };
  const tags = buildTags(input, base);

  const data: Record<string, unknown> = {};
  const put = (key: string, value: unknown) => {
    if (value !== null && value !== undefined) setOwn(data, key, value);
  };
  put('event_id', base.eventId);
  put('type', base.exceptions.length > 0 ? 'error' : 'default');
  put('timestamp', toRfc3339(base.timestamp));
  put('received', toRfc3339(receivedAt));
  put('platform', base.platform);
  put('level', base.level);
  put('logger', base.logger);
  put('transaction', base.transaction);
  put('server_name', base.serverName);
  put('release', base.release);
  put('dist', base.dist);
  put('environment', base.environment);
  put('message', base.message);
  if (message.formatted !== null && message.template !== null) {
    put('logentry', compact({ formatted: message.formatted, message: message.template, params: trimValue(message.params, { depth: 3, stringChars: 1024, items: 100 }) }));
  }
  if (exceptions.data.length > 0) put('exception', { values: exceptions.data });
  put('stacktrace', threads.topData);
  if (threads.threadsData.length > 0) put('threads', { values: threads.threadsData });
  put('fingerprint', base.fingerprint);
  put('tags', tags);
  put('user', userData);
  put('request', requestData(input.request));
  put('contexts', bagData(input.contexts));
  put('extra', bagData(input.extra));
  put('breadcrumbs', breadcrumbsData(input.breadcrumbs));
  put('sdk', sdkData);
  put('modules', bagData(input.modules, { depth: 1, stringChars: 128, items: 1000 }));
  put('debug_meta', bagData(input.debug_meta, { depth: 4, stringChars: 1024, items: 1000 }));
  if (options.inputBytes === undefined || options.inputBytes > MAX_EVENT_BYTES / 4) fitToBudget(data, errors);
  if (errors.length > 0) data.errors = errors;

  return { ...base, tags, data };
}
