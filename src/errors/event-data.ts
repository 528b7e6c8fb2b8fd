import { asString, isRecord, parseTimestamp, toRfc3339, trimValue, truncate, type TrimLimits } from './json-values.js';

/** Approximate ceiling for one stored event's JSON (Sentry's is similar). */
export const MAX_EVENT_BYTES = 256 * 1024;
export const MAX_BREADCRUMBS = 100;
/** extra, contexts, request bodies: nesting cut at depth 10 and strings at 16 KiB, as Sentry's "large bag". */
export const BAG_LIMITS: TrimLimits = { depth: 10, stringChars: 16 * 1024, items: 500 };
const HEADER_LIMITS: TrimLimits = { depth: 3, stringChars: 8 * 1024, items: 200 };
const CRUMB_LIMITS: TrimLimits = { depth: 5, stringChars: 4 * 1024, items: 100 };
const CRUMB_LEVELS = new Set(['fatal', 'error', 'warning', 'info', 'debug', 'log']);

/** A Sentry processing error recorded in the stored event's `errors` list, as Sentry shows them. */
export interface EventError {
  type: 'invalid_data' | 'future_timestamp' | 'past_timestamp' | 'value_too_long';
  name: string;
  value?: unknown;
}

/** Trimmed `request` interface; the query is split off the URL into `query_string` like Relay does. */
export function requestData(raw: unknown): Record<string, unknown> | null {
  if (!isRecord(raw)) return null;
  const out: Record<string, unknown> = {};
  let url = asString(raw.url, 4096);
  let query: unknown = raw.query_string;
  let fragment = asString(raw.fragment, 1024);
  if (url !== null) {
    const hash = url.indexOf('#');
    if (hash !== -1) {
      fragment ??= url.slice(hash + 1) || null;
      url = url.slice(0, hash);
    }
    const q = url.indexOf('?');
    if (q !== -1) {
      if (query === undefined || query === null || query === '') query = url.slice(q + 1);
      url = url.slice(0, q);
    }
    out.url = url;
  }
  const method = asString(raw.method, 16);
  if (method !== null) out.method = method.toUpperCase();
  if (typeof query === 'string') {
    if (query.replace(/^\?/, '') !== '') out.query_string = truncate(query.replace(/^\?/, ''), 8192);
  } else if (isRecord(query) || Array.isArray(query)) out.query_string = trimValue(query, HEADER_LIMITS);
  if (fragment !== null) out.fragment = fragment;
  if (raw.data !== undefined && raw.data !== null) out.data = trimValue(parseBody(raw.data), BAG_LIMITS);
  for (const key of ['cookies', 'headers', 'env']) {
    const value = raw[key];
    if (isRecord(value) || Array.isArray(value) || typeof value === 'string') out[key] = trimValue(value, HEADER_LIMITS);
  }
  return Object.keys(out).length > 0 ? out : null;
}

/** A JSON body sent as a string (as @sentry/node does) becomes structure, so it can be read and trimmed. */
function parseBody(data: unknown): unknown {
  if (typeof data !== 'string' || !/^\s*[[{]/.test(data)) return data;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return data;
  }
}

/** The last {@link MAX_BREADCRUMBS} breadcrumbs (from `{values: [...]}` or a bare list), trimmed. */
export function breadcrumbsData(raw: unknown): Record<string, unknown> | null {
  const values = Array.isArray(raw) ? raw : isRecord(raw) && Array.isArray(raw.values) ? raw.values : [];
  const crumbs: Record<string, unknown>[] = [];
  for (const item of values.slice(-MAX_BREADCRUMBS)) {
    if (!isRecord(item)) continue;
    const crumb: Record<string, unknown> = {};
    const ts = parseTimestamp(item.timestamp);
    if (ts !== null) crumb.timestamp = toRfc3339(ts);
    for (const key of ['type', 'category'] as const) {
      const value = asString(item[key], 128);
      if (value !== null) crumb[key] = value;
    }
    const level = typeof item.level === 'string' ? item.level.toLowerCase() : '';
    crumb.level = CRUMB_LEVELS.has(level) ? level : level === 'warn' ? 'warning' : 'info';
    const message = asString(item.message, 8192);
    if (message !== null) crumb.message = message;
    if (isRecord(item.data)) crumb.data = trimValue(item.data, CRUMB_LIMITS);
    crumbs.push(crumb);
  }
  return crumbs.length > 0 ? { values: crumbs } : null;
}

/** An object of objects (`contexts`) or of values (`extra`), trimmed; null when empty or not an object. */
export function bagData(raw: unknown, limits: TrimLimits = BAG_LIMITS): Record<string, unknown> | null {
  if (!isRecord(raw)) return null;
  const trimmed = trimValue(raw, limits);
  return isRecord(trimmed) && Object.keys(trimmed).length > 0 ? trimmed : null;
}

function eachFrame(data: Record<string, unknown>, visit: (frame: Record<string, unknown>) => void): void {
  const stacks: unknown[] = [data.stacktrace];
  for (const key of ['exception', 'threads']) {
    const container = data[key];
    if (isRecord(container) && Array.isArray(container.values)) {
      for (const value of container.values) if (isRecord(value)) stacks.push(value.stacktrace);
    }
  }
  for (const stack of stacks) {
    if (!isRecord(stack) || !Array.isArray(stack.frames)) continue;
    for (const frame of stack.frames) if (isRecord(frame)) visit(frame);
  }
}

/** Ways to shrink an oversized event, least valuable data first. */
const SHRINK_STEPS: Array<[string, (data: Record<string, unknown>) => void]> = [
  ['breadcrumbs', (d) => delete d.breadcrumbs],
  ['extra', (d) => delete d.extra],
  ['frame vars', (d) => eachFrame(d, (f) => delete f.vars)],
  ['request', (d) => {
    if (isRecord(d.request)) d.request = { url: d.request.url, method: d.request.method };
  }],
  ['threads', (d) => delete d.threads],
  ['contexts', (d) => delete d.contexts],
  ['modules', (d) => delete d.modules],
  ['source context', (d) => eachFrame(d, (f) => {
    delete f.pre_context;
    delete f.post_context;
  })],
  ['exception', (d) => {
    // Keep the newest exception only: it is the one the title and culprit describe.
    if (isRecord(d.exception) && Array.isArray(d.exception.values)) d.exception.values = d.exception.values.slice(-1);
  }],
];

/**
 * Drops parts of the stored event, least valuable first (breadcrumbs, then extra, …), until its JSON
 * is at most {@link MAX_EVENT_BYTES}; each drop is recorded in `errors`. The event's typed fields are
 * not affected. Best effort: what remains after the last step is kept even if still larger.
 */
export function fitToBudget(data: Record<string, unknown>, errors: EventError[]): void {
  const size = () => Buffer.byteLength(JSON.stringify(data));
  let bytes = size();
  for (const [name, shrink] of SHRINK_STEPS) {
    if (bytes <= MAX_EVENT_BYTES) return;
    shrink(data);
    const after = size();
    if (after < bytes) errors.push({ type: 'value_too_long', name });
    bytes = after;
  }
}
