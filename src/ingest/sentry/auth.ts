import { fail } from '../../lib/errors.js';

/** Who a Sentry request claims to be: the DSN public key, plus what the SDK told us about itself. */
export interface SentryAuth {
  publicKey: string;
  /** `sentry_client`, e.g. "sentry.javascript.node/8.0.0", from the auth header or query. */
  client?: string;
  /** Project id from the envelope header's DSN; the caller must check it matches the URL. */
  dsnProjectId?: number;
}

/** Where a key came from, for error messages. */
interface KeyClaim {
  source: string;
  key: string;
  client?: string;
}

const KEY_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const PROJECT_ID_PATTERN = /^\d{1,15}$/;

/**
 * Parses `Sentry sentry_key=abc, sentry_version=7, ...` into `{ sentry_key: 'abc', ... }`.
 * Keys are lower-cased and always carry the `sentry_` prefix (Relay accepts `key=` too).
 * Throws 403 WP_ERR_INGEST_AUTH when the value doesn't have that shape.
 */
export function parseAuthHeader(value: string, headerName = 'X-Sentry-Auth'): Record<string, string> {
  const malformed = () =>
    fail('WP_ERR_INGEST_AUTH', `Malformed ${headerName} header: expected "Sentry sentry_key=<key>, sentry_version=7"`);
  const match = /^\s*sentry\s+(.*)$/is.exec(value);
  if (!match) throw malformed();
  const entries: [string, string][] = [];
  for (const part of (match[1] ?? '').split(',')) {
    const trimmed = part.trim();
    if (trimmed === '') continue;
    const eq = trimmed.indexOf('=');
    if (eq <= 0) throw malformed();
    const name = trimmed.slice(0, eq).trim().toLowerCase();
    // Some clients quote values; the spec doesn't, but unquoting costs nothing.
    const raw = trimmed.slice(eq + 1).trim();
    const unquoted = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
    entries.push([name.startsWith('sentry_') ? name : `sentry_${name}`, unquoted]);
  }
  if (entries.length === 0) throw malformed();
  // fromEntries defines own properties, so a "__proto__" key can't touch the prototype.
  return Object.fromEntries(entries);
}

/** Case-insensitive header lookup: Node lower-cases names, but tests and tools may not. */
function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | string[] | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name && value !== undefined) return value;
  }
  return undefined;
}

function single(value: string | string[], what: string): string {
  if (typeof value === 'string') return value;
  if (value.length === 1 && value[0] !== undefined) return value[0];
  throw fail('WP_ERR_INGEST_AUTH', `${what} was sent more than once`);
}

function checkKey(claim: KeyClaim): KeyClaim {
  if (!KEY_PATTERN.test(claim.key)) {
    throw fail('WP_ERR_INGEST_AUTH', `The Sentry key from ${claim.source} is malformed: expected 1-64 letters, digits, _ or -`);
  }
  return claim;
}

function fromHeader(raw: string | string[] | undefined, name: string): KeyClaim | undefined {
  if (raw === undefined) return undefined;
  const value = single(raw, `The ${name} header`);
  // Authorization may carry unrelated schemes (a proxy's Basic auth); only "Sentry ..." is ours.
  if (name === 'Authorization' && !/^\s*sentry\s/i.test(value)) return undefined;
  const params = parseAuthHeader(value, name);
  const key = params.sentry_key;
  if (key === undefined) throw fail('WP_ERR_INGEST_AUTH', `The ${name} header has no sentry_key`);
  return checkKey({ source: `the ${name} header`, key, client: params.sentry_client?.slice(0, 200) });
}

function fromQuery(query: Record<string, unknown>): KeyClaim | undefined {
  const raw = query.sentry_key;
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw fail('WP_ERR_INGEST_AUTH', 'The sentry_key query parameter must be given once');
  const client = typeof query.sentry_client === 'string' ? query.sentry_client.slice(0, 200) : undefined;
  return checkKey({ source: 'the sentry_key query parameter', key: raw, client });
}

/** Splits `https://KEY@host[:port][/path]/42` into key and project id; 400 if it isn't a DSN. */
export function parseDsn(dsn: unknown): { publicKey: string; projectId: number } {
  const bad = (why: string) => fail('WP_ERR_INGEST_MALFORMED', `The envelope header's dsn is not a valid DSN: ${why}`);
  if (typeof dsn !== 'string') throw bad('expected a string');
  let url: URL;
  try {
    url = new URL(dsn);
  } catch {
    throw bad('not a URL');
  }
  if (url.username === '') throw bad('no public key before "@"');
  const projectId = url.pathname.replace(/\/+$/, '').split('/').pop() ?? '';
  if (!PROJECT_ID_PATTERN.test(projectId)) throw bad('the path does not end in a project id');
  let publicKey: string;
  try {
    publicKey = decodeURIComponent(url.username);
  } catch {
    throw bad('the public key is not valid percent-encoding');
  }
  return { publicKey, projectId: Number(projectId) };
}

/**
 * Finds the DSN public key in whichever places the SDK put it (X-Sentry-Auth, Authorization,
 * ?sentry_key=, envelope DSN). 403 WP_ERR_INGEST_AUTH when none is given, one is malformed or they
 * disagree; 400 WP_ERR_INGEST_MALFORMED for an unparseable DSN. Does not look the key up.
 */
export function resolveSentryAuth(input: {
  query: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  envelopeDsn?: unknown;
}): SentryAuth {
  const claims: KeyClaim[] = [];
  const add = (claim: KeyClaim | undefined): void => {
    if (claim) claims.push(claim);
  };
  add(fromHeader(headerValue(input.headers, 'x-sentry-auth'), 'X-Sentry-Auth'));
  add(fromHeader(headerValue(input.headers, 'authorization'), 'Authorization'));
  add(fromQuery(input.query));
  let dsnProjectId: number | undefined;
  // JSON null is how some serialisers write "no DSN"; treat it like absence.
  if (input.envelopeDsn !== undefined && input.envelopeDsn !== null) {
    const dsn = parseDsn(input.envelopeDsn);
    dsnProjectId = dsn.projectId;
    add(checkKey({ source: "the envelope header's dsn", key: dsn.publicKey }));
  }

  const first = claims[0];
  if (!first) {
    throw fail('WP_ERR_INGEST_AUTH', 'No Sentry key: send X-Sentry-Auth, ?sentry_key= or a DSN in the envelope header');
  }
  const other = claims.find((c) => c.key !== first.key);
  if (other) {
    // Say where the keys came from but not the keys: one of them may be someone else's.
    throw fail('WP_ERR_INGEST_AUTH', `Sentry keys disagree: ${first.source} and ${other.source} name different keys`);
  }
  const client = claims.find((c) => c.client !== undefined)?.client;
  const auth: SentryAuth = { publicKey: first.key };
  if (client !== undefined) auth.client = client;
  if (dsnProjectId !== undefined) auth.dsnProjectId = dsnProjectId;
  return auth;
}
