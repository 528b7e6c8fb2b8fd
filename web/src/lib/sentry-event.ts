/**
 * Reads a stored event (Sentry's snake_case JSON) into what the issue page shows. The server has
 * normalised it already, but old data and odd SDKs still get here, so every field is checked:
 * a field of the wrong type is left out rather than crashing the page.
 */

export interface EventFrame {
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
  vars: Record<string, unknown> | null;
}

export interface EventException {
  type: string | null;
  value: string | null;
  module: string | null;
  mechanism: { type: string | null; handled: boolean | null } | null;
  /** Caller → callee, as sent: the last frame threw. */
  frames: EventFrame[];
}

export interface Breadcrumb {
  /** Epoch ms. */
  timestamp: number | null;
  type: string | null;
  category: string | null;
  message: string | null;
  level: string | null;
  data: Record<string, unknown> | null;
}

export interface EventRequest {
  method: string | null;
  url: string | null;
  queryString: string | null;
  data: unknown;
  headers: [string, string][];
  cookies: string | null;
}

export interface EventView {
  message: string | null;
  /** Newest (the one that was thrown last) first, as Sentry shows them. */
  exceptions: EventException[];
  /** The stack of an event without exceptions (a message with attachStacktrace, a thread). */
  threadFrames: EventFrame[];
  breadcrumbs: Breadcrumb[];
  tags: [string, string][];
  user: Record<string, unknown> | null;
  request: EventRequest | null;
  contexts: [string, Record<string, unknown>][];
  extra: Record<string, unknown> | null;
  sdk: { name: string; version: string | null } | null;
  release: string | null;
  environment: string | null;
  platform: string | null;
  level: string | null;
  transaction: string | null;
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function bool(value: unknown): boolean | null {
  return typeof value === 'boolean' ? value : null;
}

function lines(value: unknown): string[] {
  return Array.isArray(value) ? value.map((line) => str(line) ?? '') : [];
}

/** Values of `{values: [...]}` or of a bare list (Sentry accepts both for most interfaces). */
function valuesOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (isRecord(value) && Array.isArray(value['values'])) return value['values'];
  return [];
}

/** Seconds (number, possibly fractional) or an RFC 3339 string, to epoch ms. */
export function parseTimestamp(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value > 1e11 ? value : value * 1000;
  if (typeof value === 'string') {
    const numeric = Number(value);
    if (value.trim() !== '' && Number.isFinite(numeric)) return parseTimestamp(numeric);
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? null : parsed;
  }
  return null;
}

function readFrame(raw: Json): EventFrame {
  return {
    filename: str(raw['filename']),
    absPath: str(raw['abs_path']),
    function: str(raw['function']),
    module: str(raw['module']),
    lineno: num(raw['lineno']),
    colno: num(raw['colno']),
    inApp: bool(raw['in_app']),
    contextLine: str(raw['context_line']),
    preContext: lines(raw['pre_context']),
    postContext: lines(raw['post_context']),
    vars: isRecord(raw['vars']) ? raw['vars'] : null,
  };
}

function readFrames(stacktrace: unknown): EventFrame[] {
  if (!isRecord(stacktrace) || !Array.isArray(stacktrace['frames'])) return [];
  return stacktrace['frames'].filter(isRecord).map(readFrame);
}

function readException(raw: Json): EventException {
  const mechanism = isRecord(raw['mechanism']) ? { type: str(raw['mechanism']['type']), handled: bool(raw['mechanism']['handled']) } : null;
  return { type: str(raw['type']), value: str(raw['value']), module: str(raw['module']), mechanism, frames: readFrames(raw['stacktrace']) };
}

function readThreadFrames(data: Json): EventFrame[] {
  const top = readFrames(data['stacktrace']);
  if (top.length > 0) return top;
  const threads = valuesOf(data['threads']).filter(isRecord);
  const withFrames = threads.filter((thread) => readFrames(thread['stacktrace']).length > 0);
  const chosen = withFrames.find((t) => t['crashed'] === true) ?? withFrames.find((t) => t['current'] === true) ?? withFrames[0];
  return chosen ? readFrames(chosen['stacktrace']) : [];
}

function readBreadcrumb(raw: Json): Breadcrumb {
  return {
    timestamp: parseTimestamp(raw['timestamp']),
    type: str(raw['type']),
    category: str(raw['category']),
    message: str(raw['message']),
    level: str(raw['level']),
    data: isRecord(raw['data']) ? raw['data'] : null,
  };
}

/** Tags as `[[key, value], …]`, `[{key, value}, …]` or `{key: value}`. */
export function readTags(value: unknown): [string, string][] {
  const out: [string, string][] = [];
  if (Array.isArray(value)) {
    for (const item of value) {
      if (Array.isArray(item) && item.length >= 2) {
        const [key, tagValue] = [str(item[0]), str(item[1])];
        if (key !== null && tagValue !== null) out.push([key, tagValue]);
      } else if (isRecord(item)) {
        const [key, tagValue] = [str(item['key']), str(item['value'])];
        if (key !== null && tagValue !== null) out.push([key, tagValue]);
      }
    }
  } else if (isRecord(value)) {
    for (const [key, tagValue] of Object.entries(value)) {
      const text = str(tagValue);
      if (text !== null) out.push([key, text]);
    }
  }
  return out;
}

function readPairs(value: unknown): [string, string][] {
  if (Array.isArray(value)) {
    return value.filter((pair): pair is unknown[] => Array.isArray(pair) && pair.length >= 2).map((pair) => [str(pair[0]) ?? '', str(pair[1]) ?? JSON.stringify(pair[1])]);
  }
  if (isRecord(value)) return Object.entries(value).map(([key, v]) => [key, str(v) ?? JSON.stringify(v)]);
  return [];
}

function readQueryString(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  const pairs = readPairs(value);
  return pairs.length === 0 ? null : new URLSearchParams(pairs).toString();
}

function readRequest(value: unknown): EventRequest | null {
  if (!isRecord(value)) return null;
  const cookies = value['cookies'];
  return {
    method: str(value['method']),
    url: str(value['url']),
    queryString: readQueryString(value['query_string']),
    data: value['data'] ?? null,
    headers: readPairs(value['headers']),
    cookies: typeof cookies === 'string' ? cookies : cookies === undefined || cookies === null ? null : JSON.stringify(cookies),
  };
}

function readMessage(data: Json): string | null {
  const logentry = data['logentry'];
  if (isRecord(logentry)) {
    const formatted = str(logentry['formatted']) ?? str(logentry['message']);
    if (formatted) return formatted;
  }
  const message = data['message'];
  if (isRecord(message)) return str(message['formatted']) ?? str(message['message']);
  return str(message);
}

export function readEvent(data: Json): EventView {
  const exceptions = valuesOf(data['exception']).filter(isRecord).map(readException).reverse();
  const contexts = isRecord(data['contexts']) ? Object.entries(data['contexts']).filter((entry): entry is [string, Json] => isRecord(entry[1])) : [];
  const sdk = isRecord(data['sdk']) && str(data['sdk']['name']) ? { name: str(data['sdk']['name']) ?? '', version: str(data['sdk']['version']) } : null;
  return {
    message: readMessage(data),
    exceptions,
    threadFrames: exceptions.length === 0 ? readThreadFrames(data) : [],
    breadcrumbs: valuesOf(data['breadcrumbs']).filter(isRecord).map(readBreadcrumb),
    tags: readTags(data['tags']),
    user: isRecord(data['user']) && Object.keys(data['user']).length > 0 ? data['user'] : null,
    request: readRequest(data['request']),
    contexts,
    extra: isRecord(data['extra']) && Object.keys(data['extra']).length > 0 ? data['extra'] : null,
    sdk,
    release: str(data['release']),
    environment: str(data['environment']),
    platform: str(data['platform']),
    level: str(data['level']),
    transaction: str(data['transaction']),
  };
}

/** Where a frame's code lives, in the most readable form available. */
export function frameLocation(frame: EventFrame): string {
  return frame.filename ?? frame.absPath ?? frame.module ?? '<unknown>';
}

/** A value from a context or user object, as one line of text. */
export function displayValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
