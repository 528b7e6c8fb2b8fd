import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeEvent } from './event.js';
import { computeGrouping, normalizeMessageForGrouping } from './grouping.js';
import { normalizeFilename, normalizeFunction } from './grouping-frames.js';

const RECEIVED = Date.UTC(2024, 0, 1);
type Raw = Record<string, unknown>;
const group = (raw: Raw) => computeGrouping(normalizeEvent(raw, { receivedAt: RECEIVED }));

const frame = (over: Raw = {}): Raw => ({ filename: '/srv/app/src/users.js', function: 'findUser', lineno: 10, colno: 3, in_app: true, ...over });
const libFrame = (over: Raw = {}): Raw => ({ filename: '/srv/app/node_modules/express/lib/router.js', function: 'handle', lineno: 5, in_app: false, ...over });
const error = (type: string, value: string, frames: Raw[], extra: Raw = {}): Raw => ({
  exception: { values: [{ type, value, stacktrace: { frames } }] },
  ...extra,
});
const chain = (...values: Array<[string, string, Raw[]]>): Raw => ({
  exception: { values: values.map(([type, value, frames]) => ({ type, value, stacktrace: { frames } })) },
});
const message = (text: string, extra: Raw = {}): Raw => ({ message: text, ...extra });

describe('computeGrouping: same or different group', () => {
  const cases: Array<[string, Raw, Raw, 'same' | 'different']> = [
    ['same throw site, different messages and ids',
      error('NotFoundError', 'User 8f14e45f not found (req 123)', [libFrame(), frame()]),
      error('NotFoundError', 'User 45c48cce not found (req 456)', [libFrame(), frame()]), 'same'],
    ['code moved down: other line and column, same function',
      error('TypeError', 'x is undefined', [frame({ lineno: 10, colno: 3 })]),
      error('TypeError', 'x is undefined', [frame({ lineno: 42, colno: 17 })]), 'same'],
    ['different function',
      error('TypeError', 'x is undefined', [frame({ function: 'findUser' })]),
      error('TypeError', 'x is undefined', [frame({ function: 'saveUser' })]), 'different'],
    ['different file',
      error('TypeError', 'x', [frame({ filename: '/srv/app/src/users.js' })]),
      error('TypeError', 'x', [frame({ filename: '/srv/app/src/orders.js' })]), 'different'],
    ['different exception type at the same site',
      error('TypeError', 'x', [frame()]),
      error('RangeError', 'x', [frame()]), 'different'],
    ['minified bundle hashes change between builds',
      error('TypeError', 'a is null', [frame({ filename: 'https://app.example.com/static/js/main.3f9a1c.js', function: 'onClick' })]),
      error('TypeError', 'a is null', [frame({ filename: 'https://cdn.example.com/static/js/main.88aa2b.js?v=2', function: 'onClick' })]), 'same'],
    ['vite chunk hashes change between builds',
      error('Error', 'x', [frame({ filename: '/assets/index-BfX8aK2p.js', function: 'render' })]),
      error('Error', 'x', [frame({ filename: '/assets/index-Q2wErTy7.js', function: 'render' })]), 'same'],
    ['deployed to another release directory',
      error('Error', 'x', [frame({ filename: '/srv/releases/20240101120000/app/src/users.js' })]),
      error('Error', 'x', [frame({ filename: '/srv/releases/20240202090000/app/src/users.js' })]), 'same'],
    ['a dependency was upgraded (pnpm path with version)',
      error('Error', 'x', [libFrame({ filename: '/app/node_modules/.pnpm/pg@8.11.0/node_modules/pg/lib/client.js' })]),
      error('Error', 'x', [libFrame({ filename: '/app/node_modules/.pnpm/pg@8.12.1/node_modules/pg/lib/client.js' })]), 'same'],
    ['only library frames differ when the app has in-app frames',
      error('Error', 'x', [libFrame({ function: 'handle' }), frame()]),
      error('Error', 'x', [libFrame({ function: 'next' }), libFrame({ function: 'dispatch' }), frame()]), 'same'],
    ['library frames decide when no frame is in-app',
      error('Error', 'x', [libFrame({ function: 'handle' })]),
      error('Error', 'x', [libFrame({ function: 'next' })]), 'different'],
    ['deeper recursion of the same frame',
      error('RangeError', 'too deep', [frame({ function: 'walk' }), frame({ function: 'walk' })]),
      error('RangeError', 'too deep', [frame({ function: 'walk' }), frame({ function: 'walk' }), frame({ function: 'walk' })]), 'same'],
    ['anonymous spellings and V8 decorations',
      error('Error', 'x', [frame({ function: 'Object.<anonymous>' }), frame({ function: 'async UserService.find [as find]' })]),
      error('Error', 'x', [frame({ function: '<anonymous>' }), frame({ function: 'UserService.find' })]), 'same'],
    ['a short in-app context line that changed',
      error('Error', 'x', [frame({ context_line: '  throw new Error(a)' })]),
      error('Error', 'x', [frame({ context_line: '  throw new Error(b)' })]), 'different'],
    ['re-indented context line',
      error('Error', 'x', [frame({ context_line: '  throw  new Error(a)' })]),
      error('Error', 'x', [frame({ context_line: '\tthrow new Error(a)   ' })]), 'same'],
    ['a long (minified) context line is ignored',
      error('Error', 'x', [frame({ context_line: `a=${'x'.repeat(200)}` })]),
      error('Error', 'x', [frame({ context_line: `b=${'y'.repeat(200)}` })]), 'same'],
    ['module takes the place of the file name',
      error('Error', 'x', [frame({ module: 'app.users', filename: '/a/users.js' })]),
      error('Error', 'x', [frame({ module: 'app.users', filename: '/b/other.js' })]), 'same'],
    ['fingerprint with {{ default }} and different tenants',
      error('Error', 'x', [frame()], { fingerprint: ['{{ default }}', 'tenant-1'] }),
      error('Error', 'x', [frame()], { fingerprint: ['{{ default }}', 'tenant-2'] }), 'different'],
    ['fingerprint with {{default}} and the same tenant, different messages',
      error('Error', 'x 1', [frame()], { fingerprint: ['{{default}}', 'tenant-1'] }),
      error('Error', 'y 2', [frame()], { fingerprint: ['{{ default }}', 'tenant-1'] }), 'same'],
    ['{{ default }} keeps the default groups apart',
      error('Error', 'x', [frame({ function: 'a' })], { fingerprint: ['{{ default }}', 'db'] }),
      error('Error', 'x', [frame({ function: 'b' })], { fingerprint: ['{{ default }}', 'db'] }), 'different'],
    ['a literal fingerprint merges different stacks',
      error('TypeError', 'x', [frame({ function: 'a' })], { fingerprint: ['database-down'] }),
      error('RangeError', 'y', [frame({ function: 'b' })], { fingerprint: ['database-down'] }), 'same'],
    ['fingerprint entries are not concatenated ambiguously',
      message('m', { fingerprint: ['a b'] }),
      message('m', { fingerprint: ['a', 'b'] }), 'different'],
    ['message with different ids',
      message('User 123 not found'), message('User 456 not found'), 'same'],
    ['message with different words',
      message('User 123 not found'), message('Order 123 not found'), 'different'],
    ['message template with different params',
      { logentry: { message: 'Payment %s failed for %s', params: ['p_1', 'alice'] } },
      { logentry: { message: 'Payment %s failed for %s', params: ['p_2', 'bob'] } }, 'same'],
    ['message event with the same stack but other text groups by stack',
      message('Cache miss for user 1', { stacktrace: { frames: [frame()] } }),
      message('Slow query on table orders', { stacktrace: { frames: [frame()] } }), 'same'],
    ['exception without frames: same type, normalised value',
      error('TimeoutError', 'Timed out after 3000 ms on 10.0.0.1', []),
      error('TimeoutError', 'Timed out after 5000 ms on 10.0.0.2', []), 'same'],
    ['exception without frames: different value',
      error('TimeoutError', 'Connect timed out', []),
      error('TimeoutError', 'Read timed out', []), 'different'],
    ['chained exceptions with other values',
      chain(['PgError', 'relation "users" does not exist', [libFrame()]], ['QueryFailed', 'query 17 failed', [frame()]]),
      chain(['PgError', 'relation "orders" does not exist', [libFrame()]], ['QueryFailed', 'query 18 failed', [frame()]]), 'same'],
    ['chained exceptions with another cause type',
      chain(['PgError', 'x', [frame({ function: 'query' })]], ['QueryFailed', 'y', [frame()]]),
      chain(['SocketError', 'x', [frame({ function: 'query' })]], ['QueryFailed', 'y', [frame()]]), 'different'],
    ['chained exceptions: a cause without frames contributes its value',
      chain(['ECONNREFUSED', 'connect to db', []], ['QueryFailed', 'y', [frame()]]),
      chain(['ECONNREFUSED', 'connect to cache', []], ['QueryFailed', 'y', [frame()]]), 'different'],
    ['no exception, message or stack: level and logger',
      { level: 'error', logger: 'a' }, { level: 'error', logger: 'b' }, 'different'],
  ];

  it.each(cases)('%s', (_name, a, b, expected) => {
    const ga = group(a);
    const gb = group(b);
    expect(ga.hash).toMatch(/^[0-9a-f]{32}$/);
    if (expected === 'same') expect(ga.hash).toBe(gb.hash);
    else expect(ga.hash).not.toBe(gb.hash);
  });
});

describe('computeGrouping: any input', () => {
  const frameArb = fc.record(
    { filename: fc.string(), function: fc.oneof(fc.string(), fc.constant(null)), module: fc.oneof(fc.string(), fc.constant(undefined)), in_app: fc.oneof(fc.boolean(), fc.constant(undefined)), context_line: fc.string(), lineno: fc.nat() },
    { requiredKeys: [] },
  );
  const eventArb = fc.record(
    {
      exception: fc.array(fc.record({ type: fc.string(), value: fc.string(), stacktrace: fc.record({ frames: fc.array(frameArb, { maxLength: 6 }) }) }, { requiredKeys: [] }), { maxLength: 3 }),
      message: fc.string(),
      fingerprint: fc.array(fc.oneof(fc.string(), fc.constant('{{ default }}')), { maxLength: 3 }),
      stacktrace: fc.record({ frames: fc.array(frameArb, { maxLength: 4 }) }),
      transaction: fc.string(),
    },
    { requiredKeys: [] },
  );

  it('always yields a 32-hex hash, a title and a culprit within limits, deterministically', () => {
    fc.assert(
      fc.property(eventArb, (raw) => {
        const g = group(raw);
        expect(g.hash).toMatch(/^[0-9a-f]{32}$/);
        expect(g.title.length).toBeGreaterThan(0);
        expect(g.title.length).toBeLessThanOrEqual(200);
        expect(g.culprit.length).toBeLessThanOrEqual(200);
        expect(group(raw)).toEqual(g);
      }),
    );
  });
});

describe('computeGrouping: variants', () => {
  it.each<[string, Raw, string]>([
    ['in-app frames', error('E', 'x', [libFrame(), frame()]), 'in-app-stacktrace'],
    ['no in-app frames', error('E', 'x', [libFrame()]), 'stacktrace'],
    ['frames without in_app', error('E', 'x', [frame({ in_app: undefined })]), 'stacktrace'],
    ['no frames', error('E', 'x', []), 'exception'],
    ['frames that say nothing', error('E', 'x', [{ lineno: 3 }]), 'exception'],
    ['message', message('hello'), 'message'],
    ['message with stack', message('hello', { stacktrace: { frames: [frame()] } }), 'in-app-stacktrace'],
    ['crashed thread stack', message('hello', { threads: { values: [{ id: 1, crashed: true, stacktrace: { frames: [libFrame()] } }] } }), 'stacktrace'],
    ['fingerprint', message('hello', { fingerprint: ['x'] }), 'fingerprint'],
    ['nothing', {}, 'fallback'],
  ])('%s', (_name, raw, variant) => {
    expect(group(raw).variant).toBe(variant);
  });

  it('treats a fingerprint of only {{ default }} as the default grouping', () => {
    const plain = group(error('E', 'x', [frame()]));
    const withDefault = group(error('E', 'x', [frame()], { fingerprint: ['{{ default }}'] }));
    expect(withDefault).toEqual(plain);
  });
});

describe('computeGrouping: title, culprit, type and value', () => {
  it('titles an exception by the newest exception type and first line of its value', () => {
    const g = group(chain(['Cause', 'inner', []], ['TypeError', "Cannot read properties of undefined (reading 'id')\n    at x", [frame()]]));
    expect(g).toMatchObject({ title: "TypeError: Cannot read properties of undefined (reading 'id')", type: 'TypeError', value: "Cannot read properties of undefined (reading 'id')" });
  });

  it('uses the type or the value alone when the other is missing', () => {
    expect(group({ exception: [{ type: 'Panic' }] }).title).toBe('Panic');
    expect(group({ exception: [{ value: 'something broke' }] })).toMatchObject({ title: 'something broke', type: null });
  });

  it('titles a message event by its first line, cut to 200 characters', () => {
    expect(group(message('first line\nsecond line')).title).toBe('first line');
    const long = group(message('x'.repeat(500)));
    expect(long.title.length).toBeLessThanOrEqual(200);
    expect(long).toMatchObject({ type: null, value: null });
  });

  it('titles an event with neither as <unlabeled event>', () => {
    expect(group({}).title).toBe('<unlabeled event>');
  });

  it('uses the transaction as culprit when set', () => {
    expect(group(error('E', 'x', [frame()], { transaction: 'GET /users/:id' })).culprit).toBe('GET /users/:id');
  });

  it('otherwise names the last in-app frame of the newest exception', () => {
    const g = group(error('E', 'x', [frame({ function: 'outer' }), frame({ filename: 'src/db.js', function: 'query' }), libFrame()]));
    expect(g.culprit).toBe('src/db.js in query');
  });

  it('falls back to the last frame, a module, and ? for an unknown function', () => {
    expect(group(error('E', 'x', [libFrame({ module: 'express.router', function: null })])).culprit).toBe('express.router in ?');
    expect(group(message('m', { stacktrace: { frames: [frame({ filename: 'a.js?v=3', function: 'f' })] } })).culprit).toBe('a.js in f');
    expect(group(message('m')).culprit).toBe('');
  });

  it('cuts a long value to 200 characters', () => {
    const g = group(error('E', 'v'.repeat(1000), []));
    expect(g.value?.length).toBeLessThanOrEqual(200);
    expect(g.title.length).toBeLessThanOrEqual(200);
  });
});

describe('normalizeMessageForGrouping', () => {
  it.each([
    ['User 123 not found', 'User <num> not found'],
    ['Timeout of 30000ms exceeded', 'Timeout of <num>ms exceeded'],
    ['Order 550e8400-e29b-41d4-a716-446655440000 missing', 'Order <uuid> missing'],
    ['Mail to alice@example.com bounced', 'Mail to <email> bounced'],
    ['Connect to 10.1.2.3 and fe80::1ff:fe23:4567:890a failed', 'Connect to <ip> and <ip> failed'],
    ['Job at 2024-05-01T10:20:30.123Z late by 12:30', 'Job at <date> late by <time>'],
    ['GET https://api.example.com/v1/users/9?x=1 returned 500', 'GET <url> returned <num>'],
    ['Document 65a1f0c2e4b0a1b2c3d4e5f6 and pointer 0x7ffee4 gone', 'Document <hex> and pointer <hex> gone'],
    ["Can't find key 'session:42' in \"cache-7\"", "Can't find key '<str>' in \"<str>\""],
    ['Foo::bar failed in utf8 v2', 'Foo::bar failed in utf8 v2'],
  ])('%s', (input, expected) => {
    expect(normalizeMessageForGrouping(input)).toBe(expected);
  });
});

describe('frame normalisation', () => {
  it.each([
    ['https://example.com/static/js/main.3f9a1c.js?v=1#x', 'static/js/main.js'],
    ['/assets/index-BfX8aK2p.js', 'assets/index.js'],
    ['/_next/static/chunks/pages/_app-3f9a1c2e4b5d6a7f.js', '_next/static/chunks/pages/_app.js'],
    ['chunk-vendors.3f9a1c2e.js', 'chunk-vendors.js'],
    ['UserProfile-Settings.js', 'UserProfile-Settings.js'],
    ['/home/alice/proj/node_modules/.pnpm/lodash@4.17.21/node_modules/lodash/lodash.js', 'lodash/lodash.js'],
    ['https://cdn.jsdelivr.net/npm/vue@3.4.1/dist/vue.global.js', 'npm/vue/dist/vue.global.js'],
    ['/srv/releases/20240101/app/src/services/user.js', 'src/services/user.js'],
    ['C:\\Users\\bob\\proj\\src\\x.ts', 'src/x.ts'],
    ['webpack://my-app/./src/App.tsx', 'src/App.tsx'],
    ['node:internal/process/task_queues', 'node:internal/process/task_queues'],
  ])('file %s → %s', (input, expected) => {
    expect(normalizeFilename(input)).toBe(expected);
  });

  it.each([
    ['async UserService.find', 'UserService.find'],
    ['new Foo', 'Foo'],
    ['asyncHandler', 'asyncHandler'],
    ['Router.handle [as handle_request]', 'Router.handle'],
    ['Promise.all (index 0)', 'Promise.all'],
    ['Object.<anonymous>', null],
    ['<anonymous>', null],
    ['?', null],
  ])('function %s → %s', (input, expected) => {
    expect(normalizeFunction(input)).toBe(expected);
  });
});
