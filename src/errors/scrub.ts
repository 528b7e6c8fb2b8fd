import { isRecord, setOwn } from './json-values.js';
import { FILTERED, isCardNumber, scrubString } from './scrub-patterns.js';

/** A project's data-scrubbing settings (Sentry's "Data Scrubber", "Safe Fields", "Prevent Storing of IP Addresses"). */
export interface ScrubOptions {
  enabled: boolean;
  /** More sensitive key fragments, matched like the built-in ones. */
  extraKeys: readonly string[];
  /** Keys never filtered by name, even when they contain a sensitive fragment (e.g. "author"). */
  safeKeys: readonly string[];
  storeClientIp: boolean;
}

export const DEFAULT_SCRUB: ScrubOptions = Object.freeze({ enabled: true, extraKeys: [], safeKeys: [], storeClientIp: false });

/**
 * Key fragments that mark a value as secret, compared case-insensitively after removing `-`, `_`, `.`
 * and spaces, as substrings (so `x-api-key`, `access_token`, `set-cookie`, `sessionid` all match).
 * Like Sentry's, this over-matches a little (`author` contains `auth`): safeKeys exempts such keys.
 */
const SENSITIVE_FRAGMENTS = [
  'password', 'passwd', 'passphrase', 'mysqlpwd', 'secret', 'token', 'apikey', 'auth', 'credential', 'cookie',
  'session', 'csrf', 'xsrf', 'privatekey', 'stripe', 'bearer', 'jwt', 'creditcard', 'cardnumber', 'cvv', 'cvc',
];
/** Request headers that always carry credentials, filtered even when listed as safe. */
const ALWAYS_FILTERED_HEADERS = new Set(['cookie', 'set-cookie', 'authorization', 'proxy-authorization']);
/** Request headers and environment entries that hold the client's address. */
const CLIENT_IP_HEADERS = new Set(['x-forwarded-for', 'x-real-ip', 'forwarded', 'cf-connecting-ip', 'true-client-ip', 'x-client-ip', 'fastly-client-ip']);
const CLIENT_IP_ENV = new Set(['REMOTE_ADDR', 'HTTP_X_FORWARDED_FOR', 'HTTP_X_REAL_IP', 'HTTP_FORWARDED', 'HTTP_CF_CONNECTING_IP', 'HTTP_TRUE_CLIENT_IP']);
/** Containers deeper than this are cut; ingest already refuses input deeper than 100. */
const MAX_DEPTH = 128;
const TRUNCATED = '[Truncated]';

const normalizeKey = (key: string) => key.toLowerCase().replace(/[-_.\s]/g, '');

class KeyMatcher {
  readonly #fragments: string[];
  readonly #safe: Set<string>;
  readonly #cache = new Map<string, boolean>();

  constructor(options: ScrubOptions) {
    const extra = options.extraKeys.map(normalizeKey).filter((k) => k !== '');
    this.#fragments = [...SENSITIVE_FRAGMENTS, ...extra];
    this.#safe = new Set(options.safeKeys.map(normalizeKey));
  }

  isSafe(key: string): boolean {
    return this.#safe.size > 0 && this.#safe.has(normalizeKey(key));
  }

  /** Whether a value under `key` must be filtered. Events repeat their keys, so answers are cached. */
  isSensitive = (key: string): boolean => {
    let answer = this.#cache.get(key);
    if (answer === undefined) {
      const normalized = normalizeKey(key);
      answer = !this.#safe.has(normalized) && this.#fragments.some((f) => normalized.includes(f));
      if (this.#cache.size > 10_000) this.#cache.clear();
      this.#cache.set(key, answer);
    }
    return answer;
  };
}

const matchers = new WeakMap<ScrubOptions, KeyMatcher>();
/**
 * Matchers by the key lists they were built from: settings that arrive as a fresh copy with every
 * request (a processing worker's task) still find the matcher, and its per-key cache, built before.
 */
const matchersByKeys = new Map<string, KeyMatcher>();

function matcherFor(options: ScrubOptions): KeyMatcher {
  let matcher = matchers.get(options);
  if (!matcher) {
    const keys = JSON.stringify([options.extraKeys, options.safeKeys]);
    matcher = matchersByKeys.get(keys);
    if (!matcher) {
      if (matchersByKeys.size >= 1000) matchersByKeys.clear();
      matcher = new KeyMatcher(options);
      matchersByKeys.set(keys, matcher);
    }
    matchers.set(options, matcher);
  }
  return matcher;
}

type Container = Record<string, unknown> | unknown[];

/**
 * Deep copy with scrubbing, iterative (an explicit work list, never recursion) so nesting can't
 * overflow the stack. Values under sensitive keys become "[Filtered]".
 */
function scrubTree(root: Record<string, unknown>, matcher: KeyMatcher, enabled: boolean): Record<string, unknown> {
  const work: Array<[Container, Container, number]> = [];

  const copy = (value: unknown, depth: number, safe: boolean): unknown => {
    if (typeof value === 'string') return enabled && !safe ? scrubString(value, matcher.isSensitive) : value;
    if (typeof value === 'number') return enabled && !safe && isCardNumber(value) ? FILTERED : value;
    if (typeof value !== 'object' || value === null) return value;
    if (depth >= MAX_DEPTH) return TRUNCATED;
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      work.push([value, out, depth + 1]);
      return out;
    }
    const out: Record<string, unknown> = {};
    work.push([value as Record<string, unknown>, out, depth + 1]);
    return out;
  };

  const result: Record<string, unknown> = {};
  work.push([root, result, 1]);
  for (let item = work.pop(); item !== undefined; item = work.pop()) {
    const [source, target, depth] = item;
    if (Array.isArray(source)) {
      const list = target as unknown[];
      for (const value of source) list.push(copy(value, depth, false));
      continue;
    }
    const record = target as Record<string, unknown>;
    for (const key of Object.keys(source)) {
      const value = source[key];
      if (enabled && value !== null && value !== undefined && matcher.isSensitive(key)) setOwn(record, key, FILTERED);
      else setOwn(record, key, copy(value, depth, enabled && matcher.isSafe(key)));
    }
  }
  return result;
}

/**
 * Tags, headers and query strings may come as `[key, value]` lists: filter the value of a pair with a
 * sensitive key. Only there: elsewhere (a fingerprint, a list of integration names) a two-item list is no pair.
 */
function filterPairs(list: unknown, matcher: KeyMatcher): unknown {
  if (!Array.isArray(list)) return list;
  return list.map((entry: unknown): unknown => {
    if (!Array.isArray(entry) || entry.length !== 2) return entry;
    const [key, value] = entry as [unknown, unknown];
    return typeof key === 'string' && value !== null && matcher.isSensitive(key) ? [key, FILTERED] : entry;
  });
}

/** Filters or removes header entries (object or `[name, value]` list) by lower-cased name. */
function editHeaders(headers: unknown, decide: (name: string) => 'filter' | 'remove' | 'keep'): unknown {
  if (Array.isArray(headers)) {
    const out: unknown[] = [];
    for (const entry of headers) {
      const name = Array.isArray(entry) && typeof entry[0] === 'string' ? entry[0].toLowerCase() : '';
      const action = decide(name);
      if (action === 'keep') out.push(entry);
      else if (action === 'filter') out.push([(entry as unknown[])[0], FILTERED]);
    }
    return out;
  }
  if (!isRecord(headers)) return headers;
  for (const name of Object.keys(headers)) {
    const action = decide(name.toLowerCase());
    if (action === 'remove') delete headers[name];
    else if (action === 'filter' && headers[name] !== null) headers[name] = FILTERED;
  }
  return headers;
}

/** A JSON body sent as a string is parsed so its keys can be scrubbed (Relay does the same). */
function withParsedBody(event: Record<string, unknown>): Record<string, unknown> {
  const request = event.request;
  if (!isRecord(request) || typeof request.data !== 'string' || !/^\s*[[{]/.test(request.data)) return event;
  try {
    return { ...event, request: { ...request, data: JSON.parse(request.data) as unknown } };
  } catch {
    return event;
  }
}

/**
 * Returns a scrubbed deep copy of a raw Sentry event, like Sentry's server-side data scrubber: values
 * under sensitive keys (anywhere) become "[Filtered]"; card numbers, IBANs, Bearer tokens, URL
 * passwords and sensitive `name=value` pairs inside strings are replaced; request cookies and the
 * Cookie/Authorization/Set-Cookie headers are always filtered. Unless `storeClientIp`, the user's IP
 * address, REMOTE_ADDR and forwarding headers are removed. Run it on the raw event, before normalizeEvent.
 */
export function scrubEvent(event: Record<string, unknown>, options: ScrubOptions): Record<string, unknown> {
  const matcher = matcherFor(options);
  const out = scrubTree(options.enabled ? withParsedBody(event) : event, matcher, options.enabled);

  if (options.enabled) out.tags = filterPairs(out.tags, matcher);
  const request = out.request;
  if (isRecord(request)) {
    if (options.enabled) {
      if (request.cookies !== undefined && request.cookies !== null) request.cookies = FILTERED;
      request.query_string = filterPairs(request.query_string, matcher);
    }
    request.headers = editHeaders(request.headers, (name) => {
      if (options.enabled && (ALWAYS_FILTERED_HEADERS.has(name) || matcher.isSensitive(name))) return 'filter';
      return !options.storeClientIp && CLIENT_IP_HEADERS.has(name) ? 'remove' : 'keep';
    });
    for (const key of ['headers', 'query_string'] as const) if (request[key] === undefined) delete request[key];
    if (!options.storeClientIp && isRecord(request.env)) {
      for (const key of Object.keys(request.env)) if (CLIENT_IP_ENV.has(key.toUpperCase())) delete request.env[key];
    }
  }
  if (out.tags === undefined) delete out.tags;
  if (!options.storeClientIp && isRecord(out.user)) delete out.user.ip_address;
  return out;
}
