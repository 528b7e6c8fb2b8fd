import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WatchpostError } from '../lib/errors.js';
import { normalizeEvent, type NormalizedEvent } from './event.js';

const RECEIVED = Date.UTC(2024, 4, 1, 12, 0, 0);
type Raw = Record<string, unknown>;
const normalize = (raw: unknown, clientIp?: string | null): NormalizedEvent => normalizeEvent(raw, { receivedAt: RECEIVED, clientIp });
const tag = (event: NormalizedEvent, key: string) => event.tags.find(([k]) => k === key)?.[1];
const frames = (n: number) => Array.from({ length: n }, (_, i) => ({ filename: `f${i}.js`, function: `fn${i}`, lineno: i }));

describe('normalizeEvent: refuses only non-objects', () => {
  it.each([null, 'text', 42, [], [{}], true])('%j', (input) => {
    expect(() => normalize(input)).toThrow(WatchpostError);
    try {
      normalize(input);
    } catch (err) {
      expect(err).toMatchObject({ code: 'WP_ERR_INGEST_MALFORMED', statusCode: 400 });
    }
  });

  it('accepts an empty object with defaults', () => {
    const event = normalize({});
    expect(event).toMatchObject({
      timestamp: RECEIVED, receivedAt: RECEIVED, platform: 'other', level: 'error', environment: 'production',
      message: null, exceptions: [], threadFrames: [], fingerprint: null, user: null, userKey: null, sdk: null,
    });
    expect(event.eventId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('never throws on arbitrary JSON objects, and its data is JSON', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('event_id', 'timestamp', 'level', 'tags', 'exception', 'message', 'logentry', 'user', 'request', 'breadcrumbs', 'stacktrace', 'threads', 'fingerprint', 'contexts', 'extra', 'sdk', 'release', 'environment'), fc.jsonValue()), (raw) => {
        const event = normalize(raw, '1.2.3.4');
        expect(JSON.parse(JSON.stringify(event.data))).toEqual(event.data);
      }),
    );
  });
});

describe('normalizeEvent: ids and timestamps', () => {
  it('accepts a UUID with dashes and upper case as event id', () => {
    expect(normalize({ event_id: '550E8400-E29B-41D4-A716-446655440000' }).eventId).toBe('550e8400e29b41d4a716446655440000');
  });

  it.each(['nope', 12, 'g'.repeat(32), 'a'.repeat(31)])('generates an event id for %j', (id) => {
    expect(normalize({ event_id: id }).eventId).toMatch(/^[0-9a-f]{32}$/);
  });

  it.each<[string, unknown, number]>([
    ['RFC 3339 with Z', '2024-05-01T11:00:00.250Z', Date.UTC(2024, 4, 1, 11, 0, 0, 250)],
    ['RFC 3339 with offset', '2024-05-01T13:00:00+02:00', Date.UTC(2024, 4, 1, 11)],
    ['RFC 3339 without zone (UTC)', '2024-05-01T11:00:00', Date.UTC(2024, 4, 1, 11)],
    ['epoch seconds float', Date.UTC(2024, 4, 1, 11) / 1000 + 0.5, Date.UTC(2024, 4, 1, 11) + 500],
    ['epoch seconds as text', String(Date.UTC(2024, 4, 1, 11) / 1000), Date.UTC(2024, 4, 1, 11)],
    ['epoch milliseconds', Date.UTC(2024, 4, 1, 11), Date.UTC(2024, 4, 1, 11)],
    ['half an hour ahead (clock drift)', (RECEIVED + 30 * 60_000) / 1000, RECEIVED + 30 * 60_000],
    ['missing', undefined, RECEIVED],
    ['garbage text', 'yesterday', RECEIVED],
    ['an object', { t: 1 }, RECEIVED],
    ['negative', -5, RECEIVED],
    ['more than an hour ahead', (RECEIVED + 2 * 3600_000) / 1000, RECEIVED],
  ])('timestamp %s', (_name, timestamp, expected) => {
    const event = normalize({ timestamp });
    expect(event.timestamp).toBe(expected);
    expect(event.data.timestamp).toBe(new Date(expected).toISOString());
  });

  it('records why a timestamp was replaced, as Sentry does', () => {
    expect(normalize({ timestamp: (RECEIVED + 7200_000) / 1000 }).data.errors).toEqual([expect.objectContaining({ type: 'future_timestamp', name: 'timestamp' })]);
    expect(normalize({ timestamp: 'soon' }).data.errors).toEqual([{ type: 'invalid_data', name: 'timestamp', value: 'soon' }]);
  });
});

describe('normalizeEvent: fields', () => {
  it.each<[unknown, string]>([
    ['fatal', 'fatal'], ['critical', 'fatal'], ['ERROR', 'error'], ['warning', 'warning'], ['warn', 'warning'],
    ['info', 'info'], ['log', 'info'], ['debug', 'debug'], ['verbose', 'error'], [3, 'error'], [undefined, 'error'],
  ])('level %j → %s', (level, expected) => {
    expect(normalize({ level }).level).toBe(expected);
  });

  it('coerces or drops wrongly typed fields instead of failing', () => {
    const event = normalize({
      platform: 'Node', release: 123, dist: 7, environment: 'stag ing', logger: ['x'], server_name: { a: 1 }, transaction: 5,
      user: { id: 42, email: ['x'] }, sdk: { name: 'sentry.javascript.node' }, fingerprint: ['a', 1, { b: 2 }, null],
      exception: { values: ['bad', { type: 'E', value: 404, stacktrace: { frames: 'nope' } }, { type: 'F', stacktrace: { frames: [null, { lineno: '12', colno: 'x', in_app: 'true', pre_context: 'x' }] } }] },
    });
    expect(event).toMatchObject({
      platform: 'node', release: '123', dist: '7', environment: 'production', logger: null, serverName: null, transaction: '5',
      user: { id: '42', email: null, username: null, ipAddress: null }, sdk: null, fingerprint: ['a', '1'],
    });
    expect(event.exceptions).toEqual([
      { type: 'E', value: '404', module: null, mechanism: null, frames: [] },
      expect.objectContaining({ type: 'F', frames: [expect.objectContaining({ lineno: 12, colno: null, inApp: true, preContext: [] })] }),
    ]);
  });

  it.each([
    ['a release with a slash', { release: 'feature/x' }, 'release', null],
    ['a release of "."', { release: '.' }, 'release', null],
    ['an environment with a slash', { environment: 'a/b' }, 'environment', 'production'],
    ['an unknown platform spelling', { platform: 'what ever!' }, 'platform', 'other'],
  ])('drops %s', (_name, raw, field, expected) => {
    expect(normalize(raw)[field as keyof NormalizedEvent]).toBe(expected);
  });

  it('reads exceptions as {values} or as a list, oldest first', () => {
    const a = normalize({ exception: { values: [{ type: 'Cause' }, { type: 'Thrown' }] } });
    const b = normalize({ exception: [{ type: 'Cause' }, { type: 'Thrown' }] });
    expect(a.exceptions.map((e) => e.type)).toEqual(['Cause', 'Thrown']);
    expect(b.exceptions).toEqual(a.exceptions);
    expect(a.data.type).toBe('error');
  });

  it('reads the mechanism', () => {
    const event = normalize({ exception: [{ type: 'E', mechanism: { type: 'onunhandledrejection', handled: false, data: { x: 1 } } }] });
    expect(event.exceptions[0]?.mechanism).toEqual({ type: 'onunhandledrejection', handled: false, synthetic: false });
    expect(tag(event, 'handled')).toBe('no');
    expect(tag(event, 'mechanism')).toBe('onunhandledrejection');
  });

  it.each<[string, Raw, string | null, string | null]>([
    ['a plain string', { message: 'hello' }, 'hello', null],
    ['message with params', { message: { message: 'User %s not found in %d ms', params: ['bob', 12] } }, 'User bob not found in 12 ms', 'User %s not found in %d ms'],
    ['message with formatted', { message: { message: 'User %s', formatted: 'User alice' } }, 'User alice', 'User %s'],
    ['logentry with named params', { logentry: { message: 'Hi %(name)s, 100%%', params: { name: 'Ann' } } }, 'Hi Ann, 100%', 'Hi %(name)s, 100%%'],
    ['indexed params', { logentry: { message: 'Order {0} by {1}', params: [7, 'x'] } }, 'Order 7 by x', 'Order {0} by {1}'],
    ['a number', { message: 5 }, '5', null],
    ['nothing usable', { message: { params: [1] } }, null, null],
  ])('message from %s', (_name, raw, formatted, template) => {
    const event = normalize(raw);
    expect(event.message).toBe(formatted);
    expect(event.messageTemplate).toBe(template);
    if (formatted !== null) expect(event.data.message).toBe(formatted);
  });

  it('takes a message event stack from the top-level stacktrace or the crashed thread', () => {
    expect(normalize({ message: 'm', stacktrace: { frames: frames(3) } }).threadFrames.map((f) => f.function)).toEqual(['fn0', 'fn1', 'fn2']);
    const threads = { values: [{ id: 1, stacktrace: { frames: frames(1) } }, { id: 2, crashed: true, stacktrace: { frames: frames(2) } }] };
    expect(normalize({ threads }).threadFrames).toHaveLength(2);
  });

  it('fills {{auto}} with the client IP, and checks IP addresses', () => {
    expect(normalize({ user: { ip_address: '{{auto}}' } }, '203.0.113.9').user?.ipAddress).toBe('203.0.113.9');
    expect(normalize({ user: { ip_address: '{{auto}}' } }, null).user).toBeNull();
    expect(normalize({ user: { id: 'u1', ip_address: 'not-an-ip' } }).user?.ipAddress).toBeNull();
    expect(normalize({ user: { ip_address: '2001:db8::1' } }).userKey).toBe('ip:2001:db8::1');
  });

  it.each<[Raw, string | null]>([
    [{ id: 'u1', email: 'a@b.c', username: 'ann', ip_address: '10.0.0.1' }, 'id:u1'],
    [{ email: 'a@b.c', username: 'ann' }, 'email:a@b.c'],
    [{ username: 'ann', ip_address: '10.0.0.1' }, 'username:ann'],
    [{ ip_address: '10.0.0.1' }, 'ip:10.0.0.1'],
    [{ segment: 'paid' }, null],
  ])('user key of %j is %s, also the user tag', (user, key) => {
    const event = normalize({ user });
    expect(event.userKey).toBe(key);
    expect(tag(event, 'user')).toBe(key ?? undefined);
  });

  it('keeps Sentry field names and normalised values in data', () => {
    const event = normalize({
      event_id: 'A'.repeat(32), timestamp: '2024-05-01T11:00:00Z', level: 'warn', logger: 'app', server_name: 'web-1', release: 'app@1.0',
      user: { id: 1, ip_address: '{{auto}}', geo: { city: 'Oslo' } }, request: { url: 'https://x.test/a/b?q=1#top', method: 'post' },
      sdk: { name: 'sentry.javascript.node', version: '8.1.0', integrations: ['Http', 5] }, unknown_field: 1,
      exception: { values: [{ type: 'E', stacktrace: { frames: [{ filename: 'a.js', abs_path: '/x/a.js', in_app: true, context_line: 'x()' }] } }] },
    }, '10.0.0.1');
    expect(event.data).toMatchObject({
      event_id: 'a'.repeat(32), timestamp: '2024-05-01T11:00:00.000Z', level: 'warning', environment: 'production', server_name: 'web-1',
      user: { id: '1', ip_address: '10.0.0.1', geo: { city: 'Oslo' } },
      request: { url: 'https://x.test/a/b', query_string: 'q=1', fragment: 'top', method: 'POST' },
      sdk: { name: 'sentry.javascript.node', version: '8.1.0', integrations: ['Http'] },
      exception: { values: [{ type: 'E', stacktrace: { frames: [{ filename: 'a.js', abs_path: '/x/a.js', in_app: true, context_line: 'x()' }] } }] },
    });
    expect(event.data).not.toHaveProperty('unknown_field');
    expect(event.sdk).toEqual({ name: 'sentry.javascript.node', version: '8.1.0' });
    expect(event.data.tags).toEqual(event.tags);
  });
});

describe('normalizeEvent: tags', () => {
  it('reads an object or a list of pairs the same way', () => {
    const a = normalize({ tags: { route: '/a', tenant: 7 } });
    const b = normalize({ tags: [['route', '/a'], ['tenant', 7], ['bad'], 'x', ['k', { o: 1 }]] });
    expect(a.tags.slice(0, 2)).toEqual([['route', '/a'], ['tenant', '7']]);
    expect(b.tags).toEqual(a.tags);
  });

  it('keeps the last value of a repeated key, drops over-long keys, cuts long values', () => {
    const event = normalize({ tags: [['a', '1'], ['a', '2'], ['k'.repeat(201), 'x'], ['long', 'v'.repeat(500)], ['multi', 'a\nb']] });
    expect(tag(event, 'a')).toBe('2');
    expect(event.tags.some(([k]) => k.length > 200)).toBe(false);
    expect(tag(event, 'long')?.length).toBe(200);
    expect(tag(event, 'multi')).toBe('a b');
  });

  it('derives tags from the event, overriding SDK tags of the same name', () => {
    const event = normalize({
      level: 'warning', environment: 'staging', release: 'web@2.0', transaction: 'GET /users', server_name: 'web-1', tags: { level: 'bogus' },
      user: { email: 'a@b.c' }, request: { url: 'https://app.test/users?id=1' },
      contexts: { browser: { name: 'Chrome', version: '120.0' }, client_os: { type: 'os', name: 'macOS', version: '14.1' }, runtime: { name: 'node' } },
      exception: [{ type: 'E', mechanism: { type: 'generic', handled: true } }],
    });
    expect(Object.fromEntries(event.tags)).toEqual({
      level: 'warning', environment: 'staging', release: 'web@2.0', transaction: 'GET /users', server_name: 'web-1', user: 'email:a@b.c',
      browser: 'Chrome 120.0', 'browser.name': 'Chrome', os: 'macOS 14.1', 'os.name': 'macOS', runtime: 'node', 'runtime.name': 'node',
      url: 'https://app.test/users', handled: 'yes', mechanism: 'generic',
    });
  });
});

describe('normalizeEvent: limits', () => {
  it('cuts the message and exception values to 8 KiB', () => {
    const event = normalize({ message: 'm'.repeat(20_000), exception: [{ type: 'E', value: 'v'.repeat(20_000) }] });
    expect(event.message?.length).toBe(8192);
    expect(event.message?.endsWith('...')).toBe(true);
    expect(event.exceptions[0]?.value?.length).toBe(8192);
  });

  it('keeps the newest 25 exceptions', () => {
    const event = normalize({ exception: Array.from({ length: 30 }, (_, i) => ({ type: `E${i}` })) });
    expect(event.exceptions).toHaveLength(25);
    expect(event.exceptions.at(-1)?.type).toBe('E29');
    expect(event.exceptions[0]?.type).toBe('E5');
  });

  it('keeps the first 50 and last 200 frames of a long stack and says so', () => {
    const event = normalize({ exception: [{ type: 'E', stacktrace: { frames: frames(1000) } }] });
    const kept = event.exceptions[0]?.frames ?? [];
    expect(kept).toHaveLength(250);
    expect(kept[49]?.function).toBe('fn49');
    expect(kept[50]?.function).toBe('fn800');
    expect(kept.at(-1)?.function).toBe('fn999');
    expect(event.data.exception).toMatchObject({ values: [{ stacktrace: { frames_omitted: [50, 800] } }] });
  });

  it('keeps 5 context lines around the line, each at most 1 KiB', () => {
    const line = (n: number) => `line ${n} ${'x'.repeat(2000)}`;
    const event = normalize({ stacktrace: { frames: [{ function: 'f', context_line: line(0), pre_context: [1, 2, 3, 4, 5, 6, 7].map(line), post_context: [8, 9, 10, 11, 12, 13].map(line) }] } });
    const frame = event.threadFrames[0];
    expect(frame?.contextLine?.length).toBe(1024);
    expect(frame?.preContext.map((l) => l.split(' x')[0]?.slice(0, 6))).toEqual(['line 3', 'line 4', 'line 5', 'line 6', 'line 7']);
    expect(frame?.postContext).toHaveLength(5);
    expect(frame?.postContext[0]?.startsWith('line 8')).toBe(true);
  });

  it('keeps the last 100 breadcrumbs with normalised timestamps and levels', () => {
    const values = Array.from({ length: 150 }, (_, i) => ({ timestamp: 1_714_560_000 + i, category: 'http', message: `crumb ${i}`, level: i === 149 ? 'warn' : 'bogus' }));
    const crumbs = (normalize({ breadcrumbs: { values } }).data.breadcrumbs as { values: Raw[] }).values;
    expect(crumbs).toHaveLength(100);
    expect(crumbs[0]).toMatchObject({ message: 'crumb 50', level: 'info', timestamp: new Date(1_714_560_050_000).toISOString() });
    expect(crumbs.at(-1)).toMatchObject({ message: 'crumb 149', level: 'warning' });
  });

  it('cuts extra and contexts at depth 10 and strings at 16 KiB', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 30; i++) deep = { next: deep };
    const data = normalize({ extra: { deep, big: 'b'.repeat(40_000) }, contexts: { app: { deep } } }).data as { extra: Raw; contexts: Raw };
    let depth = 0;
    let node: unknown = data.extra;
    while (typeof node === 'object' && node !== null) {
      node = Object.values(node)[0];
      depth++;
    }
    expect(depth).toBe(10);
    expect(node).toBe('[Object]');
    expect((data.extra.big as string).length).toBe(16 * 1024);
  });

  it('drops breadcrumbs, then extra, to keep the stored event near 256 KiB', () => {
    const breadcrumbs = Array.from({ length: 100 }, (_, i) => ({ message: `${i} ${'c'.repeat(4000)}` }));
    const extra = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, 'e'.repeat(10_000)]));
    const small = normalize({ message: 'm', breadcrumbs, extra: { a: 1 } });
    expect(small.data.extra).toEqual({ a: 1 });
    expect(small.data.breadcrumbs).toBeUndefined();
    expect(small.data.errors).toEqual([{ type: 'value_too_long', name: 'breadcrumbs' }]);

    const big = normalize({ message: 'm', breadcrumbs, extra });
    expect(Buffer.byteLength(JSON.stringify(big.data))).toBeLessThanOrEqual(256 * 1024);
    expect(big.data).not.toHaveProperty('extra');
    expect(big.data.message).toBe('m');
    expect(big.data.errors).toEqual([{ type: 'value_too_long', name: 'breadcrumbs' }, { type: 'value_too_long', name: 'extra' }]);
  });

  it('parses a JSON request body sent as a string', () => {
    expect(normalize({ request: { data: '{"a":[1,2]}' } }).data.request).toEqual({ data: { a: [1, 2] } });
    expect(normalize({ request: { data: 'a=1&b=2' } }).data.request).toEqual({ data: 'a=1&b=2' });
  });
});
