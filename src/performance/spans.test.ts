import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WatchpostError } from '../lib/errors.js';
import { MAX_SPANS_PER_BATCH, parseTimestamp, spansFromSpanItem, spansFromTransaction } from './spans.js';

const TRACE = '4c79f60c11214eb38604f4ae0781bfb2';
const ROOT = 'a1b2c3d4e5f60718';
const CHILD = '0f1e2d3c4b5a6978';
const T0 = 1_760_000_000.25;

/** Shaped like what @sentry/node 10 sends for an Express request. */
function transaction(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'transaction',
    transaction: 'GET /users/:id',
    platform: 'node',
    release: 'api@1.4.0',
    environment: 'staging',
    user: { id: 42 },
    start_timestamp: T0,
    timestamp: T0 + 0.184,
    contexts: {
      trace: { trace_id: TRACE, span_id: ROOT, op: 'http.server', status: 'ok', data: { 'http.response.status_code': 200 } },
      response: { status_code: 200 },
    },
    spans: [
      {
        trace_id: TRACE,
        span_id: CHILD,
        parent_span_id: ROOT,
        op: 'db',
        description: "SELECT * FROM users WHERE id = 42 AND org = 'acme'",
        start_timestamp: T0 + 0.01,
        timestamp: T0 + 0.05,
        status: 'ok',
        data: { 'db.system': 'postgresql' },
      },
      {
        span_id: 'ffffffffffff0001',
        parent_span_id: ROOT,
        op: 'http.client',
        description: 'GET https://billing.internal/accounts/981/invoices?limit=5',
        start_timestamp: T0 + 0.06,
        timestamp: T0 + 0.16,
        data: { 'http.response.status_code': 503 },
      },
    ],
    ...overrides,
  };
}

/** Shaped like @sentry/node 11 span streaming: `{items}` under a `span` v2 item header. */
function streamed(items: unknown[]): Record<string, unknown> {
  return { version: 2, items };
}

function v2Span(overrides: Record<string, unknown> = {}, attributes: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    trace_id: TRACE,
    span_id: ROOT,
    name: 'POST /orders',
    start_timestamp: T0,
    end_timestamp: T0 + 1.5,
    is_segment: true,
    status: 'ok',
    attributes: {
      'sentry.op': { value: 'http.server', type: 'string' },
      'sentry.release': { value: 'shop@2.0.0', type: 'string' },
      'sentry.environment': { value: 'production', type: 'string' },
      'http.response.status_code': { value: 201, type: 'integer' },
      ...attributes,
    },
    ...overrides,
  };
}

describe('spansFromTransaction', () => {
  it('turns a transaction into one segment and its spans into children', () => {
    const batch = spansFromTransaction(transaction());
    expect(batch.invalid).toBe(0);
    expect(batch.dropped).toBe(0);
    expect(batch.segments).toEqual([
      {
        traceId: TRACE,
        spanId: ROOT,
        parentSpanId: null,
        segmentId: ROOT,
        segmentName: 'GET /users/:id',
        isSegment: true,
        name: 'GET /users/:id',
        rawDescription: 'GET /users/:id',
        op: 'http.server',
        status: 'ok',
        failed: false,
        startMs: 1_760_000_000_250,
        durationMs: 184,
        release: 'api@1.4.0',
        environment: 'staging',
        httpStatus: 200,
        userId: '42',
        platform: 'node',
        measurements: {},
      },
    ]);
    const [db, http] = batch.spans;
    expect(db).toMatchObject({ name: 'SELECT * FROM users WHERE id = ? AND org = ?', op: 'db', segmentId: ROOT, parentSpanId: ROOT, durationMs: 40 });
    expect(db!.rawDescription).toContain('42');
    // A child without its own trace_id inherits the transaction's; a 503 marks it failed.
    expect(http).toMatchObject({ traceId: TRACE, name: 'GET https://billing.internal/accounts/*/invoices', httpStatus: 503, failed: true, status: 'ok' });
    expect(http).toMatchObject({ release: 'api@1.4.0', environment: 'staging', userId: '42', segmentName: 'GET /users/:id' });
  });

  it('fills defaults and takes release/environment from the envelope trace header', () => {
    const event = transaction({ release: undefined, environment: undefined, transaction: undefined, user: undefined, platform: undefined, spans: [] });
    (event.contexts as { trace: Record<string, unknown> }).trace = { trace_id: TRACE, span_id: ROOT };
    const [segment] = spansFromTransaction(event, { trace: { release: 'r9', environment: 'qa' } }).segments;
    expect(segment).toMatchObject({ op: 'default', status: 'ok', release: 'r9', environment: 'qa', name: '<unlabeled transaction>', userId: null });
    const [bare] = spansFromTransaction({ ...event, environment: undefined }).segments;
    expect(bare).toMatchObject({ environment: 'production', release: null });
  });

  it.each([
    { name: 'legacy response context', patch: { contexts: { trace: { trace_id: TRACE, span_id: ROOT }, response: { status_code: 502 } } }, want: 502 },
    { name: 'trace data attribute', patch: { contexts: { trace: { trace_id: TRACE, span_id: ROOT, data: { 'http.response.status_code': 500 } } } }, want: 500 },
    { name: 'tag map', patch: { contexts: { trace: { trace_id: TRACE, span_id: ROOT } }, tags: { 'http.status_code': '504' } }, want: 504 },
    { name: 'tag pairs', patch: { contexts: { trace: { trace_id: TRACE, span_id: ROOT } }, tags: [['http.status_code', '500']] }, want: 500 },
  ])('reads the HTTP status from the $name and fails on 5xx', ({ patch, want }) => {
    const [segment] = spansFromTransaction(transaction(patch)).segments;
    expect(segment).toMatchObject({ httpStatus: want, failed: true, status: 'ok' });
  });

  it.each([
    ['ok', false],
    ['cancelled', false],
    ['unknown', false],
    ['unknown_error', false],
    [undefined, false],
    ['internal_error', true],
    ['not_found', true],
    ['deadline_exceeded', true],
    ['error', true],
    ['PERMISSION_DENIED', true],
  ] as const)("status %s → failed %s (Sentry's failure_rate rule)", (status, failed) => {
    const event = transaction({ contexts: { trace: { trace_id: TRACE, span_id: ROOT, status } } });
    expect(spansFromTransaction(event).segments[0]!.failed).toBe(failed);
  });

  it('normalises web vitals to ms (cls unitless) and drops unknown or bad ones', () => {
    const event = transaction({
      measurements: {
        lcp: { value: 2.4, unit: 'second' },
        fcp: { value: 900, unit: 'millisecond' },
        ttfb: { value: 120 },
        cls: { value: 0.12, unit: '' },
        inp: { value: 180_000, unit: 'microsecond' },
        fid: { value: -3, unit: 'millisecond' },
        'frames.total': { value: 10 },
        'ttfb.requestTime': { value: 5 },
        stall: { value: 'x' },
      },
    });
    expect(spansFromTransaction(event).segments[0]!.measurements).toEqual({ lcp: 2400, fcp: 900, ttfb: 120, cls: 0.12, inp: 180 });
  });

  it('skips malformed children and counts them, never throwing', () => {
    const event = transaction();
    const good = (event.spans as unknown[])[0];
    event.spans = [
      good,
      null,
      'span',
      { ...(good as object), span_id: 'nothex' },
      { ...(good as object), timestamp: undefined },
      { ...(good as object), timestamp: T0 - 10 }, // ends before it starts
      { ...(good as object), start_timestamp: 1_760_000_000_000 }, // ms instead of seconds
    ];
    const batch = spansFromTransaction(event);
    expect(batch.spans).toHaveLength(1);
    expect(batch.invalid).toBe(6);
  });

  it('counts a malformed transaction root as invalid and still keeps its valid children', () => {
    const batch = spansFromTransaction(transaction({ start_timestamp: 'yesterday' }));
    expect(batch.segments).toEqual([]);
    expect(batch.invalid).toBe(1);
    expect(batch.spans).toHaveLength(2);
  });

  it.each([null, 'text', 42, [transaction()]])('throws WP_ERR_INGEST_MALFORMED for a non-object payload %#', (payload) => {
    expect(() => spansFromTransaction(payload)).toThrow(expect.objectContaining({ code: 'WP_ERR_INGEST_MALFORMED' }) as Error);
    expect(() => spansFromTransaction(payload)).toThrow(WatchpostError);
  });

  it('keeps the segment and the first 999 children of an oversized transaction', () => {
    const child = (transaction().spans as Record<string, unknown>[])[0]!;
    const spans = Array.from({ length: 1500 }, (_, i) => ({ ...child, span_id: i.toString(16).padStart(16, '0') }));
    const batch = spansFromTransaction(transaction({ spans }));
    expect(batch.segments).toHaveLength(1);
    expect(batch.spans).toHaveLength(MAX_SPANS_PER_BATCH - 1);
    expect(batch.spans.at(-1)!.spanId).toBe((998).toString(16).padStart(16, '0'));
    expect(batch.dropped).toBe(501);
    expect(batch.invalid).toBe(0);
  });
});

describe('spansFromSpanItem', () => {
  it('reads segments and children with attributes, typed or bare', () => {
    const db = v2Span(
      { span_id: CHILD, parent_span_id: ROOT, is_segment: false, name: 'SELECT orders', start_timestamp: T0 + 0.1, end_timestamp: T0 + 0.35 },
      {
        'sentry.op': { value: 'db', type: 'string' },
        'db.query.text': { value: 'SELECT * FROM orders WHERE id IN (1, 2, 3)', type: 'string' },
        'sentry.segment.id': { value: ROOT, type: 'string' },
        'http.response.status_code': undefined,
        'user.id': 'u-7',
      },
    );
    const batch = spansFromSpanItem(streamed([v2Span(), db]));
    expect(batch).toMatchObject({ invalid: 0, dropped: 0 });
    expect(batch.segments[0]).toMatchObject({
      name: 'POST /orders',
      op: 'http.server',
      isSegment: true,
      segmentId: ROOT,
      durationMs: 1500,
      release: 'shop@2.0.0',
      environment: 'production',
      httpStatus: 201,
      failed: false,
    });
    expect(batch.spans[0]).toMatchObject({
      name: 'SELECT * FROM orders WHERE id IN (...)',
      segmentId: ROOT,
      segmentName: 'POST /orders',
      durationMs: 250,
      userId: 'u-7',
      httpStatus: null,
    });
  });

  it('treats a span whose sentry.segment.id is its own id as a segment even without is_segment', () => {
    const batch = spansFromSpanItem(streamed([v2Span({ is_segment: undefined }, { 'sentry.segment.id': ROOT }), v2Span({ is_segment: undefined, span_id: CHILD })]));
    expect(batch.segments.map((r) => r.spanId)).toEqual([ROOT]);
    expect(batch.spans.map((r) => r.spanId)).toEqual([CHILD]);
  });

  it('falls back to the envelope trace header for release and environment', () => {
    const span = v2Span({}, { 'sentry.release': undefined, 'sentry.environment': undefined });
    expect(spansFromSpanItem(streamed([span]), { trace: { release: 'web@3', environment: 'canary' } }).segments[0]).toMatchObject({
      release: 'web@3',
      environment: 'canary',
    });
    expect(spansFromSpanItem(streamed([span])).segments[0]).toMatchObject({ release: null, environment: 'production' });
  });

  it('parametrises a raw URL segment name and builds an http.client description from attributes', () => {
    const segment = v2Span({ name: 'GET /users/8812/avatar?size=64' });
    const call = v2Span(
      { span_id: CHILD, parent_span_id: 'cccccccccccccccc', is_segment: false, name: 'GET' },
      { 'sentry.op': 'http.client', 'url.full': 'https://cdn.example.com/img/550e8400-e29b-41d4-a716-446655440000.png?sig=1', 'http.request.method': 'GET', 'http.response.status_code': { value: 500 } },
    );
    // No sentry.segment.* attributes: the segment is found through the parent chain.
    const middleware = v2Span({ span_id: 'cccccccccccccccc', parent_span_id: ROOT, is_segment: false, name: 'middleware - auth' }, { 'sentry.op': 'middleware.express' });
    const batch = spansFromSpanItem(streamed([call, segment, middleware]));
    expect(batch.segments[0]!.name).toBe('GET /users/:id/avatar');
    expect(batch.spans[0]).toMatchObject({
      name: 'GET https://cdn.example.com/img/550e8400-e29b-41d4-a716-446655440000.png',
      failed: true,
      segmentId: ROOT,
      segmentName: 'GET /users/:id/avatar',
    });
    const orphan = spansFromSpanItem(streamed([call, segment])).spans[0];
    expect(orphan).toMatchObject({ segmentId: null, segmentName: null });
  });

  it('reads web vitals from browser.web_vital.* attributes', () => {
    const lcp = v2Span({ name: '/checkout', status: 'error' }, { 'sentry.op': 'ui.webvital.lcp', 'browser.web_vital.lcp.value': { value: 3100.5, type: 'double' }, 'browser.web_vital.cls.value': 0.3 });
    expect(spansFromSpanItem(streamed([lcp])).segments[0]).toMatchObject({ measurements: { lcp: 3100.5, cls: 0.3 }, failed: true, status: 'error' });
  });

  it('accepts RFC 3339 timestamps and the payload without a version field', () => {
    const span = v2Span({ start_timestamp: '2025-10-09T08:53:20.250Z', end_timestamp: '2025-10-09T10:53:20.750+02:00' });
    const batch = spansFromSpanItem({ items: [span] });
    expect(batch.segments[0]).toMatchObject({ startMs: Date.parse('2025-10-09T08:53:20.250Z'), durationMs: 500 });
  });

  it('counts malformed items, and an items field that is not a list, as invalid', () => {
    const items = [v2Span(), 7, null, v2Span({ trace_id: 'short' }), v2Span({ end_timestamp: 'soon' }), v2Span({ span_id: undefined })];
    expect(spansFromSpanItem(streamed(items))).toMatchObject({ invalid: 5, dropped: 0 });
    expect(spansFromSpanItem({ version: 2, items: 'nope' })).toEqual({ segments: [], spans: [], invalid: 1, dropped: 0 });
    expect(() => spansFromSpanItem('{"items":[]}')).toThrow(WatchpostError);
  });

  it('caps a batch at 1000, keeping segments first and dropping the latest children', () => {
    const children = Array.from({ length: 1200 }, (_, i) => v2Span({ span_id: i.toString(16).padStart(16, '0'), is_segment: false }));
    const batch = spansFromSpanItem(streamed([...children, v2Span()]));
    expect(batch.segments).toHaveLength(1);
    expect(batch.spans).toHaveLength(999);
    expect(batch.dropped).toBe(201);
  });

  it('never throws on arbitrary JSON inside items, and accounts for every item', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.jsonValue(), fc.constant(v2Span()), fc.record({ trace_id: fc.string(), span_id: fc.string(), start_timestamp: fc.double(), end_timestamp: fc.anything() }))), (items) => {
        const batch = spansFromSpanItem({ version: 2, items });
        expect(batch.segments.length + batch.spans.length + batch.invalid + batch.dropped).toBe(items.length);
        for (const r of [...batch.segments, ...batch.spans]) {
          expect(r.durationMs).toBeGreaterThanOrEqual(0);
          expect(r.traceId).toMatch(/^[0-9a-f]{32}$/);
        }
      }),
    );
  });
});

describe('parseTimestamp', () => {
  it.each([
    [1_700_000_000.5, 1_700_000_000_500],
    ['2023-11-14T22:13:20Z', 1_700_000_000_000],
    ['2023-11-14T22:13:20.123456Z', 1_700_000_000_123.456],
    ['2023-11-14T23:13:20+01:00', 1_700_000_000_000],
    ['2023-11-14T22:13:20', 1_700_000_000_000],
    ['2023-11-14', null],
    ['Tue, 14 Nov 2023 22:13:20 GMT', null],
    [1_700_000_000_000, null],
    [-1, null],
    [NaN, null],
    [null, null],
  ])('%s → %s', (input, want) => {
    const got = parseTimestamp(input);
    if (want === null) expect(got).toBeNull();
    else expect(got).toBeCloseTo(want, 3);
  });
});
