import { describe, expect, it } from 'vitest';
import { WatchpostError } from '../../lib/errors.js';
import { parseAuthHeader, resolveSentryAuth } from './auth.js';

const KEY = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const OTHER = 'ffffffffffffffffffffffffffffffff';

function thrown(fn: () => unknown): WatchpostError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(WatchpostError);
    return err as WatchpostError;
  }
  throw new Error('expected a WatchpostError');
}

describe('parseAuthHeader', () => {
  it('reads the X-Sentry-Auth parameters', () => {
    expect(parseAuthHeader(`Sentry sentry_version=7, sentry_client=sentry.javascript.node/8.1.0, sentry_key=${KEY}, sentry_secret=s`)).toEqual({
      sentry_version: '7',
      sentry_client: 'sentry.javascript.node/8.1.0',
      sentry_key: KEY,
      sentry_secret: 's',
    });
  });

  it('tolerates case, spacing, quotes and missing sentry_ prefixes', () => {
    expect(parseAuthHeader(`  sentry  Sentry_Key = "${KEY}" ,version=7,`)).toEqual({ sentry_key: KEY, sentry_version: '7' });
  });

  it('refuses values that are not Sentry auth', () => {
    for (const value of ['', 'Bearer abc', 'Sentry', 'Sentry ', 'Sentry key', `Sentry =${KEY}`, `sentry_key=${KEY}`]) {
      expect(thrown(() => parseAuthHeader(value)).statusCode).toBe(403);
    }
  });
});

describe('resolveSentryAuth', () => {
  it('takes the key from X-Sentry-Auth, with the client name', () => {
    const auth = resolveSentryAuth({
      query: {},
      headers: { 'x-sentry-auth': `Sentry sentry_version=7, sentry_client=sentry.python/2.0.0, sentry_key=${KEY}` },
    });
    expect(auth).toEqual({ publicKey: KEY, client: 'sentry.python/2.0.0' });
  });

  it('takes the key from a Sentry Authorization header (older SDKs) and ignores other schemes', () => {
    expect(resolveSentryAuth({ query: {}, headers: { authorization: `Sentry sentry_key=${KEY}` } })).toEqual({ publicKey: KEY });
    expect(
      resolveSentryAuth({ query: { sentry_key: KEY }, headers: { Authorization: 'Basic dXNlcjpwYXNz' } }),
    ).toEqual({ publicKey: KEY });
  });

  it('takes the key from the query string, as browser SDKs send it', () => {
    const auth = resolveSentryAuth({ query: { sentry_key: KEY, sentry_version: '7', sentry_client: 'sentry.javascript.browser/8.0.0' }, headers: {} });
    expect(auth).toEqual({ publicKey: KEY, client: 'sentry.javascript.browser/8.0.0' });
  });

  it('takes the key and project id from the envelope DSN', () => {
    expect(resolveSentryAuth({ query: {}, headers: {}, envelopeDsn: `https://${KEY}@watchpost.example.com/sub/path/42` })).toEqual({
      publicKey: KEY,
      dsnProjectId: 42,
    });
    expect(resolveSentryAuth({ query: {}, headers: {}, envelopeDsn: `http://${KEY}:legacysecret@localhost:9000/7/` })).toEqual({
      publicKey: KEY,
      dsnProjectId: 7,
    });
  });

  it('accepts several sources when they agree', () => {
    const auth = resolveSentryAuth({
      query: { sentry_key: KEY },
      headers: { 'x-sentry-auth': `Sentry sentry_key=${KEY}, sentry_client=x/1` },
      envelopeDsn: `https://${KEY}@host/3`,
    });
    expect(auth).toEqual({ publicKey: KEY, client: 'x/1', dsnProjectId: 3 });
  });

  it('refuses sources that disagree, without echoing the keys', () => {
    const cases = [
      { query: { sentry_key: OTHER }, headers: { 'x-sentry-auth': `Sentry sentry_key=${KEY}` } },
      { query: {}, headers: { 'x-sentry-auth': `Sentry sentry_key=${KEY}` }, envelopeDsn: `https://${OTHER}@host/1` },
      { query: {}, headers: { 'x-sentry-auth': `Sentry sentry_key=${KEY}`, authorization: `Sentry sentry_key=${OTHER}` } },
    ];
    for (const input of cases) {
      const err = thrown(() => resolveSentryAuth(input));
      expect(err.statusCode).toBe(403);
      expect(err.code).toBe('WP_ERR_INGEST_AUTH');
      expect(err.message).toMatch(/^Sentry keys disagree: /);
      expect(err.message).not.toContain(OTHER);
    }
  });

  it('refuses a request with no key at all', () => {
    const err = thrown(() => resolveSentryAuth({ query: {}, headers: { 'content-type': 'application/x-sentry-envelope' }, envelopeDsn: null }));
    expect(err.statusCode).toBe(403);
    expect(err.message).toBe('No Sentry key: send X-Sentry-Auth, ?sentry_key= or a DSN in the envelope header');
  });

  it('refuses malformed headers and keys with 403', () => {
    const inputs = [
      { query: {}, headers: { 'x-sentry-auth': 'Sentry sentry_version=7' } },
      { query: {}, headers: { 'x-sentry-auth': 'Bearer abc' } },
      { query: {}, headers: { 'x-sentry-auth': [`Sentry sentry_key=${KEY}`, `Sentry sentry_key=${KEY}`] } },
      { query: { sentry_key: '' }, headers: {} },
      { query: { sentry_key: 'k'.repeat(65) }, headers: {} },
      { query: { sentry_key: 'bad key!' }, headers: {} },
      { query: { sentry_key: [KEY, KEY] }, headers: {} },
      { query: {}, headers: { 'x-sentry-auth': 'Sentry sentry_key=a/b' } },
      { query: {}, headers: {}, envelopeDsn: 'https://bad%20key@host/1' },
    ];
    for (const input of inputs) {
      const err = thrown(() => resolveSentryAuth(input));
      expect(err.statusCode, JSON.stringify(input)).toBe(403);
      expect(err.code).toBe('WP_ERR_INGEST_AUTH');
    }
  });

  it('answers 400 for a DSN that does not parse', () => {
    for (const dsn of ['not a url', 42, 'https://host/1', `https://${KEY}@host/`, `https://${KEY}@host/project-x`, { dsn: KEY }]) {
      const err = thrown(() => resolveSentryAuth({ query: { sentry_key: KEY }, headers: {}, envelopeDsn: dsn }));
      expect(err.statusCode).toBe(400);
      expect(err.code).toBe('WP_ERR_INGEST_MALFORMED');
      expect(err.message).toMatch(/dsn is not a valid DSN/);
    }
  });
});
