import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ibanValid, luhnValid } from './scrub-patterns.js';
import { DEFAULT_SCRUB, scrubEvent, type ScrubOptions } from './scrub.js';

type Raw = Record<string, unknown>;
const F = '[Filtered]';
const scrub = (event: Raw, options: Partial<ScrubOptions> = {}) => scrubEvent(event, { ...DEFAULT_SCRUB, ...options });
const extra = (value: unknown, options: Partial<ScrubOptions> = {}) => (scrub({ extra: { value } }, options).extra as Raw).value;

// Test numbers published by the card networks and the IBAN registry's examples.
const VISA = '4111111111111111';
const MASTERCARD = '5555555555554444';
const AMEX = '378282246310005';
const IBAN_DE = 'DE89370400440532013000';
const IBAN_GB_SPACED = 'GB82 WEST 1234 5698 7654 32';

describe('scrubEvent: sensitive keys', () => {
  it.each([
    'password', 'Password', 'db_password', 'passwd', 'secret', 'client_secret', 'token', 'access_token', 'refresh_token', 'api_key', 'apikey',
    'api-key', 'X-Api-Key', 'auth', 'Authorization', 'credentials', 'cookie', 'set-cookie', 'session', 'sessionid', 'csrf', 'X-CSRF-Token',
    'xsrf', 'private_key', 'stripe_customer', 'MYSQL_PWD', 'passphrase',
  ])('filters the value under %s', (key) => {
    const out = scrub({ extra: { [key]: 'hunter2', keep: 'visible' } });
    expect(out.extra).toEqual({ [key]: F, keep: 'visible' });
  });

  it('filters keys anywhere: contexts, request data, breadcrumbs, frame vars, tags, lists', () => {
    const out = scrub({
      contexts: { db: { password: 'p' } },
      request: { data: { user: { password: 'p', name: 'ann' } }, headers: { 'X-Api-Key': 'k', Accept: '*/*' } },
      breadcrumbs: { values: [{ data: { token: 't', url: '/a' } }] },
      exception: { values: [{ stacktrace: { frames: [{ vars: { secret: 's', n: 1, nested: [{ auth: { user: 'u' } }] } }] } }] },
      tags: { session_id: 's', route: '/a' },
    });
    expect(out).toEqual({
      contexts: { db: { password: F } },
      request: { data: { user: { password: F, name: 'ann' } }, headers: { 'X-Api-Key': F, Accept: '*/*' } },
      breadcrumbs: { values: [{ data: { token: F, url: '/a' } }] },
      exception: { values: [{ stacktrace: { frames: [{ vars: { secret: F, n: 1, nested: [{ auth: F }] } }] } }] },
      tags: { session_id: F, route: '/a' },
    });
  });

  it('filters [key, value] pairs, as tags and headers are often sent', () => {
    const out = scrub({
      tags: [['api_key', 'k'], ['route', '/a']],
      request: { headers: [['Authorization', 'Basic abc'], ['X-Auth-Token', 't'], ['Accept', '*/*']], query_string: [['token', 't'], ['page', '2']] },
    });
    expect(out.tags).toEqual([['api_key', F], ['route', '/a']]);
    expect(out.request).toEqual({ headers: [['Authorization', F], ['X-Auth-Token', F], ['Accept', '*/*']], query_string: [['token', F], ['page', '2']] });
  });

  it('leaves other two-item lists alone', () => {
    expect(scrub({ fingerprint: ['session', 'tenant-1'], extra: { pair: ['token', 'count'] } })).toEqual({ fingerprint: ['session', 'tenant-1'], extra: { pair: ['token', 'count'] } });
  });

  it('leaves null values null', () => {
    expect(scrub({ extra: { password: null } }).extra).toEqual({ password: null });
  });

  it('honours extraKeys and safeKeys', () => {
    expect(scrub({ extra: { ssn: '1', author: 'ann', Author_Name: 'bob' } }, { extraKeys: ['SSN'], safeKeys: ['author', 'author-name'] }).extra)
      .toEqual({ ssn: F, author: 'ann', Author_Name: 'bob' });
    // A safe key's children are still scrubbed.
    expect(scrub({ extra: { auth: { password: 'p', user: 'u' } } }, { safeKeys: ['auth'] }).extra).toEqual({ auth: { password: F, user: 'u' } });
  });

  it('always filters cookies and the Cookie, Set-Cookie and Authorization headers, even when marked safe', () => {
    const out = scrub(
      { request: { cookies: { theme: 'dark' }, headers: { Cookie: 'a=b', 'set-cookie': 'c=d', authorization: 'Bearer x', Accept: 'text/html' } } },
      { safeKeys: ['cookie', 'set-cookie', 'authorization'] },
    );
    expect(out.request).toEqual({ cookies: F, headers: { Cookie: F, 'set-cookie': F, authorization: F, Accept: 'text/html' } });
  });

  it('scrubs inside a JSON request body sent as a string', () => {
    const out = scrub({ request: { data: '{"email":"a@b.c","password":"p"}' } });
    expect((out.request as Raw).data).toEqual({ email: 'a@b.c', password: F });
  });
});

describe('scrubEvent: secrets inside strings', () => {
  it.each([
    [`card ${VISA} declined`, `card ${F} declined`],
    [`card 4111 1111 1111 1111 declined`, `card ${F} declined`],
    [`card 5555-5555-5555-4444`, `card ${F}`],
    [`amex ${AMEX}!`, `amex ${F}!`],
    [`card 4111 1111 1111 1111 12/26`, `card ${F} 12/26`],
    [`iban ${IBAN_DE}`, `iban ${F}`],
    [`iban ${IBAN_GB_SPACED} OK`, `iban ${F} OK`],
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig', `Authorization: Bearer ${F}`],
    ['header bearer abc123def', `header bearer ${F}`],
    ['postgres://app:s3cret@db.internal:5432/app', `postgres://app:${F}@db.internal:5432/app`],
    ['https://user:pa55@example.com/x', `https://user:${F}@example.com/x`],
    ['GET /cb?code=1&access_token=abc&state=x', `GET /cb?code=1&access_token=${F}&state=x`],
    ['token=abc&page=2', `token=${F}&page=2`],
    ['login failed for password=hunter2 user=ann', `login failed for password=${F} user=ann`],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY----- done', `${F} done`],
  ])('%s', (input, expected) => {
    expect(extra(input)).toBe(expected);
  });

  it.each([
    ['a Luhn-invalid number', 'order 4111111111111112'],
    ['an epoch timestamp in ms', 'at 1714560000000'],
    ['a long id', 'id 12345678901234567890123'],
    ['an IBAN with a wrong check digit', 'iban DE88370400440532013000'],
    ['prose about a bearer', 'the bearer of bad news'],
    ['a URL without password', 'https://user@example.com/?page=2'],
  ])('keeps %s', (_name, input) => {
    expect(extra(input)).toBe(input);
  });

  it('filters card numbers sent as JSON numbers', () => {
    expect(extra(Number(VISA))).toBe(F);
    expect(extra(1714560000000)).toBe(1714560000000);
  });

  it('scrubs the URL and query string of the request', () => {
    const out = scrub({ request: { url: 'https://x.test/reset?token=abc&lang=en', query_string: 'password=p&x=1' } });
    expect(out.request).toEqual({ url: `https://x.test/reset?token=${F}&lang=en`, query_string: `password=${F}&x=1` });
  });

  it('finds every valid card number in text', () => {
    const cardNumber = fc
      .tuple(fc.constantFrom('4', '51', '52', '53', '54', '55', '34', '37', '6011'), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 12, maxLength: 12 }))
      .map(([prefix, digits]) => {
        const body = (prefix + digits.join('')).slice(0, 15);
        const check = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].find((d) => luhnValid(body + String(d)));
        return body + String(check);
      });
    fc.assert(
      fc.property(cardNumber, fc.constantFrom('', ' ', '-'), fc.string({ maxLength: 20 }), (card, sep, prose) => {
        const formatted = sep === '' ? card : (card.match(/.{1,4}/g) ?? []).join(sep);
        const text = extra(`${prose.replace(/\w/g, '')} ${formatted} end`) as string;
        expect(text).not.toContain(formatted);
      }),
    );
  });
});

describe('scrubEvent: client IP addresses', () => {
  const event = {
    user: { id: 'u1', ip_address: '203.0.113.9' },
    request: { env: { REMOTE_ADDR: '203.0.113.9', SERVER_NAME: 'web' }, headers: { 'X-Forwarded-For': '203.0.113.9', Host: 'x.test' } },
  };

  it('removes them unless storeClientIp', () => {
    expect(scrub(event)).toEqual({ user: { id: 'u1' }, request: { env: { SERVER_NAME: 'web' }, headers: { Host: 'x.test' } } });
    expect(scrub(event, { storeClientIp: true })).toEqual(event);
  });

  it('removes {{auto}} so the client IP is never filled in', () => {
    expect(scrub({ user: { ip_address: '{{auto}}' } })).toEqual({ user: {} });
  });
});

describe('scrubEvent: general', () => {
  it('returns a copy and leaves the input untouched', () => {
    const input = { extra: { password: 'p', list: [1, { token: 't' }] } };
    const before = structuredClone(input);
    const out = scrub(input);
    expect(input).toEqual(before);
    expect(out.extra).not.toBe(input.extra);
  });

  it('does nothing but IP removal when disabled', () => {
    const input = { extra: { password: 'p', note: `card ${VISA}` }, request: { cookies: 'a=b' }, user: { ip_address: '10.0.0.1' } };
    expect(scrub(input, { enabled: false })).toEqual({ ...input, user: {} });
  });

  it('survives very deep input without recursion', () => {
    let deep: unknown = { password: 'p' };
    for (let i = 0; i < 20_000; i++) deep = [deep];
    expect(() => scrub({ extra: { deep } })).not.toThrow();
  });

  it('copies a __proto__ key as data, not as a prototype', () => {
    const input = JSON.parse('{"extra":{"__proto__":{"password":"p","polluted":true}}}') as Raw;
    const out = scrub(input);
    expect(Object.getPrototypeOf(out.extra)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out.extra, '__proto__')?.value).toEqual({ password: F, polluted: true });
    expect(({} as Raw).polluted).toBeUndefined();
  });

  it('validates IBANs and cards by their checksums', () => {
    expect(ibanValid(IBAN_DE)).toBe(true);
    expect(ibanValid('DE89370400440532013001')).toBe(false);
    expect([VISA, MASTERCARD, AMEX].every(luhnValid)).toBe(true);
  });

  const key = fc.oneof(fc.constantFrom('password', 'PASSWORD', 'Password'), fc.string({ maxLength: 8 }));
  const json = fc.letrec<{ node: unknown }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small' },
      fc.jsonValue({ maxDepth: 1 }),
      fc.dictionary(key, tie('node'), { maxKeys: 5 }),
      fc.array(tie('node'), { maxLength: 5 }),
    ),
  })).node;

  it('never throws on arbitrary JSON and never leaves a value under a key named password', () => {
    fc.assert(
      fc.property(fc.dictionary(key, json, { maxKeys: 8 }), fc.boolean(), (event, storeClientIp) => {
        const out = scrubEvent(event, { ...DEFAULT_SCRUB, storeClientIp });
        const stack: unknown[] = [out];
        while (stack.length > 0) {
          const node = stack.pop();
          if (Array.isArray(node)) stack.push(...(node as unknown[]));
          else if (typeof node === 'object' && node !== null) {
            for (const [k, v] of Object.entries(node)) {
              if (k.toLowerCase() === 'password') expect(v === null || v === F).toBe(true);
              stack.push(v);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
